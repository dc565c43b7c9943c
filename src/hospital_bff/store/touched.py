"""Which accounts and hospital users a transaction's writes touched, collected at one place.

A patient's personal answers (`Me`, `Orders`, `Order`, their schedules' verdicts) are kept
whole and are true until anything they were read from changes (`personal_answers`). Rather
than trusting every service to say so, the session itself notes the owner of every row it
writes, whichever code wrote it: objects flushed (new, changed, deleted), bulk `UPDATE` and
`DELETE` statements (their owners are read with the statement's own `WHERE` before it runs),
and `insert_ignore`'s rows. `services.uow.unit_of_work` takes the set after its commit and
bumps each owner's generation before the caller is answered.

A row's owner: an account and its user (`account`), the user (`hospital_user`), the `user_id`
of bindings, orders, notices, consents and waitlist entries, both users of a record grant,
through their order, notice or entry, payments, refunds, notice deliveries and waitlist offers;
and a waitlist entry's change moves every place behind it, so it touches everyone still waiting
on the same list (their `position`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from hospital_bff.store.models import (
    Account,
    HospitalUser,
    Notice,
    NoticeConsent,
    NoticeDelivery,
    Order,
    PatientBinding,
    Payment,
    RecordGrant,
    Refund,
    WaitlistEntry,
    WaitlistOffer,
)

INFO_KEY: Final = "hospital_bff.touched"


@dataclass
class Touched:
    """Owners of the rows one session wrote since its last commit."""

    accounts: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)
    orders: set[str] = field(default_factory=set)  # owners still to be read
    notices: set[str] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)  # waitlist entries whose lists to read
    # Waitlists (schedule id, or expert id for an expert's range) whose waiters moved up.
    lists: set[tuple[str | None, str | None]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(
            self.accounts or self.users or self.orders or self.notices or self.entries or self.lists
        )


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


_ACCOUNT, _USER, _BINDING, _ORDER = (
    _table(m) for m in (Account, HospitalUser, PatientBinding, Order)
)
_NOTICE, _CONSENT, _GRANT = _table(Notice), _table(NoticeConsent), _table(RecordGrant)
_PAYMENT, _REFUND, _DELIVERY = _table(Payment), _table(Refund), _table(NoticeDelivery)
_ENTRY, _OFFER = _table(WaitlistEntry), _table(WaitlistOffer)
_USER_ID_TABLES: Final = {_BINDING.name, _ORDER.name, _NOTICE.name, _CONSENT.name}
_BY_ORDER: Final = {_PAYMENT.name, _REFUND.name}


def _of(session: Session) -> Touched:
    found: Touched | None = session.info.get(INFO_KEY)
    if found is None:
        found = session.info[INFO_KEY] = Touched()
    return found


def take(session: Session) -> Touched:
    """The owners this session's writes touched, forgotten by the session (after its commit;
    a rolled-back transaction's are dropped by the same call)."""
    found: Touched = session.info.pop(INFO_KEY, None) or Touched()
    return found


def note_user(session: Session, user_id: str) -> None:
    """A change of the user's that is not a row of ours (their queue at the HIS moved)."""
    _add(_of(session).users, user_id)


def note_values(session: Session, table: sa.Table, values: dict[str, Any]) -> None:
    """A row written by a Core statement (`store.upsert.insert_ignore`)."""
    _note_row(_of(session), table.name, values.get)


def _note_row(touched: Touched, table: str, get: Any) -> None:
    if table == _ACCOUNT.name:
        _add(touched.accounts, get("id"))
        _add(touched.users, get("user_id"))
    elif table == _USER.name:
        _add(touched.users, get("id"))
    elif table in _USER_ID_TABLES:
        _add(touched.users, get("user_id"))
    elif table == _GRANT.name:
        _add(touched.users, get("grantor_user_id"))
        _add(touched.users, get("grantee_user_id"))
    elif table in _BY_ORDER:
        _add(touched.orders, get("order_id"))
    elif table == _DELIVERY.name:
        _add(touched.notices, get("notice_id"))
    elif table == _ENTRY.name:
        _add(touched.users, get("user_id"))
        touched.lists.add((get("schedule_id"), get("expert_id")))
    elif table == _OFFER.name:
        _add(touched.entries, get("entry_id"))


def _add(into: set[str], value: Any) -> None:
    if isinstance(value, str) and value:
        into.add(value)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    touched = _of(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__table__", None)
        if isinstance(table, sa.Table):
            _note_row(touched, table.name, lambda name, obj=obj: getattr(obj, name, None))
            if isinstance(obj, Account):
                # The user it was bound to before, if this flush changed it.
                for before in sa.inspect(obj).attrs.user_id.history.deleted or ():
                    _add(touched.users, before)
    _resolve(session, touched)


@event.listens_for(Session, "do_orm_execute")
def _before_bulk(state: ORMExecuteState) -> None:
    """A bulk UPDATE or DELETE: its rows' owners, read with its own WHERE before it runs."""
    if not (state.is_update or state.is_delete):
        return
    statement: Any = state.statement
    table = getattr(statement, "table", None)
    if not isinstance(table, sa.Table):
        return
    where = statement.whereclause
    query = _owners_query(table, where)
    if query is None:
        return
    touched = _of(state.session)
    connection = state.session.connection()
    for row in connection.execute(query):
        for value in row:
            _add(touched.users, value)
    if table.name == _ACCOUNT.name:
        for (account_id,) in connection.execute(_where(sa.select(_ACCOUNT.c.id), where)):
            _add(touched.accounts, account_id)


def _where(query: sa.Select[Any], where: Any) -> sa.Select[Any]:
    return query if where is None else query.where(where)


def _owners_query(table: sa.Table, where: Any) -> sa.Select[Any] | sa.CompoundSelect[Any] | None:
    if table.name in _USER_ID_TABLES or table.name == _ACCOUNT.name:
        return _where(sa.select(table.c.user_id), where)
    if table.name == _USER.name:
        return _where(sa.select(table.c.id), where)
    if table.name == _GRANT.name:
        return _where(sa.select(table.c.grantor_user_id, table.c.grantee_user_id), where)
    if table.name in _BY_ORDER:
        joined = table.join(_ORDER, table.c.order_id == _ORDER.c.id)
        return _where(sa.select(_ORDER.c.user_id).select_from(joined), where)
    if table.name == _DELIVERY.name:
        joined = table.join(_NOTICE, table.c.notice_id == _NOTICE.c.id)
        return _where(sa.select(_NOTICE.c.user_id).select_from(joined), where)
    if table.name == _ENTRY.name:
        # Everyone waiting on the lists of the entries it changes moves up with them.
        lists = _where(sa.select(_ENTRY.c.schedule_id, _ENTRY.c.expert_id), where).subquery()
        return _waiting_on(lists).union(_where(sa.select(_ENTRY.c.user_id), where))
    if table.name == _OFFER.name:
        joined = table.join(_ENTRY, table.c.entry_id == _ENTRY.c.id)
        return _where(sa.select(_ENTRY.c.user_id).select_from(joined), where)
    return None


def _waiting_on(lists: Any) -> sa.Select[Any]:
    """Users with a live entry on any of `lists` (schedule_id, expert_id)."""
    waiting = _ENTRY.alias("waiting")
    same_schedule = waiting.c.schedule_id == lists.c.schedule_id
    same_expert = sa.and_(
        waiting.c.schedule_id.is_(None),
        lists.c.schedule_id.is_(None),
        waiting.c.expert_id == lists.c.expert_id,
    )
    return (
        sa.select(waiting.c.user_id)
        .select_from(waiting.join(lists, sa.or_(same_schedule, same_expert)))
        .where(waiting.c.live_key.is_not(None))
    )


def _resolve(session: Session, touched: Touched) -> None:
    """Payments', refunds', deliveries' and offers' owners, read through their order, notice
    or entry; and whoever waits on a changed waitlist."""
    if touched.entries:
        ids, touched.entries = list(touched.entries), set()
        query = sa.select(_ENTRY.c.user_id, _ENTRY.c.schedule_id, _ENTRY.c.expert_id)
        for user_id, schedule_id, expert_id in session.connection().execute(
            query.where(_ENTRY.c.id.in_(ids))
        ):
            _add(touched.users, user_id)
            touched.lists.add((schedule_id, expert_id))
    if touched.lists:
        lists, touched.lists = list(touched.lists), set()
        schedules = [s for s, _ in lists if s is not None]
        experts = [e for s, e in lists if s is None and e is not None]
        waiting = sa.or_(
            _ENTRY.c.schedule_id.in_(schedules),
            sa.and_(_ENTRY.c.schedule_id.is_(None), _ENTRY.c.expert_id.in_(experts)),
        )
        _add_all(
            touched.users,
            session.connection().execute(
                sa.select(_ENTRY.c.user_id).where(waiting, _ENTRY.c.live_key.is_not(None))
            ),
        )
    if touched.orders:
        ids, touched.orders = list(touched.orders), set()
        _add_all(
            touched.users,
            session.connection().execute(sa.select(_ORDER.c.user_id).where(_ORDER.c.id.in_(ids))),
        )
    if touched.notices:
        ids, touched.notices = list(touched.notices), set()
        _add_all(
            touched.users,
            session.connection().execute(sa.select(_NOTICE.c.user_id).where(_NOTICE.c.id.in_(ids))),
        )


def _add_all(into: set[str], rows: Iterable[Any]) -> None:
    for (value,) in rows:
        _add(into, value)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    """Owners of Core-inserted refunds and deliveries, read while the transaction is open."""
    touched: Touched | None = session.info.get(INFO_KEY)
    if touched is not None and (
        touched.orders or touched.notices or touched.entries or touched.lists
    ):
        _resolve(session, touched)
