"""Taking the money and settling what happened (paper §4.2–4.3).

Every path that learns a payment's fate (the bank's notification, the poll, the expiry
sweep) goes through `settle_transaction`, which moves the order exactly once. A timeout
is an unknown outcome: it is settled by querying the bank, never by guessing.
"""

from __future__ import annotations

import structlog
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.bank import BankClient
from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.events import schedule_topic
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, orders, refunds, uow
from hospital_bff.services.errors import DomainError, InvalidInput, UpstreamUnavailableError
from hospital_bff.services.order_rules import (
    OrderKind,
    OrderStatus,
    PaymentStatus,
    RefundMode,
    yuan,
)
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Order, Payment

log = structlog.get_logger(__name__)


class OrderExpired(DomainError):
    code = "ORDER_EXPIRED"

    def __init__(self) -> None:
        super().__init__(
            "订单已超过支付时限，请重新预约", message_en="The payment window has ended; book again"
        )


class InvalidState(DomainError):
    code = "INVALID_STATE"


def bank(runtime: Runtime) -> BankClient:
    return runtime.bank


def out_trade_no_for(order: Order) -> str:
    # Unique per order: the bank refuses a second order with the same number, so a retried
    # payOrder can never charge twice.
    return "P" + order.id.split("_", 1)[-1][:30]


class PaymentService:
    """payOrder, and settling payments however we learn of them."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def pay_order(
        self, user_id: str | None, order_id: str, idempotency_key: str, client_ip: str
    ) -> Payment:
        rt = self.rt
        if not idempotency_key or len(idempotency_key) > 128:
            raise InvalidInput("缺少幂等键", message_en="idempotencyKey must be 1-128 characters")
        async with uow.unit_of_work(rt) as session:
            order = await orders.owned_order(session, user_id, order_id)
            existing = (
                await session.exec(select(Payment).where(Payment.order_id == order.id))
            ).first()
            if (
                existing is not None
                and existing.status == PaymentStatus.PENDING
                and order.status == OrderStatus.AWAITING_PAYMENT
            ):
                return existing
            if order.status == OrderStatus.EXPIRED or (
                order.status == OrderStatus.AWAITING_PAYMENT and rt.clock.now() >= order.expires_at
            ):
                raise OrderExpired()
            if order.status != OrderStatus.AWAITING_PAYMENT:
                if existing is not None and existing.status == PaymentStatus.SUCCEEDED:
                    return existing
                raise InvalidState(
                    "订单当前状态不能支付", message_en=f"An order {order.status} cannot be paid"
                )
        description = _description(order)
        try:
            created = await bank(rt).create_h5_order(
                out_trade_no_for(order),
                description,
                order.amount,
                order.expires_at,
                f"{rt.settings.public_url}/webhooks/bank",
                client_ip,
            )
        except UpstreamUnavailable as exc:
            # The bank order is idempotent on out_trade_no: the client's retry is safe.
            raise UpstreamUnavailableError("bank") from exc
        except UpstreamRejected as exc:
            raise InvalidState(
                f"支付平台拒绝下单：{exc.detail}", message_en=f"The bank refused: {exc.detail}"
            ) from exc
        async with uow.unit_of_work(rt) as session:
            payment = (
                await session.exec(select(Payment).where(Payment.order_id == order.id))
            ).first()
            if payment is None:
                payment = Payment(
                    id=new_id("pay"),
                    order_id=order.id,
                    out_trade_no=out_trade_no_for(order),
                    idempotency_key=idempotency_key,
                    amount=order.amount,
                    status=PaymentStatus.PENDING.value,
                    pay_url=created.h5_url,
                    created_at=rt.clock.now(),
                    expires_at=order.expires_at,
                )
                session.add(payment)
                await session.flush()
                enqueue_after_commit(
                    session,
                    "poll_payment",
                    payment.id,
                    delay_ms=rt.settings.payment_poll_delay_seconds * 1000,
                )
            return payment

    # --- settling -------------------------------------------------------------------------------
    async def settle_transaction(self, tx: Transaction) -> str:
        """Apply what the bank says of one of our payments; idempotent, whoever calls it."""
        rt = self.rt
        async with uow.unit_of_work(rt) as session:
            payment = (
                await session.exec(select(Payment).where(Payment.out_trade_no == tx.out_trade_no))
            ).first()
            if payment is None:
                log.error("payment_unknown", out_trade_no=tx.out_trade_no)
                return "unknown payment"
            order = await orders.lock_order(session, payment.order_id)
            assert order is not None
            if tx.trade_state == "SUCCESS":
                return await self._money_arrived(session, order, payment, tx)
            if (
                tx.trade_state in ("CLOSED", "PAYERROR", "REVOKED")
                and payment.status == PaymentStatus.PENDING
            ):
                payment.status = (
                    PaymentStatus.CLOSED.value
                    if tx.trade_state != "PAYERROR"
                    else PaymentStatus.FAILED.value
                )
                session.add(payment)
                return "closed"
            return "not paid"

    async def _money_arrived(
        self, session: AsyncSession, order: Order, payment: Payment, tx: Transaction
    ) -> str:
        rt = self.rt
        now = rt.clock.now()
        paid_amount = tx.amount.total if tx.amount else payment.amount
        won = await session.execute(
            update(Payment)
            .where(
                col(Payment.id) == payment.id, col(Payment.status) != PaymentStatus.SUCCEEDED.value
            )
            .values(
                status=PaymentStatus.SUCCEEDED.value,
                transaction_id=tx.transaction_id,
                paid_at=tx.success_time or now,
            )
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            return "already settled"
        await session.refresh(payment)
        if paid_amount != order.amount:
            # Never keep money we cannot account for to the fen.
            log.error("amount_mismatch", order=order.id, expected=order.amount, got=paid_amount)
            await refunds.open_refund(
                session,
                rt,
                order=order,
                payment=payment,
                mode=RefundMode.REFUND,
                reason="金额不符",
            )
            return "refunded: amount mismatch"
        if order.status == OrderStatus.AWAITING_PAYMENT:
            await orders.transition(session, order, OrderStatus.PAID, paid_at=payment.paid_at)
            enqueue_after_commit(session, "confirm_order", order.id)
            return "paid"
        # A long payment: the order was closed (expired, cancelled) before the money came.
        log.warning("long_payment", order=order.id, status=order.status)
        await refunds.open_refund(
            session,
            rt,
            order=order,
            payment=payment,
            mode=RefundMode.REFUND,
            reason="订单已关闭后到账，原路退回",
        )
        return "refunded: late payment"

    async def poll(self, payment_id: str) -> str:
        """Ask the bank about a payment whose notification has not come."""
        rt = self.rt
        async with uow.unit_of_work(rt) as session:
            payment = await session.get(Payment, payment_id)
            if payment is None or payment.status != PaymentStatus.PENDING:
                return "nothing to do"
        tx = await bank(rt).query_order(payment.out_trade_no)
        if tx is None:
            return "bank has no order"
        return await self.settle_transaction(tx)

    # --- expiry ---------------------------------------------------------------------------
    async def expire(self, order_id: str) -> str:
        """The window ended unpaid: close the bank order, then release the place and the lock.

        If the bank says the money came after all, the order is settled as paid instead.
        """
        rt = self.rt
        async with uow.unit_of_work(rt) as session:
            order = await session.get(Order, order_id)
            if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
                return "nothing to do"
            if rt.clock.now() < order.expires_at:
                return "not due"
            payment = (
                await session.exec(select(Payment).where(Payment.order_id == order.id))
            ).first()
        if payment is not None and payment.status == PaymentStatus.PENDING:
            outcome = await self.close_at_bank(payment)
            if outcome != "closed":
                return outcome
        return await self.close_unpaid(order_id, OrderStatus.EXPIRED, reason="超时未支付")

    async def close_at_bank(self, payment: Payment) -> str:
        """Close an unpaid bank order; if the money came after all, settle it as paid."""
        client = bank(self.rt)
        try:
            await client.close_order(payment.out_trade_no)
        except UpstreamRejected as exc:
            if exc.code != "ORDER_PAID":
                raise
        tx = await client.query_order(payment.out_trade_no)
        if tx is not None and tx.trade_state == "SUCCESS":
            return await self.settle_transaction(tx)
        async with uow.unit_of_work(self.rt) as session:
            await session.execute(
                update(Payment)
                .where(
                    col(Payment.id) == payment.id,
                    col(Payment.status) == PaymentStatus.PENDING.value,
                )
                .values(status=PaymentStatus.CLOSED.value)
            )
        return "closed"

    async def close_unpaid(self, order_id: str, target: OrderStatus, reason: str) -> str:
        """EXPIRED or CANCELLED before payment: give back the place and the HIS hold."""
        rt = self.rt
        async with uow.unit_of_work(rt) as session:
            order = await orders.lock_order(session, order_id)
            if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
                return "nothing to do"
            await orders.transition(
                session, order, target, closed_at=rt.clock.now(), cancel_reason=reason
            )
            if order.slot_id:
                await orders.release_place(session, order.slot_id, rt.clock.now())
            kind = "ORDER_EXPIRED" if target == OrderStatus.EXPIRED else "ORDER_CANCELLED"
            await notices.notify(
                session,
                now=rt.clock.now(),
                user_id=order.user_id,
                kind=kind,
                title="订单已超时关闭" if target == OrderStatus.EXPIRED else "订单已取消",
                body=f"{_description(order)}：{reason}。",
                dedupe_key=f"{kind}:{order.id}",
                patient_id=order.his_patient_id,
                order_id=order.id,
            )
            enqueue_after_commit(session, "release_his_hold", order.id)
        if order.department_id:
            await rt.catalogue.invalidate_schedules(order.department_id)
        return target.value.lower()

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
    if order.kind == OrderKind.REGISTRATION:
        who = f"{order.department_name or ''} {order.expert_name or ''}"
        return f"挂号 {who} {order.visit_date} {yuan(order.amount)}元".strip()
    return f"门诊缴费 {yuan(order.amount)}元"
