import enum
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from hospital_bff.clock import SHANGHAI
from hospital_bff.services.money.rules import (
    TRANSITIONS,
    ArrivedMoney,
    InvalidTransition,
    OrderKind,
    OrderStatus,
    Payability,
    PaymentStatus,
    RefundMode,
    RefundStatus,
    arrived_money,
    assert_transition,
    bank_answer_final,
    can_cancel,
    can_transition,
    cancellation_refund_mode,
    payability,
    refund_expected_by,
)

S = OrderStatus


def sh(day: int, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2024, 6, day, hour, minute, second, micro, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (
            OrderStatus,
            [
                "AWAITING_PAYMENT",
                "PAID",
                "CONFIRMED",
                "EXPIRED",
                "CANCELLED",
                "FAILED",
                "COMPLETED",
            ],
        ),
        (RefundMode, ["REVERSAL", "REFUND", "BATCH"]),
        (RefundStatus, ["PENDING", "PROCESSING", "SUCCEEDED", "FAILED"]),
        (PaymentStatus, ["PENDING", "SUCCEEDED", "CLOSED", "FAILED"]),
        (OrderKind, ["REGISTRATION", "CLINIC_PAYMENT"]),
    ],
)
def test_enum_values_are_the_contracts(kind: type[enum.StrEnum], values: list[str]) -> None:
    assert [m.value for m in kind] == values
    assert all(m == m.value for m in kind)  # StrEnum: usable wherever the string is


ALLOWED = {
    (S.AWAITING_PAYMENT, S.PAID),
    (S.AWAITING_PAYMENT, S.EXPIRED),
    (S.AWAITING_PAYMENT, S.CANCELLED),
    (S.PAID, S.CONFIRMED),
    (S.PAID, S.FAILED),
    (S.CONFIRMED, S.COMPLETED),
    (S.CONFIRMED, S.CANCELLED),
}


@pytest.mark.parametrize(("current", "target"), list(product(S, S)))
def test_every_pair_of_states(current: OrderStatus, target: OrderStatus) -> None:
    allowed = (current, target) in ALLOWED
    assert can_transition(current, target) is allowed
    if allowed:
        assert_transition(current, target)
    else:
        with pytest.raises(InvalidTransition) as caught:
            assert_transition(current, target)
        assert (caught.value.current, caught.value.target) == (current, target)


def test_every_status_has_an_entry_and_terminals_are_empty() -> None:
    assert set(TRANSITIONS) == set(S)
    for status in (S.EXPIRED, S.CANCELLED, S.FAILED, S.COMPLETED):
        assert TRANSITIONS[status] == frozenset()


@pytest.mark.parametrize(
    ("paid_at", "now", "mode"),
    [
        (sh(1, 9), sh(1, 9, 5), RefundMode.REVERSAL),
        (sh(1, 0, 30), sh(1, 1, 0), RefundMode.REVERSAL),  # 01:00 exactly opens the window
        (sh(1, 0, 30), sh(1, 0, 59, 59, 999999), RefundMode.BATCH),
        (sh(1, 9), sh(1, 22, 59, 59, 999999), RefundMode.REVERSAL),
        (sh(1, 9), sh(1, 23, 0), RefundMode.BATCH),  # 23:00 exactly is already closed
        (sh(1, 9), sh(1, 23, 30), RefundMode.BATCH),
        (sh(1, 9), sh(2, 9), RefundMode.BATCH),  # the next day
        (sh(1, 23, 30), sh(2, 1, 30), RefundMode.BATCH),  # within 24 h, different days
        # 2024-06-01 20:00 UTC is 2024-06-02 04:00 in Shanghai: same Shanghai day as paid_at,
        # although not the same UTC day, so the zone must be Shanghai's.
        (sh(2, 3), datetime(2024, 6, 1, 20, 0, tzinfo=UTC), RefundMode.REVERSAL),
        # 2024-06-01 16:30 UTC is 00:30 on 2 June in Shanghai: outside the window, although
        # it is 16:30 in UTC.
        (sh(2, 0, 10), datetime(2024, 6, 1, 16, 30, tzinfo=UTC), RefundMode.BATCH),
        # 2024-06-01 15:30 UTC is 23:30 in Shanghai: too late, though 15:30 in UTC is not.
        (sh(1, 9), datetime(2024, 6, 1, 15, 30, tzinfo=UTC), RefundMode.BATCH),
    ],
)
def test_cancellation_refund_mode(paid_at: datetime, now: datetime, mode: RefundMode) -> None:
    assert cancellation_refund_mode(paid_at, now) is mode


def test_refund_mode_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        cancellation_refund_mode(datetime(2024, 6, 1, 9), sh(1, 10))


@pytest.mark.parametrize(
    ("mode", "delay"),
    [
        (RefundMode.REVERSAL, timedelta(0)),
        (RefundMode.REFUND, timedelta(0)),
        (RefundMode.BATCH, timedelta(days=7)),
    ],
)
def test_refund_expected_by(mode: RefundMode, delay: timedelta) -> None:
    assert refund_expected_by(mode, sh(1, 10)) == sh(1, 10) + delay


VISIT = sh(3, 8)


@pytest.mark.parametrize(
    ("status", "now", "visited", "printed", "answer"),
    [
        (S.CONFIRMED, sh(1, 10), False, False, None),
        (S.AWAITING_PAYMENT, sh(1, 10), False, False, None),
        (S.CONFIRMED, VISIT - timedelta(microseconds=1), False, False, None),
        (S.CONFIRMED, VISIT, False, False, "CANCEL_NOT_ALLOWED"),  # the visit has started
        (S.CONFIRMED, VISIT + timedelta(hours=1), False, False, "CANCEL_NOT_ALLOWED"),
        (S.CONFIRMED, sh(1, 10), True, False, "CANCEL_NOT_ALLOWED"),
        (S.CONFIRMED, sh(1, 10), False, True, "CANCEL_NOT_ALLOWED"),
        (S.PAID, sh(1, 10), False, False, "INVALID_STATE"),  # wait for the HIS first
        (S.CANCELLED, sh(1, 10), False, False, "INVALID_STATE"),
        (S.EXPIRED, sh(1, 10), False, False, "INVALID_STATE"),
        (S.FAILED, sh(1, 10), False, False, "INVALID_STATE"),
        (S.COMPLETED, sh(1, 10), True, True, "INVALID_STATE"),  # state is checked first
        (S.CANCELLED, VISIT + timedelta(days=1), False, False, "INVALID_STATE"),
    ],
)
def test_can_cancel(
    status: OrderStatus, now: datetime, visited: bool, printed: bool, answer: str | None
) -> None:
    assert can_cancel(status, VISIT, now, visited=visited, invoice_printed=printed) == answer


# --- settling money -----------------------------------------------------------------------

ENDS = sh(1, 10)


@pytest.mark.parametrize(
    ("status", "now", "refunded", "expected"),
    [
        (S.AWAITING_PAYMENT, ENDS - timedelta(seconds=1), False, Payability.PAYABLE),
        (S.AWAITING_PAYMENT, ENDS, False, Payability.EXPIRED),
        (S.AWAITING_PAYMENT, ENDS - timedelta(seconds=1), True, Payability.CLOSED),
        (S.EXPIRED, ENDS, False, Payability.EXPIRED),
        (S.CANCELLED, ENDS - timedelta(minutes=5), False, Payability.CLOSED),
        (S.FAILED, ENDS - timedelta(minutes=5), False, Payability.CLOSED),
        (S.PAID, ENDS + timedelta(minutes=5), False, Payability.ALREADY_PAID),
        (S.CONFIRMED, ENDS + timedelta(minutes=5), False, Payability.ALREADY_PAID),
        (S.CONFIRMED, ENDS + timedelta(minutes=5), True, Payability.CLOSED),
        (S.COMPLETED, ENDS + timedelta(days=1), False, Payability.ALREADY_PAID),
    ],
)
def test_payability(status: S, now: datetime, refunded: bool, expected: Payability) -> None:
    assert payability(status, now, ENDS, refunded) is expected


@pytest.mark.parametrize(
    ("status", "paid", "exact", "expected"),
    [
        (S.AWAITING_PAYMENT, ENDS - timedelta(seconds=2), True, ArrivedMoney.KEEP),
        (S.AWAITING_PAYMENT, ENDS, True, ArrivedMoney.KEEP),
        (S.AWAITING_PAYMENT, ENDS + timedelta(seconds=2), True, ArrivedMoney.REFUND_LATE),
        (S.AWAITING_PAYMENT, ENDS - timedelta(seconds=2), False, ArrivedMoney.REFUND_MISMATCH),
        (S.EXPIRED, ENDS + timedelta(seconds=2), True, ArrivedMoney.REFUND_CLOSED),
        (S.CANCELLED, ENDS - timedelta(minutes=2), True, ArrivedMoney.REFUND_CLOSED),
        (S.PAID, ENDS - timedelta(minutes=2), True, ArrivedMoney.REFUND_CLOSED),
        (S.CONFIRMED, ENDS - timedelta(minutes=2), True, ArrivedMoney.REFUND_CLOSED),
    ],
)
def test_arrived_money_is_judged_by_the_banks_success_time(
    status: S, paid: datetime, exact: bool, expected: ArrivedMoney
) -> None:
    assert arrived_money(status, paid, ENDS, exact_amount=exact) is expected


@pytest.mark.parametrize(
    ("state", "closed_ago", "final"),
    [
        ("CLOSED", 299, False),
        ("CLOSED", 300, True),
        ("PAYERROR", 300, True),
        (None, 300, True),  # the bank never heard of it
        ("NOTPAY", 3000, False),  # still open: it must be closed first
        ("USERPAYING", 3000, False),
        ("SUCCESS", 3000, False),  # money: settled, not dismissed
        ("CLOSED", None, False),  # not closed by us yet
    ],
)
def test_a_close_is_final_once_it_has_held(
    state: str | None, closed_ago: int | None, final: bool
) -> None:
    now = sh(1, 12)
    closed_at = None if closed_ago is None else now - timedelta(seconds=closed_ago)
    assert bank_answer_final(state, closed_at, now, 300) is final
