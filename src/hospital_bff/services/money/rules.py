"""The order state machine and the money rules, as pure functions.

    AWAITING_PAYMENT ─pay──────────▶ PAID ─HIS confirms─▶ CONFIRMED ─visit─▶ COMPLETED
    AWAITING_PAYMENT ─window ends──▶ EXPIRED
    AWAITING_PAYMENT ─patient quits▶ CANCELLED
    PAID ─HIS refuses──────────────▶ FAILED      (+ REFUND at once)
    CONFIRMED ─cancel / suspension─▶ CANCELLED   (+ REVERSAL or BATCH refund)

EXPIRED, CANCELLED, FAILED and COMPLETED are terminal: money that arrives for an expired or
cancelled order is refunded, the order does not come back to life.
"""

from __future__ import annotations

import enum
from datetime import datetime, time, timedelta
from typing import Final, Literal

from hospital_bff.clock import SHANGHAI


class OrderKind(enum.StrEnum):
    """What an order pays for."""

    REGISTRATION = "REGISTRATION"
    CLINIC_PAYMENT = "CLINIC_PAYMENT"


class OrderStatus(enum.StrEnum):
    """Where an order is on the money path."""

    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID = "PAID"
    CONFIRMED = "CONFIRMED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"
    COMPLETED = "COMPLETED"


# What holds a place: an order in one of these statuses counts against its slot.
ACTIVE = (OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID, OrderStatus.CONFIRMED)


class PaymentChannel(enum.StrEnum):
    """How the patient pays: the bank's H5 cashier in a browser, or JSAPI inside WeChat."""

    H5 = "H5"
    JSAPI = "JSAPI"


class PaymentStatus(enum.StrEnum):
    """The bank's view of one payment."""

    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    CLOSED = "CLOSED"
    FAILED = "FAILED"


class RefundStatus(enum.StrEnum):
    """Where the money going back to the patient is."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class RefundMode(enum.StrEnum):
    """How the money goes back: at once (REVERSAL, REFUND) or with the next-day batch."""

    REVERSAL = "REVERSAL"
    REFUND = "REFUND"
    BATCH = "BATCH"


class Payability(enum.StrEnum):
    """What payOrder may do for an order."""

    PAYABLE = "PAYABLE"
    ALREADY_PAID = "ALREADY_PAID"  # the business is done or under way: answer its payment
    EXPIRED = "EXPIRED"  # the window ended (swept or not)
    CLOSED = "CLOSED"  # cancelled, failed or refunded: nothing more can be paid


class ArrivedMoney(enum.StrEnum):
    """What becomes of money the bank took for one of our payments."""

    KEEP = "KEEP"  # inside the window, for an order still waiting for it
    REFUND_LATE = (
        "REFUND_LATE"  # after the window (the bank ignored time_expire): the order expires
    )
    REFUND_CLOSED = "REFUND_CLOSED"  # the order ended, or another payment already paid it
    REFUND_MISMATCH = "REFUND_MISMATCH"  # not the order's amount to the fen


class Settled(enum.StrEnum):
    """What one settling step (notification, poll, expiry, close) did."""

    PAID = "PAID"
    REFUNDED = "REFUNDED"
    ALREADY_SETTLED = "ALREADY_SETTLED"
    CLOSED = "CLOSED"
    NOT_PAID = "NOT_PAID"
    UNKNOWN_PAYMENT = "UNKNOWN_PAYMENT"
    NOTHING_TO_DO = "NOTHING_TO_DO"
    NOT_DUE = "NOT_DUE"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


class Confirmation(enum.StrEnum):
    """What confirming a paid order at the HIS did."""

    CONFIRMED = "CONFIRMED"
    FAILED = "FAILED"  # the HIS refused, or never registered it: refunded in full
    NOTHING_TO_DO = "NOTHING_TO_DO"


class Cancellation(enum.StrEnum):
    """What finishing a cancellation of a confirmed order did."""

    CANCELLED = "CANCELLED"
    NOT_CANCELLED_AT_HIS = "NOT_CANCELLED_AT_HIS"  # the intent is dropped, the order stands
    NOTHING_TO_DO = "NOTHING_TO_DO"


class Visit(enum.StrEnum):
    """What the HIS's word on a confirmed visit did."""

    COMPLETED = "COMPLETED"
    NO_SHOW = "NO_SHOW"  # completed too, and counted against the user's restriction
    NOTHING_TO_DO = "NOTHING_TO_DO"


class SuspensionCheck(enum.StrEnum):
    """What asking the HIS about a schedule found."""

    SUSPENDED = "SUSPENDED"
    NOT_SUSPENDED = "NOT_SUSPENDED"


class RefundOutcome(enum.StrEnum):
    """What one attempt to send a refund came to."""

    NOTHING_TO_DO = "nothing to do"
    WAITS_FOR_BATCH = "waits for the batch"
    SUCCEEDED = "succeeded"
    PROCESSING = "processing"
    FAILED = "failed"


class DayStatus(enum.StrEnum):
    """A reconciled day: nothing found, something open, or everything found resolved."""

    BALANCED = "BALANCED"
    ANOMALIES = "ANOMALIES"
    RESOLVED = "RESOLVED"


class FindingStatus(enum.StrEnum):
    """A finding is open until a person resolves it with a note."""

    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class BatchStatus(enum.StrEnum):
    """PENDING while a refund of the batch has not reached the bank; SENT when all have;
    PARTIAL when the bank refused one for good."""

    PENDING = "PENDING"
    SENT = "SENT"
    PARTIAL = "PARTIAL"


class InvalidTransition(Exception):
    """An order was asked to move along an edge the state machine does not have."""

    def __init__(self, current: OrderStatus, target: OrderStatus) -> None:
        super().__init__(f"order cannot go from {current} to {target}")
        self.current = current
        self.target = target


_S = OrderStatus
TRANSITIONS: Final[dict[OrderStatus, frozenset[OrderStatus]]] = {
    _S.AWAITING_PAYMENT: frozenset({_S.PAID, _S.EXPIRED, _S.CANCELLED}),
    _S.PAID: frozenset({_S.CONFIRMED, _S.FAILED}),
    _S.CONFIRMED: frozenset({_S.COMPLETED, _S.CANCELLED}),
    _S.EXPIRED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.FAILED: frozenset(),
    _S.COMPLETED: frozenset(),
}
TERMINAL: Final[frozenset[OrderStatus]] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
CANCELLABLE: Final[frozenset[OrderStatus]] = frozenset({_S.AWAITING_PAYMENT, _S.CONFIRMED})
# An order that ends in one of these gives its place back; paying and confirming keep it.
PLACE_RELEASED: Final[frozenset[OrderStatus]] = frozenset({_S.EXPIRED, _S.CANCELLED, _S.FAILED})


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether the edge exists; staying put is not an edge (idempotent callers check first)."""
    return target in TRANSITIONS[current]


def assert_transition(current: OrderStatus, target: OrderStatus) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(current, target)


def payability(
    status: OrderStatus, now: datetime, expires_at: datetime, refunded: bool
) -> Payability:
    """Whether payOrder may open (or hand back) a bank order for an order in this state."""
    if refunded or status in (OrderStatus.CANCELLED, OrderStatus.FAILED):
        return Payability.CLOSED
    if status == OrderStatus.EXPIRED:
        return Payability.EXPIRED
    if status == OrderStatus.AWAITING_PAYMENT:
        return Payability.PAYABLE if now < expires_at else Payability.EXPIRED
    return Payability.ALREADY_PAID


def arrived_money(
    status: OrderStatus, success_time: datetime, expires_at: datetime, *, exact_amount: bool
) -> ArrivedMoney:
    """Judged by the bank's own success time against the window, never by which of the
    notification, the poll or the expiry ran first: the same payment, the same outcome."""
    if not exact_amount:
        return ArrivedMoney.REFUND_MISMATCH
    if status != OrderStatus.AWAITING_PAYMENT:
        return ArrivedMoney.REFUND_CLOSED
    if success_time > expires_at:
        return ArrivedMoney.REFUND_LATE
    return ArrivedMoney.KEEP


# What the bank says of an order that holds none of the payer's money.
UNPAID_TRADE_STATES: Final[frozenset[str]] = frozenset({"CLOSED", "PAYERROR"})


def bank_answer_final(
    trade_state: str | None, closed_at: datetime | None, now: datetime, settle_seconds: int
) -> bool:
    """Whether an unpaid answer about a closed bank order can be trusted never to change.

    A payment the payer started before the close can still land for a while after it (the
    "long payment"), so a close is final only once a query made `settle_seconds` after it
    still finds no money (or no order at all: `trade_state` None).
    """
    if trade_state is not None and trade_state not in UNPAID_TRADE_STATES:
        return False
    return closed_at is not None and now >= closed_at + timedelta(seconds=settle_seconds)


# The bank's same-day reversal works only inside its trading day; around midnight it is
# settling, so cancellations then go to the next day's reconciliation batch (paper, 4.3).
_REVERSAL_OPENS = time(1, 0)
_REVERSAL_CLOSES = time(23, 0)
BATCH_REFUND_DAYS: Final = 7


def _local(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("money rules need aware datetimes")
    return at.astimezone(SHANGHAI)


def cancellation_refund_mode(paid_at: datetime, now: datetime) -> RefundMode:
    """REVERSAL if paid and cancelled on the same Shanghai day with now in [01:00, 23:00)."""
    paid_local, now_local = _local(paid_at), _local(now)
    same_day = paid_local.date() == now_local.date()
    in_window = _REVERSAL_OPENS <= now_local.time() < _REVERSAL_CLOSES
    return RefundMode.REVERSAL if same_day and in_window else RefundMode.BATCH


def refund_expected_by(mode: RefundMode, now: datetime) -> datetime:
    """When the patient should have the money back, as promised to them."""
    if mode is RefundMode.BATCH:
        return now + timedelta(days=BATCH_REFUND_DAYS)
    return now


CancelRefusal = Literal["CANCEL_NOT_ALLOWED", "INVALID_STATE"]


def can_cancel(
    status: OrderStatus,
    visit_starts_at: datetime | None,
    now: datetime,
    visited: bool,
    invoice_printed: bool,
) -> CancelRefusal | None:
    """None if the patient may cancel now, else the error code to answer with.

    The state is checked first: an order already cancelled, expired or failed has nothing to
    cancel, whatever the visit facts say.
    """
    if status not in CANCELLABLE:
        return "INVALID_STATE"
    # Once seen by the doctor or invoiced, the registration has been used (paper, 4.3).
    past_visit = visit_starts_at is not None and now >= visit_starts_at
    if visited or invoice_printed or past_visit:
        return "CANCEL_NOT_ALLOWED"
    return None
