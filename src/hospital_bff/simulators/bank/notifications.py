"""The notifications the bank POSTs to the merchant (TRANSACTION.SUCCESS, REFUND.*): signed by
the platform, the resource encrypted under the APIv3 key, delivered in the background with
retries, and bent by the drop, duplicate and reorder faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any

import httpx
import structlog

from hospital_bff.datasources.wechatpay_crypto import BankKeys
from hospital_bff.simulators.bank.records import Notification, Order, RefundRecord
from hospital_bff.simulators.bank.serialise import order_json, refund_notice, rfc3339
from hospital_bff.simulators.bank.signing import encrypt_resource, platform_headers
from hospital_bff.simulators.bank.state import BankState

log = structlog.get_logger(__name__)


class Notifier:
    """Delivers notifications in the background with retries, bending the rules under faults."""

    def __init__(
        self,
        state: BankState,
        keys: BankKeys,
        apiv3_key: bytes,
        http: httpx.AsyncClient | None,
    ) -> None:
        self.state = state
        self.keys = keys
        self.apiv3_key = apiv3_key
        self._http = http
        self._owns_http = http is None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=5.0)
        return self._http

    def use(self, http: httpx.AsyncClient) -> None:
        """Deliver through the host's shared client (which the host closes)."""
        self._http = http
        self._owns_http = False

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    def send(self, notification: Notification) -> None:
        """Queue one notification; faults decide whether it goes once, twice, late or never."""
        faults = self.state.faults
        if faults.drop_notifications:
            self.state.dropped.append(notification)
            log.info("bank_notification_dropped", event_type=notification.event_type)
            return
        copies = 2 if faults.duplicate_notifications else 1
        held = self.state.held
        if faults.reorder_notifications and held is None:
            self.state.held = notification
            self._spawn(self._release_later(notification))
            return
        for _ in range(copies):
            self._spawn(self._deliver(notification))
        if held is not None:
            # The earlier one goes after this later one: out of order.
            self.state.held = None
            self._spawn(self._deliver(held, after=0.01))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.state.tasks.add(task)
        task.add_done_callback(self.state.tasks.discard)

    async def _release_later(self, notification: Notification) -> None:
        await asyncio.sleep(self.state.reorder_hold_seconds)
        if self.state.held is notification:
            self.state.held = None
            await self._deliver(notification)

    async def _deliver(self, notification: Notification, *, after: float = 0.0) -> None:
        if after:
            await asyncio.sleep(after)
        for delay in self.state.notify_retry_delays:
            if delay:
                await asyncio.sleep(delay)
            if await self._post(notification):
                self.state.delivered.append(notification)
                return
        self.state.undeliverable.append(notification)
        log.warning("bank_notification_undeliverable", url=notification.url)

    async def _post(self, notification: Notification) -> bool:
        now = self.state.clock.now()
        envelope = {
            "id": notification.id,
            "create_time": rfc3339(now),
            "resource_type": "encrypt-resource",
            "event_type": notification.event_type,
            "summary": notification.summary,
            "resource": encrypt_resource(
                self.apiv3_key, notification.resource, notification.original_type
            ),
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = platform_headers(self.keys.platform_key, self.keys.platform_serial, body, now)
        headers["Content-Type"] = "application/json"
        try:
            response = await self.http.post(notification.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            log.info("bank_notification_failed", url=notification.url, error=repr(exc))
            return False
        return 200 <= response.status_code < 300


def transaction_notification(order: Order) -> Notification:
    return Notification(
        url=order.notify_url,
        event_type="TRANSACTION.SUCCESS",
        original_type="transaction",
        summary="支付成功",
        resource=order_json(order),
    )


REFUND_EVENTS = {
    "SUCCESS": ("REFUND.SUCCESS", "退款成功"),
    "ABNORMAL": ("REFUND.ABNORMAL", "退款异常"),
    "CLOSED": ("REFUND.CLOSED", "退款关闭"),
}


def refund_notification(record: RefundRecord, mchid: str) -> Notification | None:
    """The notice of a refund's final state; none while PROCESSING or without a notify_url."""
    event = REFUND_EVENTS.get(record.status)
    if not record.notify_url or event is None:
        return None
    event_type, summary = event
    return Notification(
        url=record.notify_url,
        event_type=event_type,
        original_type="refund",
        summary=summary,
        resource=refund_notice(record, mchid),
    )
