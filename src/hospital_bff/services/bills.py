"""Outpatient bills (门诊缴费): only self-pay patients pay online (paper §4.1-4.2), as the
HIS says at the time of paying, and only from an account that is not restricted."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.datasources.his_models import Bill
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.accounts import patients
from hospital_bff.services.accounts.restrictions import ensure_not_restricted
from hospital_bff.services.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    NotVerified,
    UpstreamUnavailableError,
)
from hospital_bff.services.money import his_locks, orders
from hospital_bff.services.money.rules import OrderKind
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Order, PatientBinding

MAX_BILLS = 20


class PayAtHospital(DomainError):
    code = "PAY_AT_HOSPITAL"

    def __init__(self) -> None:
        super().__init__(
            "医保患者请到医院收费窗口或自助机缴费",
            message_en="Insured patients pay their bills at the hospital",
        )


class BillService:
    """Unpaid bills of a bound patient, and one order to pay a chosen set of them."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def unpaid(self, user_id: str | None, patient_id: str) -> list[Bill]:
        async with uow.unit_of_work(self.rt) as session:
            await patients.binding_of(session, user_id, patient_id)
        return await self.rt.his.unpaid_bills(patient_id)

    async def _insurance_now(self, binding: PatientBinding) -> str:
        """The patient's insurance as the HIS says today (it changes at the hospital's desk,
        not with us); our copy from binding time is brought up to date."""
        try:
            patient = await self.rt.his.patient(binding.his_patient_id)
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailableError("his") from exc
        if patient is None:
            raise NotFound("就诊人", "patient")
        if patient.insurance != binding.insurance:
            async with uow.unit_of_work(self.rt) as session:
                await session.execute(
                    update(PatientBinding)
                    .where(col(PatientBinding.his_patient_id) == binding.his_patient_id)
                    .values(insurance=patient.insurance)
                )
        return patient.insurance

    async def pay(
        self, user_id: str | None, patient_id: str, bill_ids: list[str], key: str
    ) -> Order:
        rt = self.rt
        if user_id is None:
            raise NotVerified()
        orders.check_idempotency_key(key)
        unique = sorted(set(bill_ids))
        if not unique or len(unique) > MAX_BILLS:
            raise InvalidInput(
                f"请选择1到{MAX_BILLS}张缴费单", message_en=f"Choose 1 to {MAX_BILLS} bills"
            )
        async with uow.unit_of_work(rt) as session:
            existing = await orders.by_idempotency_key(session, user_id, key)
            if existing is not None:
                return existing
            binding = await patients.binding_of(session, user_id, patient_id)
            await ensure_not_restricted(session, user_id, rt.clock.now())
        if await self._insurance_now(binding) != "SELF_PAY":
            raise PayAtHospital()
        unpaid = {b.id for b in await rt.his.unpaid_bills(patient_id)}
        if not set(unique) <= unpaid:
            raise DomainError(
                "缴费单不存在或已缴费",
                code="NOT_FOUND",
                message_en="A bill was not found or is paid",
            )
        quote = await rt.his.quote_bills(patient_id, unique)
        order_id = new_id("ord")
        try:
            lock = await rt.his.lock_bills(
                order_id, patient_id, unique, orders.his_lock_seconds(rt.settings)
            )
        except UpstreamRejected as exc:
            raise DomainError(
                "缴费单正在支付或不可缴费", code="INVALID_STATE", message_en=exc.detail
            ) from exc
        except UpstreamUnavailable as exc:
            await his_locks.after_failed_lock(rt, order_id, OrderKind.CLINIC_PAYMENT, exc)
            raise UpstreamUnavailableError("his") from exc
        if lock.amount != quote.amount:
            # A bill changed between the quote and the lock: the HIS confirms only the amount
            # it locked, so charging the quote would be refunded in full after the payment.
            await his_locks.release(rt, order_id, OrderKind.CLINIC_PAYMENT)
            raise DomainError(
                "缴费金额已变化，请重新查看缴费单",
                code="INVALID_STATE",
                message_en="The bills' amount changed; please look at them again",
            )
        order = orders.awaiting_payment(
            order_id=order_id,
            kind=OrderKind.CLINIC_PAYMENT,
            user_id=user_id,
            his_patient_id=patient_id,
            patient_name=binding.name,
            idempotency_key=key,
            amount=quote.amount,
            items=[i.model_dump(mode="json") for i in quote.items],
            now=rt.clock.now(),
            window_seconds=rt.settings.payment_window_seconds,
            bill_ids=unique,
        )
        order, _ = await orders.open_order(rt, order)
        return order
