"""The tables of the BFF: accounts, users, bindings, orders and money, notices, audit.

What the HIS owns (departments, schedules, patients' records) is not copied here except as
the few facts an order must keep if the HIS later changes (the visit's date and time).

Over 400 lines: every table in one module, as Alembic's autogenerate and the migrations read
one metadata, and a reader finds any table by opening this file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from hospital_bff.clock import SHANGHAI
from hospital_bff.store.ids import new_id


class AwareDateTime(sa.types.TypeDecorator[datetime]):
    """Aware datetimes in, aware datetimes (hospital zone) out, on either dialect.

    PostgreSQL keeps the instant (timestamptz); SQLite keeps text, so it gets naive UTC,
    which also sorts and compares correctly there.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: business time is always aware")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(SHANGHAI)


TZ = AwareDateTime()


# Empty JSON lists and objects by default. Named functions, not `list`/`dict`: pydantic asks
# each default factory's signature at every construction that uses it, and a builtin's costs
# ~0.1 ms (parsed from its text signature) where a function's costs ~0.01 ms; an order is
# made with every booking.
def _empty_list() -> list[Any]:
    return []


def _empty_dict() -> dict[str, Any]:
    return {}


def _ts(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(TZ, nullable=nullable, index=index))


class Account(SQLModel, table=True):
    """An outside identity (a WeChat openid) that signs in; tied to a user once verified."""

    __tablename__ = "account"
    __table_args__ = (sa.UniqueConstraint("platform", "external_id"),)

    id: str = Field(default_factory=lambda: new_id("acc"), primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    user_id: str | None = Field(default=None, foreign_key="hospital_user.id", index=True)
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    last_sign_in_at: datetime | None = _ts()


class HospitalUser(SQLModel, table=True):
    """The hospital's own user: one person, found by national ID, whatever their accounts."""

    __tablename__ = "hospital_user"

    id: str = Field(default_factory=lambda: new_id("usr"), primary_key=True)
    id_number_hash: str = Field(max_length=64, unique=True)
    id_number_enc: str = Field(max_length=256)
    name_enc: str = Field(max_length=256)
    masked_name: str = Field(max_length=64)
    phone_enc: str = Field(max_length=256)
    restricted_until: datetime | None = _ts()
    restriction_reason: str | None = Field(default=None, max_length=256)
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class PatientBinding(SQLModel, table=True):
    """A HIS patient bound to a hospital user (themselves or family)."""

    __tablename__ = "patient_binding"
    __table_args__ = (sa.UniqueConstraint("user_id", "his_patient_id"),)

    id: str = Field(default_factory=lambda: new_id("bnd"), primary_key=True)
    user_id: str = Field(foreign_key="hospital_user.id", index=True)
    his_patient_id: str = Field(max_length=64, index=True)
    relation: str = Field(max_length=16)
    name: str = Field(max_length=64)
    masked_id_number: str = Field(max_length=32)
    sex: str = Field(max_length=8)
    birth_date: date
    insurance: str = Field(max_length=24)
    card_number: str = Field(max_length=64)
    active: bool = True
    bound_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    unbound_at: datetime | None = _ts()


class Order(SQLModel, table=True):
    """A registration or a bill payment, and where its money stands."""

    __tablename__ = "bff_order"
    __table_args__ = (sa.UniqueConstraint("user_id", "idempotency_key"),)

    id: str = Field(default_factory=lambda: new_id("ord"), primary_key=True)
    kind: str = Field(max_length=24)
    status: str = Field(max_length=24, index=True)
    user_id: str = Field(foreign_key="hospital_user.id", index=True)
    his_patient_id: str = Field(max_length=64, index=True)
    patient_name: str = Field(max_length=64)
    idempotency_key: str = Field(max_length=128)
    amount: int
    items: list[dict[str, Any]] = Field(
        default_factory=_empty_list, sa_column=Column(JSON, nullable=False)
    )
    # registration facts, kept so the order reads the same if the HIS changes later
    slot_id: str | None = Field(default=None, max_length=96, index=True)
    schedule_id: str | None = Field(default=None, max_length=96, index=True)
    department_id: str | None = Field(default=None, max_length=64)
    department_name: str | None = Field(default=None, max_length=64)
    expert_id: str | None = Field(default=None, max_length=64)
    expert_name: str | None = Field(default=None, max_length=64)
    expert_title: str | None = Field(default=None, max_length=32)
    visit_date: date | None = Field(default=None, index=True)
    period: str | None = Field(default=None, max_length=16)
    starts_at: datetime | None = _ts()
    ends_at: datetime | None = _ts()
    his_lock_id: str | None = Field(default=None, max_length=96)
    bill_ids: list[str] = Field(default_factory=_empty_list, sa_column=Column(JSON, nullable=False))
    # outcome
    his_registration_id: str | None = Field(default=None, max_length=96)
    ticket_number: int | None = None
    suggested_arrival: datetime | None = _ts()
    location: str | None = Field(default=None, max_length=128)
    cancel_reason: str | None = Field(default=None, max_length=256)
    # Set before the HIS is asked to cancel: if its answer is lost, a sweep finishes the job.
    cancel_requested_at: datetime | None = _ts(index=True)
    no_show: bool = False
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    expires_at: datetime = Field(sa_column=Column(TZ, nullable=False, index=True))
    paid_at: datetime | None = _ts()
    confirmed_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()
    version: int = 0


class SlotInventory(SQLModel, table=True):
    """Our gate in front of the HIS slot lock: a row per slot, held never above capacity.

    `held` is the slot's active orders plus its PlaceHold rows (bookings in flight).
    """

    __tablename__ = "slot_inventory"

    slot_id: str = Field(primary_key=True, max_length=96)
    schedule_id: str = Field(max_length=96, index=True)
    capacity: int
    held: int = 0
    # The last hold or release, for whoever investigates a count.
    updated_at: datetime | None = _ts()


class PlaceHold(SQLModel, table=True):
    """One booking's claim on a place between taking it and committing its order: a lease.

    Named after the order the booking will create; the order's commit deletes it. A hold
    still here after `held_until` belongs to a booking that died half-way, and is given back.
    """

    __tablename__ = "place_hold"

    id: str = Field(primary_key=True, max_length=96)
    slot_id: str = Field(max_length=96, index=True)
    held_until: datetime = Field(sa_column=Column(TZ, nullable=False, index=True))
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class SuspendedSchedule(SQLModel, table=True):
    """An expert's session stopped (停诊): kept so a sweep can finish every cancellation."""

    __tablename__ = "suspended_schedule"

    schedule_id: str = Field(primary_key=True, max_length=96)
    reason: str = Field(max_length=256)
    visit_date: date | None = Field(default=None, index=True)
    suspended_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class Payment(SQLModel, table=True):
    """One bank order for one of our orders (out_trade_no is ours, unique at the bank)."""

    __tablename__ = "payment"

    id: str = Field(default_factory=lambda: new_id("pay"), primary_key=True)
    order_id: str = Field(foreign_key="bff_order.id", index=True)
    out_trade_no: str = Field(max_length=32, unique=True)
    idempotency_key: str = Field(max_length=128)
    amount: int
    status: str = Field(max_length=16, index=True)
    pay_url: str = Field(max_length=512)
    transaction_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    expires_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    paid_at: datetime | None = _ts()
    # When we closed it (or learnt the bank had): money can still land for a while after.
    closed_at: datetime | None = _ts()
    # When the bank's answer became final (money settled, or a close that held): until then
    # the payment is asked about again, whatever its status here.
    final_at: datetime | None = _ts(index=True)
    # H5 (pay_url is the cashier) or JSAPI (paid inside WeChat with prepay_id).
    channel: str = Field(default="H5", max_length=8, sa_column_kwargs={"server_default": "H5"})
    prepay_id: str | None = Field(default=None, max_length=64)


class Refund(SQLModel, table=True):
    """Money going back: one per reason, idempotent on out_refund_no at the bank."""

    __tablename__ = "refund"

    id: str = Field(default_factory=lambda: new_id("rfd"), primary_key=True)
    order_id: str = Field(foreign_key="bff_order.id", index=True)
    payment_id: str = Field(foreign_key="payment.id", index=True)
    out_refund_no: str = Field(max_length=64, unique=True)
    amount: int
    mode: str = Field(max_length=16)
    status: str = Field(max_length=16, index=True)
    reason: str = Field(max_length=256)
    batch_id: str | None = Field(default=None, max_length=64, index=True)
    # Why the bank refused it for good (ABNORMAL, CLOSED, or its error code); FAILED rows only.
    failure: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    expected_by: datetime = Field(sa_column=Column(TZ, nullable=False))
    succeeded_at: datetime | None = _ts()


class Notice(SQLModel, table=True):
    """A message to a user: stored, listed, pushed to open subscriptions."""

    __tablename__ = "notice"

    id: str = Field(default_factory=lambda: new_id("ntc"), primary_key=True)
    user_id: str = Field(foreign_key="hospital_user.id", index=True)
    dedupe_key: str = Field(max_length=160, unique=True)
    kind: str = Field(max_length=32)
    title: str = Field(max_length=128)
    body: str = Field(max_length=1024)
    patient_id: str | None = Field(default=None, max_length=64)
    order_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False, index=True))
    read_at: datetime | None = _ts()


class AuditEntry(SQLModel, table=True):
    """Who did what, when, from which account. Never holds an ID number in clear."""

    __tablename__ = "audit_entry"

    id: str = Field(default_factory=lambda: new_id("aud"), primary_key=True)
    at: datetime = Field(sa_column=Column(TZ, nullable=False, index=True))
    action: str = Field(max_length=48, index=True)
    user_id: str | None = Field(default=None, max_length=64, index=True)
    account_id: str | None = Field(default=None, max_length=64)
    subject: str | None = Field(default=None, max_length=96)
    detail: dict[str, Any] = Field(
        default_factory=_empty_dict, sa_column=Column(JSON, nullable=False)
    )


class ProcessedEvent(SQLModel, table=True):
    """An inbound webhook already handled: at-least-once delivery, exactly-once effect."""

    __tablename__ = "processed_event"

    id: str = Field(primary_key=True, max_length=160)
    source: str = Field(max_length=16)
    received_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class Reconciliation(SQLModel, table=True):
    """The next-day comparison of the bank's trade bill with our orders, for one date."""

    __tablename__ = "reconciliation"

    day: date = Field(primary_key=True)
    status: str = Field(max_length=16)
    bank_total: int = 0
    hospital_total: int = 0
    # Both sides counted the same way: payments in, refunds out; *_total is paid - refunded.
    bank_paid: int = 0
    bank_refunded: int = 0
    hospital_paid: int = 0
    hospital_refunded: int = 0
    matched: int = 0
    refund_batch_id: str | None = Field(default=None, max_length=64)
    ran_at: datetime | None = _ts()


class RefundBatch(SQLModel, table=True):
    """The day's batch refund file (批扣文件): the refunds reconciliation sent, as a record."""

    __tablename__ = "refund_batch"

    id: str = Field(default_factory=lambda: new_id("bat"), primary_key=True)
    day: date = Field(index=True)
    lines: int = 0
    amount: int = 0
    status: str = Field(max_length=16)
    # The file itself (CSV, one line per refund, then the totals): the finance office's record.
    file: str = Field(default="", sa_column=Column(sa.Text, nullable=False, server_default=""))
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class ReconciliationFinding(SQLModel, table=True):
    """One fact reconciliation found for a day; the same fact keeps its row on every re-run."""

    __tablename__ = "reconciliation_finding"
    __table_args__ = (sa.UniqueConstraint("day", "key"),)

    id: str = Field(default_factory=lambda: new_id("fnd"), primary_key=True)
    day: date = Field(index=True)
    key: str = Field(max_length=128)
    kind: str = Field(max_length=32)
    order_id: str | None = Field(default=None, max_length=64)
    out_trade_no: str | None = Field(default=None, max_length=64)
    out_refund_no: str | None = Field(default=None, max_length=64)
    bank_transaction_id: str | None = Field(default=None, max_length=64)
    amount: int = 0
    action: str = Field(max_length=32)
    # Whether the latest run still found it; a fact that stopped being true is kept, marked so.
    current: bool = True
    status: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=500)
    resolved_by: str | None = Field(default=None, max_length=128)
    resolved_at: datetime | None = _ts()
    first_seen_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class IdentityAttempt(SQLModel, table=True):
    """One identity check (verify or bind) of an account, counted against its hourly budget.

    Kept in the database, not Redis: this budget is what stops guessing at other people's
    identities, so a Redis restart must not hand every account a fresh one.
    """

    __tablename__ = "identity_attempt"
    __table_args__ = (sa.Index("ix_identity_attempt_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=96)
    at: datetime = Field(sa_column=Column(TZ, nullable=False))


class StaffMember(SQLModel, table=True):
    """A member of the hospital's staff who may use the staff tools; disabled, never deleted."""

    __tablename__ = "staff_member"

    id: str = Field(default_factory=lambda: new_id("stf"), primary_key=True)
    name: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=128)
    active: bool = True
    # The `sub` claim of the hospital's OpenID Connect provider, when staff sign in there.
    oidc_subject: str | None = Field(default=None, max_length=255, unique=True)
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    disabled_at: datetime | None = _ts()


class StaffSession(SQLModel, table=True):
    """One staff token (its `jti`, or an OIDC token's `sid`/`jti`), revocable before it expires."""

    __tablename__ = "staff_session"

    id: str = Field(max_length=128, primary_key=True)
    staff_id: str = Field(foreign_key="staff_member.id", index=True)
    issued_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    expires_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    revoked_at: datetime | None = _ts()


class RecordGrant(SQLModel, table=True):
    """A patient's leave for one user who bound them to read their records, until a date.

    Given and revoked only by the patient (the verified user bound to themselves as SELF);
    a row is never deleted, so the patient's history of who could read what stays.
    """

    __tablename__ = "record_grant"

    id: str = Field(default_factory=lambda: new_id("grt"), primary_key=True)
    his_patient_id: str = Field(max_length=64, index=True)
    grantor_user_id: str = Field(foreign_key="hospital_user.id")
    grantee_user_id: str = Field(foreign_key="hospital_user.id", index=True)
    # The grantee's binding of the patient: what the patient saw and chose in the app.
    binding_id: str = Field(foreign_key="patient_binding.id")
    scopes: list[str] = Field(default_factory=_empty_list, sa_column=Column(JSON, nullable=False))
    # The last day (hospital zone) the grant is good for.
    ends_on: date
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    revoked_at: datetime | None = _ts()


class RecordRead(SQLModel, table=True):
    """One read of a patient's reports or prescriptions: who, whose, which, when, on what basis."""

    __tablename__ = "record_read"
    __table_args__ = (sa.Index("ix_record_read_patient_at", "his_patient_id", "at"),)

    id: str = Field(default_factory=lambda: new_id("rrd"), primary_key=True)
    reader_user_id: str = Field(foreign_key="hospital_user.id", index=True)
    his_patient_id: str = Field(max_length=64)
    kind: str = Field(max_length=24)
    # The records shown: one report's ID, or the IDs a list showed (capped).
    record_ids: list[str] = Field(
        default_factory=_empty_list, sa_column=Column(JSON, nullable=False)
    )
    basis: str = Field(max_length=16)
    at: datetime = Field(sa_column=Column(TZ, nullable=False))


class NoticeDelivery(SQLModel, table=True):
    """One notice pushed (or not) to one WeChat openid of its user; status is a
    `services.notice_push.DeliveryStatus`, marked SENDING before the call so a retry never
    sends twice."""

    __tablename__ = "notice_delivery"
    __table_args__ = (sa.UniqueConstraint("notice_id", "openid"),)

    id: str = Field(default_factory=lambda: new_id("ndl"), primary_key=True)
    notice_id: str = Field(foreign_key="notice.id", index=True)
    openid: str = Field(max_length=128)
    channel: str = Field(max_length=16)
    template_id: str | None = Field(default=None, max_length=128)
    status: str = Field(max_length=16, index=True)
    reason: str | None = Field(default=None, max_length=64)
    msgid: str | None = Field(default=None, max_length=64)
    attempts: int = 0
    created_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    updated_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class NoticeConsent(SQLModel, table=True):
    """A user's acceptance, in WeChat's subscribe prompt, of one template: long-term, or a
    count of one-off messages still allowed."""

    __tablename__ = "notice_consent"
    __table_args__ = (sa.UniqueConstraint("openid", "template_id"),)

    id: str = Field(default_factory=lambda: new_id("ncs"), primary_key=True)
    user_id: str = Field(foreign_key="hospital_user.id", index=True)
    openid: str = Field(max_length=128)
    template_id: str = Field(max_length=128)
    long_term: bool = False
    remaining: int = 0
    updated_at: datetime = Field(sa_column=Column(TZ, nullable=False))


class WaitlistEntry(SQLModel, table=True):
    """A patient waiting for a place on one schedule, or with one expert over a few days.

    `live_key` is set while the entry waits or holds an offer and cleared when it ends, so
    the unique constraint allows one live entry per patient per schedule (or expert).
    """

    __tablename__ = "waitlist_entry"

    id: str = Field(default_factory=lambda: new_id("wle"), primary_key=True)
    user_id: str = Field(foreign_key="hospital_user.id", index=True)
    his_patient_id: str = Field(max_length=64, index=True)
    patient_name: str = Field(max_length=64)
    # One of the two: a schedule, or an expert over date_from..date_to (inclusive).
    schedule_id: str | None = Field(default=None, max_length=96, index=True)
    expert_id: str | None = Field(default=None, max_length=96, index=True)
    date_from: date
    date_to: date
    status: str = Field(max_length=16, index=True)
    live_key: str | None = Field(default=None, max_length=200, unique=True)
    joined_at: datetime = Field(sa_column=Column(TZ, nullable=False, index=True))
    ended_at: datetime | None = _ts()


class WaitlistOffer(SQLModel, table=True):
    """One place held for one waiter for a few minutes: the hold is a PlaceHold named `hold_id`.

    The hold counts in the slot's `held`, so the place is neither sold to the public nor
    offered twice; `live_entry_id` (unique, cleared when the offer ends) keeps one open offer
    per entry.
    """

    __tablename__ = "waitlist_offer"

    id: str = Field(default_factory=lambda: new_id("wlo"), primary_key=True)
    entry_id: str = Field(foreign_key="waitlist_entry.id", index=True)
    live_entry_id: str | None = Field(default=None, max_length=64, unique=True)
    slot_id: str = Field(max_length=96, index=True)
    schedule_id: str = Field(max_length=96)
    # The PlaceHold's id, and the order's if the offer is accepted.
    hold_id: str = Field(max_length=96, unique=True)
    status: str = Field(max_length=16, index=True)
    offered_at: datetime = Field(sa_column=Column(TZ, nullable=False))
    expires_at: datetime = Field(sa_column=Column(TZ, nullable=False, index=True))
    ended_at: datetime | None = _ts()
