"""The bank's payment platform (WeChat Pay API v3 subset) as typed calls.

Only paths WeChat Pay API v3 publishes are called (a test holds the list):
H5 and JSAPI orders, query by out_trade_no or by transaction_id, close, domestic refund and its
query, the trade bill and the fund-flow bill. Both of the hospital's refund modes are the one
refunds API: a REVERSAL is a refund sent at once, a BATCH is refunds sent one by one after the
next-day reconciliation.

Every request carries the merchant's ``WECHATPAY2-SHA256-RSA2048`` signature and every answer
must carry a valid platform signature: an answer we cannot verify could come from anyone, so it
counts as no answer at all (``BankUnavailable``). Only reads are retried; a POST that times out
raises ``UpstreamTimeout`` at once, and the caller settles the outcome by querying.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import httpx
import structlog
from pydantic import BaseModel, ValidationError

from hospital_bff.clock import SHANGHAI, Clock
from hospital_bff.config import Settings
from hospital_bff.datasources.bank_bills import parse_fund_flow_bill, parse_trade_bill
from hospital_bff.datasources.bank_models import (
    FundFlowBill,
    H5Order,
    JsapiOrder,
    JsapiPayParams,
    Refund,
    TradeBill,
    Transaction,
)
from hospital_bff.datasources.errors import (
    BankUnavailable,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from hospital_bff.datasources.http import CircuitBreaker
from hospital_bff.datasources.wechatpay_crypto import (
    MerchantKeys,
    ensure_demo_keys,
    jsapi_pay_message,
    load_merchant_keys,
    new_nonce,
    sign_message,
    sign_request,
    timestamp_is_fresh,
    verify_signature,
)

log = structlog.get_logger(__name__)

_Model = TypeVar("_Model", bound=BaseModel)

FUND_FLOW_ACCOUNT_TYPES = frozenset({"BASIC", "OPERATION", "FEES"})


class TradeBillError(BankUnavailable):
    """The downloaded bill is not the one the bank described (hash) or cannot be read."""


class BankClient:
    """The hospital's merchant account at the bank: orders, refunds, the daily trade bill."""

    unavailable: type[UpstreamUnavailable] = BankUnavailable
    system = "bank"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        mch_id: str,
        app_id: str,
        keys: MerchantKeys,
        clock: Clock | None = None,
        timeout: float = 3.0,
        read_retries: int = 2,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.mch_id = mch_id
        self.app_id = app_id
        self.keys = keys
        self.clock = clock or Clock()
        self.timeout = timeout
        self.read_retries = read_retries
        self.breaker = breaker or CircuitBreaker(self.system, 5, 10.0)
        self.calls = 0  # counted so tests can bound the calls one operation makes

    @classmethod
    def from_settings(
        cls, http: httpx.AsyncClient, settings: Settings, *, clock: Clock | None = None
    ) -> BankClient:
        """Production keys when both key paths are set, else the embedded default's demo keys."""
        if settings.bank_merchant_key_path and settings.bank_platform_cert_path:
            keys = load_merchant_keys(
                merchant_key_path=settings.bank_merchant_key_path,
                merchant_serial=settings.bank_merchant_serial,
                platform_key_path=settings.bank_platform_cert_path,
            )
        else:
            keys = ensure_demo_keys(
                settings.bank_keys_dir, merchant_serial=settings.bank_merchant_serial
            ).merchant_side()
        return cls(
            http,
            settings.bank_base_url,
            mch_id=settings.bank_mch_id,
            app_id=settings.bank_app_id,
            keys=keys,
            clock=clock,
            timeout=settings.http_timeout_seconds,
            read_retries=settings.http_read_retries,
            breaker=CircuitBreaker(
                cls.system, settings.breaker_failure_threshold, settings.breaker_reset_seconds
            ),
        )

    # --- orders ------------------------------------------------------------------------------

    def _order(
        self,
        out_trade_no: str,
        description: str,
        amount: int,
        expires_at: datetime,
        notify_url: str,
    ) -> dict[str, Any]:
        """What every way of paying sends to open the order (WeChat Pay's common fields)."""
        return {
            "appid": self.app_id,
            "mchid": self.mch_id,
            "description": description,
            "out_trade_no": out_trade_no,
            "time_expire": expires_at.astimezone(SHANGHAI).replace(microsecond=0).isoformat(),
            "notify_url": notify_url,
            "amount": {"total": amount, "currency": "CNY"},
        }

    async def create_h5_order(
        self,
        out_trade_no: str,
        description: str,
        amount: int,
        expires_at: datetime,
        notify_url: str,
        client_ip: str,
    ) -> H5Order:
        """Create (or, with the same parameters, find again) the H5 order for one payment."""
        payload = self._order(out_trade_no, description, amount, expires_at, notify_url)
        payload["scene_info"] = {"payer_client_ip": client_ip, "h5_info": {"type": "Wap"}}
        return _parse(H5Order, await self._json("POST", "/v3/pay/transactions/h5", payload))

    async def create_jsapi_order(
        self,
        out_trade_no: str,
        description: str,
        amount: int,
        expires_at: datetime,
        notify_url: str,
        openid: str,
    ) -> JsapiOrder:
        """Create (or, with the same parameters, find again) the JSAPI order a page inside
        WeChat pays; ``openid`` is the payer's openid under our appid."""
        payload = self._order(out_trade_no, description, amount, expires_at, notify_url)
        payload["payer"] = {"openid": openid}
        return _parse(JsapiOrder, await self._json("POST", "/v3/pay/transactions/jsapi", payload))

    def jsapi_pay_params(self, prepay_id: str) -> JsapiPayParams:
        """The ``getBrandWCPayRequest`` parameters for a prepay_id, paySign made with the
        merchant key: the WeChat client checks it, so only we can start a payment of ours."""
        timestamp = str(int(self.clock.now().timestamp()))
        nonce = new_nonce()
        package = f"prepay_id={prepay_id}"
        return JsapiPayParams(
            app_id=self.app_id,
            timestamp=timestamp,
            nonce_str=nonce,
            package=package,
            sign_type="RSA",
            pay_sign=sign_message(
                self.keys.merchant_key, jsapi_pay_message(self.app_id, timestamp, nonce, package)
            ),
        )

    async def query_order(self, out_trade_no: str) -> Transaction | None:
        """The order as the bank sees it, or None if the bank never heard of it."""
        path = f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={self.mch_id}"
        return await self._transaction_at(path)

    async def query_transaction(self, transaction_id: str) -> Transaction | None:
        """The order by the bank's own transaction id (as a bill line names it), or None."""
        path = f"/v3/pay/transactions/id/{transaction_id}?mchid={self.mch_id}"
        return await self._transaction_at(path)

    async def _transaction_at(self, path: str) -> Transaction | None:
        try:
            return _parse(Transaction, await self._json("GET", path))
        except UpstreamRejected as exc:
            if exc.code == "ORDER_NOT_EXIST":
                return None
            raise

    async def close_order(self, out_trade_no: str) -> None:
        """Close an unpaid order; ``UpstreamRejected('ORDER_PAID')`` if the money already came."""
        path = f"/v3/pay/transactions/out-trade-no/{out_trade_no}/close"
        await self._json("POST", path, {"mchid": self.mch_id})

    # --- refunds ---------------------------------------------------------------------------------

    async def refund(
        self,
        out_trade_no: str,
        out_refund_no: str,
        amount: int,
        total: int,
        reason: str,
        notify_url: str | None,
    ) -> Refund:
        """Refund ``amount`` of an order of ``total``; the same out_refund_no refunds only once."""
        payload: dict[str, Any] = {
            "out_trade_no": out_trade_no,
            "out_refund_no": out_refund_no,
            "reason": reason[:80],
            "amount": {"refund": amount, "total": total, "currency": "CNY"},
        }
        if notify_url:
            payload["notify_url"] = notify_url
        return _parse(Refund, await self._json("POST", "/v3/refund/domestic/refunds", payload))

    async def query_refund(self, out_refund_no: str) -> Refund | None:
        """The refund as the bank sees it, or None if the bank never heard of it."""
        try:
            body = await self._json("GET", f"/v3/refund/domestic/refunds/{out_refund_no}")
        except UpstreamRejected as exc:
            if exc.code == "RESOURCE_NOT_EXISTS":
                return None
            raise
        return _parse(Refund, body)

    # --- the trade bill ------------------------------------------------------------------------

    async def trade_bill(self, bill_date: date) -> TradeBill:
        """Download the day's ALL bill, check its SHA1, and read it to the fen."""
        path = f"/v3/bill/tradebill?bill_date={bill_date.isoformat()}&bill_type=ALL"
        content = await self._download_bill(path, "trade bill")
        try:
            return parse_trade_bill(content, bill_date)
        except (ValueError, ValidationError) as exc:
            raise TradeBillError(f"unreadable trade bill: {exc}", system=self.system) from exc

    async def fund_flow_bill(self, bill_date: date, account_type: str = "BASIC") -> FundFlowBill:
        """Download the day's fund-flow bill of one account, check its SHA1, read it to the fen."""
        if account_type not in FUND_FLOW_ACCOUNT_TYPES:
            raise ValueError(f"unknown account_type {account_type!r}")
        path = (
            f"/v3/bill/fundflowbill?bill_date={bill_date.isoformat()}&account_type={account_type}"
        )
        content = await self._download_bill(path, "fund-flow bill")
        try:
            return parse_fund_flow_bill(content, bill_date, account_type)
        except (ValueError, ValidationError) as exc:
            raise TradeBillError(f"unreadable fund-flow bill: {exc}", system=self.system) from exc

    async def _download_bill(self, path: str, what: str) -> bytes:
        """Ask for a bill's download_url, fetch it (the file itself is unsigned), check SHA1."""
        meta = await self._json("GET", path)
        if (
            not isinstance(meta, dict)
            or str(meta.get("hash_type", "")).upper() != "SHA1"
            or not meta.get("download_url")
        ):
            raise TradeBillError(f"unexpected {what} answer", system=self.system)
        response = await self._send("GET", str(meta["download_url"]), None, signed_answer=False)
        content = response.content
        digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
        if digest != str(meta.get("hash_value", "")).lower():
            raise TradeBillError(f"{what} does not match its SHA1", system=self.system)
        return content

    # --- the wire --------------------------------------------------------------------------------

    async def _json(self, method: str, target: str, payload: Any = None) -> Any:
        response = await self._send(method, target, payload)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise self.unavailable("bank answered with non-JSON", system=self.system) from exc

    async def _send(
        self, method: str, target: str, payload: Any, *, signed_answer: bool = True
    ) -> httpx.Response:
        attempts = 1 + (self.read_retries if method == "GET" else 0)
        last: UpstreamUnavailable | None = None
        for attempt in range(attempts):
            if self.breaker.is_open:
                raise self.unavailable("bank circuit open", system=self.system)
            try:
                return await self._send_once(method, target, payload, signed_answer=signed_answer)
            except UpstreamUnavailable as exc:
                last = exc
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.05 * 2**attempt)
        assert last is not None
        raise last

    async def _send_once(
        self, method: str, target: str, payload: Any, *, signed_answer: bool
    ) -> httpx.Response:
        self.calls += 1
        url = httpx.URL(target if "://" in target else f"{self.base_url}{target}")
        body = (
            b""
            if payload is None
            else json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        )
        headers = {
            # The signed URL is exactly the path and query that go on the wire.
            "Authorization": sign_request(
                private_key=self.keys.merchant_key,
                mch_id=self.mch_id,
                serial_no=self.keys.merchant_serial,
                method=method,
                url=url.raw_path.decode("ascii"),
                body=body,
                timestamp=int(self.clock.now().timestamp()),
            ),
            "Accept": "application/json",
        }
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = await self.http.request(
                method, url, content=body or None, headers=headers, timeout=self.timeout
            )
        except httpx.TimeoutException as exc:
            self.breaker.record_failure()
            raise UpstreamTimeout(
                f"bank timed out: {method} {url.path}", system=self.system
            ) from exc
        except httpx.HTTPError as exc:
            self.breaker.record_failure()
            raise self.unavailable(f"bank unreachable: {exc!r}", system=self.system) from exc
        if response.status_code >= 500:
            self.breaker.record_failure()
            raise self.unavailable(
                f"bank answered {response.status_code} to {method} {url.path}", system=self.system
            )
        if (signed_answer or response.status_code >= 300) and not self._is_genuine(response):
            self.breaker.record_failure()
            log.warning("bank_answer_unverified", method=method, path=url.path)
            raise self.unavailable("bank answer failed signature check", system=self.system)
        self.breaker.record_success()
        if response.status_code >= 400:
            code, message = _error_of(response)
            raise UpstreamRejected(code, message, system=self.system)
        return response

    def _is_genuine(self, response: httpx.Response) -> bool:
        headers = response.headers
        key = self.keys.platform_keys.get(headers.get("wechatpay-serial", ""))
        timestamp = headers.get("wechatpay-timestamp", "")
        if key is None or not timestamp_is_fresh(timestamp, self.clock.now()):
            return False
        return verify_signature(
            key,
            timestamp,
            headers.get("wechatpay-nonce", ""),
            response.content,
            headers.get("wechatpay-signature", ""),
        )


def _parse(model: type[_Model], body: Any) -> _Model:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise BankUnavailable(f"bank answered an unexpected {model.__name__}: {exc}") from exc


def _error_of(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        return str(body.get("code", f"HTTP_{response.status_code}")), str(body.get("message", ""))
    return f"HTTP_{response.status_code}", response.text[:200]
