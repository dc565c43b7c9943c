"""Taking the money and settling what happened (paper §4.2–4.3), the same day.

Every path that learns a payment's fate (the bank's notification, the poll, the expiry
sweep) goes through `settle_transaction`, which moves the order exactly once, and judges
money by the bank's success time against the window, so the order in which those paths run
never changes the outcome. A payment is asked about until the bank's answer is final
(`Payment.final_at`): money that reaches the bank for an order no longer payable is found
within minutes and refunded at once. A timeout is an unknown outcome: it is settled by
querying the bank, never by guessing.

Over 400 lines: every path that settles a payment (pay, notification, poll, expiry, close)
must go through the one `settle_transaction`; kept together so none can grow a second way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import exists, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.bank import BankClient
from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.events import schedule_topic
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.metrics import PAYMENTS_SUCCEEDED, PAYMENTS_SUCCEEDED_FEN, count_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, uow
from hospital_bff.services.accounts.restrictions import ensure_not_restricted
from hospital_bff.services.errors import DomainError, InvalidInput, UpstreamUnavailableError
from hospital_bff.services.group_commit import group_commit
from hospital_bff.services.money import holds, orders, refunds
from hospital_bff.services.money.rules import (
    UNPAID_TRADE_STATES,
    ArrivedMoney,
    OrderKind,
    OrderStatus,
    Payability,
    PaymentChannel,
    PaymentStatus,
    RefundMode,
    Settled,
    arrived_money,
    bank_answer_final,
    payability,
)
from hospital_bff.services.notices import NoticeKind
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Account, Order, Payment, Refund

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class UnpaidNotice:
    """What the patient is told when an unpaid order ends, where the default would mislead."""

    kind: NoticeKind
    title: str
    body: str


class OrderExpired(DomainError):
    code = "ORDER_EXPIRED"

    def __init__(self) -> None:
        super().__init__(
            "订单已超过支付时限，请重新预约", message_en="The payment window has ended; book again"
        )


class OrderClosed(DomainError):
    code = "ORDER_CLOSED"

    def __init__(self, status: str) -> None:
        super().__init__(
            "订单已关闭（已取消、未成功或已退款），不能支付",
            message_en=f"This order is closed ({status.lower()}, or refunded) and cannot be paid",
        )


class InvalidState(DomainError):
    code = "INVALID_STATE"


def bank(runtime: Runtime) -> BankClient:
    return runtime.bank


def out_trade_no_for(order: Order, attempt: int = 1) -> str:
    """Unique per bank order: the bank refuses a second order with the same number, so a
    retried payOrder can never charge twice. A bank order closed under a payable order (the
    payer cancelled at the cashier) is followed by the order's next attempt number."""
    base = "P" + order.id.split("_", 1)[-1][:30]
    return base if attempt == 1 else f"{base[:28]}N{attempt}"


async def _payments_of(session: AsyncSession, order_id: str) -> list[Payment]:
    query = select(Payment).where(Payment.order_id == order_id).order_by(col(Payment.created_at))
    return list((await session.exec(query)).all())


async def _has_refund(session: AsyncSession, payment: Payment) -> bool:
    found = await session.exec(select(Refund.id).where(Refund.payment_id == payment.id))
    return found.first() is not None


async def locked_payments(
    session: AsyncSession, out_trade_nos: list[str]
) -> dict[str, tuple[Payment, Order]]:
    """Our payments of these bank order numbers with their orders, read in one statement
    with the orders locked for update (in the orders' id order, so two units locking
    overlapping sets queue instead of deadlocking), as `orders.lock_order` locks one."""
    if not out_trade_nos:
        return {}
    query = (
        select(Payment, Order)
        .join(Order, col(Order.id) == col(Payment.order_id))
        .where(col(Payment.out_trade_no).in_(out_trade_nos))
        .order_by(col(Order.id))
        .with_for_update(of=Order)  # type: ignore[arg-type]
    )
    return {payment.out_trade_no: (payment, order) for payment, order in await session.exec(query)}


async def unsettled_payments(runtime: Runtime) -> list[str]:
    """Every payment the bank has not answered finally, once its notification is overdue:
    pending ones, and closed ones whose close could still be overtaken by a late payment."""
    cutoff = runtime.clock.now() - timedelta(seconds=runtime.settings.payment_poll_delay_seconds)
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(Payment.id).where(
                col(Payment.final_at).is_(None), col(Payment.created_at) <= cutoff
            )
        )
        return list(rows.all())


async def orders_past_window(runtime: Runtime) -> list[str]:
    """Every AWAITING_PAYMENT order whose payment window has ended (swept or not)."""
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(Order.id).where(
                Order.status == OrderStatus.AWAITING_PAYMENT.value,
                col(Order.expires_at) <= runtime.clock.now(),
            )
        )
        return list(rows.all())


class PaymentService:
    """payOrder, and settling payments however we learn of them."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def pay_order(
        self,
        user_id: str | None,
        order_id: str,
        idempotency_key: str,
        client_ip: str,
        *,
        channel: PaymentChannel = PaymentChannel.H5,
        account_id: str | None = None,
    ) -> Payment:
        """The order's live bank order: the one already open, or a new one if the bank closed
        it while the order is still payable; a paid order answers its payment.

        JSAPI pays as the signed-in account's WeChat openid; a live bank order of the other
        channel is closed first, so that one order never has two open at the bank."""
        orders.check_idempotency_key(idempotency_key)
        openid = await self._payer_openid(account_id) if channel is PaymentChannel.JSAPI else None
        order, answer, attempt = await self._payable(user_id, order_id)
        if answer is not None:
            if await self._still_open_at_bank(answer) and not self._other_channel(answer, channel):
                return answer
            if self._other_channel(answer, channel):
                try:
                    await self.close_at_bank(answer)
                except UpstreamUnavailable as exc:
                    raise UpstreamUnavailableError("bank") from exc
            # The bank closed it (the payer cancelled at the cashier, or we did for the other
            # channel) or the money came: settled above; look again.
            order, answer, attempt = await self._payable(user_id, order_id)
            if answer is not None:
                return answer
        return await self._open_bank_order(
            order, attempt, idempotency_key, client_ip, channel=channel, openid=openid
        )

    @staticmethod
    def _other_channel(payment: Payment, channel: PaymentChannel) -> bool:
        return payment.status == PaymentStatus.PENDING and payment.channel != channel.value

    async def _payer_openid(self, account_id: str | None) -> str:
        """JSAPI's payer: the signed-in account's WeChat openid (our appid's user)."""
        async with uow.unit_of_work(self.rt) as session:
            account = await session.get(Account, account_id) if account_id else None
        if account is None or account.platform != "WECHAT":
            raise InvalidInput(
                "微信内支付需要使用微信登录",
                message_en="JSAPI payment needs an account signed in with WeChat",
            )
        return account.external_id

    async def _payable(
        self, user_id: str | None, order_id: str
    ) -> tuple[Order, Payment | None, int]:
        """The order, the payment to answer with if there is one, and the next attempt number."""
        async with uow.unit_of_work(self.rt) as session:
            order = await orders.owned_order(session, user_id, order_id)
            kept = await orders.succeeded_payment(session, order.id)
            refunded = kept is not None and await _has_refund(session, kept)
            verdict = payability(
                OrderStatus(order.status), self.rt.clock.now(), order.expires_at, refunded
            )
            if verdict is Payability.EXPIRED:
                raise OrderExpired()
            if verdict is Payability.CLOSED:
                raise OrderClosed(order.status)
            if verdict is Payability.ALREADY_PAID:
                if kept is None:
                    raise InvalidState(
                        "订单当前状态不能支付", message_en=f"An order {order.status} cannot be paid"
                    )
                return order, kept, 0
            if order.kind == OrderKind.CLINIC_PAYMENT:
                # A bill order made before its account was restricted is not paid after.
                await ensure_not_restricted(session, order.user_id, self.rt.clock.now())
            payments = await _payments_of(session, order.id)
        live = next((p for p in payments if p.status == PaymentStatus.PENDING), None)
        return order, live, len(payments) + 1

    async def _still_open_at_bank(self, payment: Payment) -> bool:
        """A PENDING payment is asked about before its payUrl is handed out again."""
        if payment.status != PaymentStatus.PENDING:
            return True
        try:
            tx = await bank(self.rt).query_order(payment.out_trade_no)
        except UpstreamUnavailable:
            return True  # cannot tell: the cashier itself says if the order was closed
        if tx is None or not (tx.is_paid or tx.trade_state in UNPAID_TRADE_STATES):
            return True
        await self.settle_transaction(tx)
        return False

    async def _open_bank_order(
        self,
        order: Order,
        attempt: int,
        idempotency_key: str,
        client_ip: str,
        *,
        channel: PaymentChannel = PaymentChannel.H5,
        openid: str | None = None,
    ) -> Payment:
        rt = self.rt
        out_trade_no = out_trade_no_for(order, attempt)
        notify_url = f"{rt.settings.public_url}/webhooks/bank"
        pay_url, prepay_id = "", None
        try:
            # time_expire is the order's own window: the bank refuses a payment after it.
            if channel is PaymentChannel.JSAPI:
                assert openid is not None
                prepay_id = (
                    await bank(rt).create_jsapi_order(
                        out_trade_no,
                        _description(order),
                        order.amount,
                        order.expires_at,
                        notify_url,
                        openid,
                    )
                ).prepay_id
            else:
                pay_url = (
                    await bank(rt).create_h5_order(
                        out_trade_no,
                        _description(order),
                        order.amount,
                        order.expires_at,
                        notify_url,
                        client_ip,
                    )
                ).h5_url
        except UpstreamUnavailable as exc:
            # The bank order is idempotent on out_trade_no: the client's retry is safe.
            raise UpstreamUnavailableError("bank") from exc
        except UpstreamRejected as exc:
            raise InvalidState(
                f"支付平台拒绝下单：{exc.detail}", message_en=f"The bank refused: {exc.detail}"
            ) from exc
        payment = Payment(
            id=new_id("pay"),
            order_id=order.id,
            out_trade_no=out_trade_no,
            idempotency_key=idempotency_key,
            amount=order.amount,
            status=PaymentStatus.PENDING.value,
            pay_url=pay_url,
            channel=channel.value,
            prepay_id=prepay_id,
            created_at=rt.clock.now(),
            expires_at=order.expires_at,
        )
        try:
            async with uow.unit_of_work(rt) as session:
                session.add(payment)
                await session.flush()
                enqueue_after_commit(
                    session,
                    "poll_payment",
                    payment.id,
                    delay_ms=rt.settings.payment_poll_delay_seconds * 1000,
                )
        except IntegrityError:
            # A concurrent payOrder opened the same attempt: one bank order, one row.
            async with uow.unit_of_work(rt) as session:
                query = select(Payment).where(Payment.out_trade_no == out_trade_no)
                return (await session.exec(query)).one()
        return payment

    # --- settling -------------------------------------------------------------------------------
    async def settle_transaction(self, tx: Transaction) -> Settled:
        """Apply what the bank says of one of our payments; idempotent, whoever calls it."""
        async with uow.unit_of_work(self.rt) as session:
            locked = await locked_payments(session, [tx.out_trade_no])
            return await self.settle_locked(session, locked.get(tx.out_trade_no), tx)

    async def settle_locked(
        self, session: AsyncSession, locked: tuple[Payment, Order] | None, tx: Transaction
    ) -> Settled:
        """`settle_transaction`'s step, in the caller's unit: `locked` is the payment and its
        order as `locked_payments` read them (the order locked), or None if none is ours."""
        if locked is None:
            log.error("payment_unknown", out_trade_no=tx.out_trade_no)
            return Settled.UNKNOWN_PAYMENT
        payment, order = locked
        if tx.is_paid:
            return await self._money_arrived(session, order, payment, tx)
        if tx.trade_state in UNPAID_TRADE_STATES:
            # Only the order is locked: on PostgreSQL the payment may have been read before
            # another unit's commit (the money path above guards with its UPDATE's WHERE).
            await session.refresh(payment)
            self._record_unpaid(payment, tx.trade_state)
            session.add(payment)
            return Settled.CLOSED
        return Settled.NOT_PAID

    def _record_unpaid(self, payment: Payment, trade_state: str | None) -> None:
        """The bank holds no money for it: CLOSED (FAILED on PAYERROR), final once the close
        has held past the settling time."""
        now = self.rt.clock.now()
        if payment.status == PaymentStatus.PENDING:
            payment.status = (
                PaymentStatus.FAILED if trade_state == "PAYERROR" else PaymentStatus.CLOSED
            ).value
        if payment.status == PaymentStatus.SUCCEEDED:
            return
        if payment.closed_at is None:
            payment.closed_at = now
        settle = self.rt.settings.payment_close_settle_seconds
        if payment.final_at is None and bank_answer_final(
            trade_state, payment.closed_at, now, settle
        ):
            payment.final_at = now

    async def _money_arrived(
        self, session: AsyncSession, order: Order, payment: Payment, tx: Transaction
    ) -> Settled:
        rt = self.rt
        now = rt.clock.now()
        paid_amount = tx.amount.total if tx.amount else payment.amount
        success_time = tx.success_time or now
        paid = {
            "status": PaymentStatus.SUCCEEDED.value,
            "transaction_id": tx.transaction_id,
            "paid_at": success_time,
            "final_at": now,
        }
        won = await session.execute(
            update(Payment)
            .where(
                col(Payment.id) == payment.id, col(Payment.status) != PaymentStatus.SUCCEEDED.value
            )
            .values(**paid)
            # Not matched against every row the session holds (a batch of notifications
            # holds hundreds): `payment` is the one row it changes, set just below.
            .execution_options(synchronize_session=False)
        )
        if won.rowcount:  # type: ignore[attr-defined]
            for name, value in paid.items():
                set_committed_value(payment, name, value)
            count_after_commit(session, PAYMENTS_SUCCEEDED, order.kind)
            count_after_commit(session, PAYMENTS_SUCCEEDED_FEN, order.kind, amount=paid_amount)
        else:
            # Settled before (by us, or marked paid by the reconciliation): final now too.
            await session.execute(
                update(Payment)
                .where(col(Payment.id) == payment.id, col(Payment.final_at).is_(None))
                .values(final_at=now)
            )
            return Settled.ALREADY_SETTLED
        # Any other bank order of this order is no longer wanted: the poll closes it.
        for other in await _payments_of(session, order.id):
            if other.id != payment.id and other.final_at is None:
                enqueue_after_commit(session, "poll_payment", other.id)
        verdict = arrived_money(
            OrderStatus(order.status),
            success_time,
            order.expires_at,
            exact_amount=paid_amount == order.amount,
        )
        if verdict is ArrivedMoney.KEEP:
            if await orders.transition(session, order, OrderStatus.PAID, paid_at=payment.paid_at):
                enqueue_after_commit(session, "confirm_order", order.id)
                return Settled.PAID
            # Another payment (or the expiry) moved the order first: judge again on what it is.
            verdict = arrived_money(
                OrderStatus(order.status), success_time, order.expires_at, exact_amount=True
            )
        return await self.refund_arrived(session, order, payment, verdict)

    async def refund_arrived(
        self, session: AsyncSession, order: Order, payment: Payment, verdict: ArrivedMoney
    ) -> Settled:
        """`_money_arrived`'s end for money not kept (`verdict` is not KEEP): refunded."""
        rt = self.rt
        # Never keep money we cannot account for to the fen, nor money for an order that
        # is not waiting for it (a "long payment"): back the same day, at once.
        log.warning("money_refunded", order=order.id, status=order.status, why=verdict.value)
        reasons = {
            ArrivedMoney.REFUND_MISMATCH: "金额不符",
            ArrivedMoney.REFUND_LATE: "超过支付时限后到账，原路退回",
            ArrivedMoney.REFUND_CLOSED: "订单已关闭后到账，原路退回",
        }
        await refunds.open_refund(
            session,
            rt,
            order=order,
            payment=payment,
            mode=RefundMode.REFUND,
            reason=reasons[verdict],
        )
        if verdict is ArrivedMoney.REFUND_LATE:
            # The window had ended when the money came: the order expires now, however the
            # expiry job and this message were ordered.
            await self._end_unpaid(session, order, OrderStatus.EXPIRED, "超时未支付")
        return Settled.REFUNDED

    async def poll(self, payment_id: str) -> Settled:
        """Ask the bank about a payment it has not answered finally (notification lost, a
        close that a late payment could still overtake), and settle what it says."""
        rt = self.rt
        async with uow.unit_of_work(rt) as session:
            payment = await session.get(Payment, payment_id)
            if payment is None or payment.final_at is not None:
                return Settled.NOTHING_TO_DO
            order = await session.get(Order, payment.order_id)
            assert order is not None
        tx = await bank(rt).query_order(payment.out_trade_no)
        if tx is not None and (tx.is_paid or tx.trade_state in UNPAID_TRADE_STATES):
            return await self.settle_transaction(tx)
        wanted = (
            payment.status == PaymentStatus.PENDING
            and order.status == OrderStatus.AWAITING_PAYMENT
            and rt.clock.now() < payment.expires_at
        )
        if wanted and tx is not None:
            return Settled.NOT_PAID
        # Open at the bank (or unknown to it) but no longer wanted: close it there.
        return await self.close_at_bank(payment)

    # --- expiry ---------------------------------------------------------------------------
    async def expire(self, order_id: str) -> Settled:
        """The window ended unpaid: close the bank orders, then release the place and the lock.

        Only once the bank says no money came is the order expired; money it took inside the
        window settles the order as paid, money after it is refunded (see `arrived_money`).
        """
        rt = self.rt
        async with uow.unit_of_work(rt) as session:
            order = await session.get(Order, order_id)
            if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
                return Settled.NOTHING_TO_DO
            if rt.clock.now() < order.expires_at:
                return Settled.NOT_DUE
        outcome = await self.close_open_payments(order_id)
        if outcome is not Settled.CLOSED:
            return outcome
        return await self.close_unpaid(order_id, OrderStatus.EXPIRED, reason="超时未支付")

    async def expire_grouped(self, order_id: str) -> Settled:
        """`expire`, in one transaction with the other expiries due meanwhile
        (services/group_commit.py): at 75 a second, three units each kept the job queue
        seconds behind its due times. An order with a bank order still open takes
        `expire`'s way, asking the bank between units, outside the group."""

        async def apply(order_ids: Sequence[str]) -> list[Settled | None]:
            return await self._expire_unpaid_together(order_ids)

        outcome = await group_commit(self.rt, "expiries", apply).submit(order_id)
        return await self.expire(order_id) if outcome is None else outcome

    async def _expire_unpaid_together(self, order_ids: Sequence[str]) -> list[Settled | None]:
        """Expire in one unit each order that is due and has no bank order open (the patient
        never paid, or the bank said finally that no money came); None for one that has."""
        rt = self.rt
        now = rt.clock.now()
        outcomes: dict[str, Settled | None] = {}
        departments: set[str] = set()
        async with uow.unit_of_work(rt) as session:
            # The orders, locked, each with whether a bank order of it is still open: one
            # statement where two were (at one order a unit, each is a round trip).
            still_open = (
                exists()
                .where(col(Payment.order_id) == col(Order.id), col(Payment.final_at).is_(None))
                .label("at_bank")
            )
            query = (
                select(Order, still_open)
                .where(col(Order.id).in_(set(order_ids)))
                .order_by(col(Order.id))
                .with_for_update(of=Order)  # type: ignore[arg-type]
            )
            found: dict[str, Order] = {}
            at_bank: set[str] = set()
            for row, open_at_bank in await session.exec(query):
                found[row.id] = row
                if open_at_bank:
                    at_bank.add(row.id)
            at_bank |= await _opened_while_locking(session, found, at_bank, now)
            for order_id in order_ids:
                if order_id in outcomes:
                    continue
                order = found.get(order_id)
                if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
                    outcomes[order_id] = Settled.NOTHING_TO_DO
                elif now < order.expires_at:
                    outcomes[order_id] = Settled.NOT_DUE
                elif order_id in at_bank:
                    outcomes[order_id] = None
                elif await self._end_unpaid(session, order, OrderStatus.EXPIRED, "超时未支付"):
                    outcomes[order_id] = Settled.EXPIRED
                    if order.department_id:
                        departments.add(order.department_id)
                else:
                    outcomes[order_id] = Settled.NOTHING_TO_DO
        for department_id in departments:
            await rt.catalogue.invalidate_schedules(department_id)
        return [outcomes[order_id] for order_id in order_ids]

    async def close_open_payments(self, order_id: str) -> Settled:
        """Close every bank order of `order_id` not final at the bank; CLOSED if none holds
        money, else what settling the money did."""
        async with uow.unit_of_work(self.rt) as session:
            open_ones = [p for p in await _payments_of(session, order_id) if p.final_at is None]
        for payment in open_ones:
            outcome = await self.close_at_bank(payment)
            if outcome is not Settled.CLOSED:
                return outcome
        return Settled.CLOSED

    async def close_at_bank(self, payment: Payment) -> Settled:
        """Close a bank order; if the money came after all, settle it (paid or refunded)."""
        client = bank(self.rt)
        try:
            await client.close_order(payment.out_trade_no)
        except UpstreamRejected as exc:
            if exc.code not in ("ORDER_PAID", "ORDER_CLOSED", "ORDER_NOT_EXIST"):
                raise
        tx = await client.query_order(payment.out_trade_no)
        if tx is not None and tx.is_paid:
            return await self.settle_transaction(tx)
        async with uow.unit_of_work(self.rt) as session:
            # As every writer of a payment's status: the order locked first, the payment read
            # after it. A notification that settled it while the close was on its way is seen
            # here, not written over with CLOSED (a PAID order with no payment to confirm).
            await orders.lock_order(session, payment.order_id)
            row = await session.get(Payment, payment.id)
            assert row is not None
            if row.status == PaymentStatus.SUCCEEDED:
                return Settled.ALREADY_SETTLED
            # Closed, or never known to the bank: nothing can be paid on it from now on.
            self._record_unpaid(row, tx.trade_state if tx is not None else None)
            session.add(row)
        return Settled.CLOSED

    async def close_unpaid(
        self,
        order_id: str,
        target: OrderStatus,
        reason: str,
        *,
        notice: UnpaidNotice | None = None,
    ) -> Settled:
        """EXPIRED or CANCELLED before payment: give back the place and the HIS hold; the
        patient hears of it once, by `notice` where the caller knows better than the default."""
        rt = self.rt
        async with uow.unit_of_work(rt) as session:
            order = await orders.lock_order(session, order_id)
            if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
                return Settled.NOTHING_TO_DO
            if not await self._end_unpaid(session, order, target, reason, notice=notice):
                return Settled.NOTHING_TO_DO
        if order.department_id:
            await rt.catalogue.invalidate_schedules(order.department_id)
        return Settled.EXPIRED if target == OrderStatus.EXPIRED else Settled.CANCELLED

    async def _end_unpaid(
        self,
        session: AsyncSession,
        order: Order,
        target: OrderStatus,
        reason: str,
        *,
        notice: UnpaidNotice | None = None,
    ) -> bool:
        now = self.rt.clock.now()
        if not await orders.transition(session, order, target, closed_at=now, cancel_reason=reason):
            return False  # someone else moved it: they released what it held
        if order.slot_id:
            await holds.release_place(session, order.slot_id, now)
        expired = target == OrderStatus.EXPIRED
        notice = notice or UnpaidNotice(
            kind=NoticeKind.ORDER_EXPIRED if expired else NoticeKind.ORDER_CANCELLED,
            title="订单已超时关闭" if expired else "订单已取消",
            body=f"{_description(order)}：{reason}。",
        )
        await notices.notify(
            session,
            now=now,
            user_id=order.user_id,
            kind=notice.kind,
            title=notice.title,
            body=notice.body,
            dedupe_key=f"{notice.kind}:{order.id}",
            patient_id=order.his_patient_id,
            order_id=order.id,
        )
        # The HIS hold goes back by a job; it also refreshes the cached schedule after.
        enqueue_after_commit(session, "release_his_hold", order.id)
        return True

    async def release_his_hold(self, order_id: str) -> None:
        async with uow.unit_of_work(self.rt) as session:
            order = await session.get(Order, order_id)
        if order is None or order.his_lock_id is None:
            return
        if order.kind == OrderKind.REGISTRATION:
            await self.rt.his.release_slot_lock(order.his_lock_id)
        else:
            await self.rt.his.release_bill_lock(order.his_lock_id)
        # The HIS counts the place free only now: a cached `remaining` read before this
        # (an expiry invalidates at its commit, a failed confirmation not at all) is stale.
        if order.department_id:
            await self.rt.catalogue.invalidate_schedules(order.department_id)
        if order.schedule_id:
            await self.rt.events.publish(
                schedule_topic(order.schedule_id), {"id": order.schedule_id}
            )


def _description(order: Order) -> str:
    return notices.describe_order(order)


async def _opened_while_locking(
    session: AsyncSession, found: dict[str, Order], at_bank: set[str], now: datetime
) -> set[str]:
    """On PostgreSQL, the orders about to expire that have a bank order open now.

    The locking SELECT's EXISTS saw the database as the statement began, before any wait for
    an order's lock; opening a bank order holds that lock (the payment's key) until it
    commits, so a statement run after the lock sees it. SQLite has one writer: a unit whose
    reads are older than another's commit cannot write (its upgrade is refused, the unit is
    retried), so its EXISTS is enough."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return set()
    due = [
        order.id
        for order in found.values()
        if order.id not in at_bank
        and order.status == OrderStatus.AWAITING_PAYMENT
        and now >= order.expires_at
    ]
    if not due:
        return set()
    query = select(Payment.order_id).where(
        col(Payment.order_id).in_(due), col(Payment.final_at).is_(None)
    )
    return set(await session.exec(query))
