"""`count_bookings`: our open orders and the HIS's registrations of the day, each booking once."""

from __future__ import annotations

import pytest

from hospital_bff.services.eligibility import BookedVisit, BookingCounts, count_bookings

OURS_CONFIRMED = BookedVisit("ord-1", "sch-a", "dep-yk")
OURS_UNPAID = BookedVisit("ord-2", "sch-b", "dep-wk")
# The HIS lists our confirmed order under its order ID: the same booking, not another.
HIS_OF_OURS = BookedVisit("ord-1", "sch-a", "dep-yk")
WINDOW = BookedVisit(None, "sch-c", "dep-yk")
KIOSK = BookedVisit(None, "sch-a", "dep-yk")
OTHER_CHANNEL = BookedVisit("alipay-9", "sch-d", "dep-nk")


@pytest.mark.parametrize(
    ("ours", "at_his", "expected"),
    [
        ([], [], BookingCounts(0, 0, 0)),
        ([OURS_CONFIRMED], [HIS_OF_OURS], BookingCounts(1, 1, 1)),
        ([OURS_CONFIRMED, OURS_UNPAID], [HIS_OF_OURS], BookingCounts(1, 1, 2)),
        ([], [WINDOW], BookingCounts(0, 1, 1)),
        ([OURS_CONFIRMED], [HIS_OF_OURS, KIOSK], BookingCounts(2, 2, 2)),
        ([OURS_UNPAID], [WINDOW, OTHER_CHANNEL], BookingCounts(0, 1, 3)),
        # Two window registrations are two bookings, though neither has an order ID.
        ([], [WINDOW, KIOSK], BookingCounts(1, 2, 2)),
    ],
)
def test_counts_every_channel_once(
    ours: list[BookedVisit], at_his: list[BookedVisit], expected: BookingCounts
) -> None:
    assert count_bookings(ours, at_his, "sch-a", "dep-yk") == expected
