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
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import httpx
import structlog
from pydantic import BaseModel, ValidationError

from hospital_bff.amounts import fen_from_yuan
from hospital_bff.clock import SHANGHAI, Clock
from hospital_bff.config import Settings
from hospital_bff.datasources.bank_models import (
    FundFlowBill,
    FundFlowLine,
    FundFlowSummary,
    H5Order,
    JsapiOrder,
    JsapiPayParams,
    Refund,
    TradeBill,
    TradeBillLine,
    TradeBillSummary,
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

# Bill column names, in the hospital's words, keyed by WeChat's header; WeChat warns the column
# order may change, so lines are read by name, never by position.
_BILL_COLUMNS: dict[str, str] = {
    "交易时间": "traded_at",
    "公众账号ID": "appid",
    "商户号": "mchid",
    "特约商户号": "sub_mchid",
    "设备号": "device_info",
    "微信订单号": "transaction_id",
    "商户订单号": "out_trade_no",
    "用户标识": "openid",
    "交易类型": "trade_type",
    "交易状态": "trade_state",
    "付款银行": "bank_type",
    "货币种类": "currency",
    "应结订单金额": "settlement_amount",
    "代金券金额": "voucher_amount",
    "微信退款单号": "refund_id",
    "商户退款单号": "out_refund_no",
    "退款金额": "refund_amount",
    "充值券退款金额": "voucher_refund_amount",
    "退款类型": "refund_type",
    "退款状态": "refund_status",
    "商品名称": "description",
    "商户数据包": "attach",
    "手续费": "fee",
    "费率": "fee_rate",
    "订单金额": "order_amount",
    "申请退款金额": "refund_requested_amount",
    "费率备注": "fee_rate_note",
}
_BILL_MONEY = frozenset(
    {
        "settlement_amount",
        "voucher_amount",
        "refund_amount",
        "voucher_refund_amount",
        "order_amount",
        "refund_requested_amount",
    }
)
_SUMMARY_COLUMNS: dict[str, str] = {
    "总交易单数": "total_count",
    "应结订单总金额": "settlement_total",
    "退款总金额": "refund_total",
    "充值券退款总金额": "voucher_refund_total",
    "手续费总金额": "fee_total",
    "订单总金额": "order_total",
    "申请退款总金额": "refund_requested_total",
}
_FUND_FLOW_COLUMNS: dict[str, str] = {
    "记账时间": "booked_at",
    "微信支付业务单号": "transaction_id",
    "资金流水单号": "flow_id",
    "业务名称": "business_name",
    "业务类型": "business_type",
    "收支类型": "direction",
    "收支金额(元)": "amount",
    "账户结余(元)": "balance",
    "资金变更提交申请人": "applicant",
    "备注": "note",
    "业务凭证号": "voucher_no",
}
_FUND_FLOW_SUMMARY: dict[str, str] = {
    "资金流水总笔数": "total_count",
    "收入笔数": "income_count",
    "收入金额": "income_total",
    "支出笔数": "expense_count",
    "支出金额": "expense_total",
}
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
        payload = {
            "appid": self.app_id,
            "mchid": self.mch_id,
            "description": description,
            "out_trade_no": out_trade_no,
            "time_expire": expires_at.astimezone(SHANGHAI).replace(microsecond=0).isoformat(),
            "notify_url": notify_url,
            "amount": {"total": amount, "currency": "CNY"},
            "scene_info": {"payer_client_ip": client_ip, "h5_info": {"type": "Wap"}},
        }
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
        payload = {
            "appid": self.app_id,
            "mchid": self.mch_id,
            "description": description,
            "out_trade_no": out_trade_no,
            "time_expire": expires_at.astimezone(SHANGHAI).replace(microsecond=0).isoformat(),
            "notify_url": notify_url,
            "amount": {"total": amount, "currency": "CNY"},
            "payer": {"openid": openid},
        }
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
        try:
            return _parse(Transaction, await self._json("GET", path))
        except UpstreamRejected as exc:
            if exc.code == "ORDER_NOT_EXIST":
                return None
            raise

    async def query_transaction(self, transaction_id: str) -> Transaction | None:
        """The order by the bank's own transaction id (as a bill line names it), or None."""
        path = f"/v3/pay/transactions/id/{transaction_id}?mchid={self.mch_id}"
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


# --- the bill file -----------------------------------------------------------------------------


def _fen(cell: str, *, round_to_fen: bool = False) -> int:
    # An empty money cell in a bill is nothing paid or refunded.
    return fen_from_yuan(cell or "0", round_to_fen=round_to_fen)


def _cells(line: str) -> list[str]:
    return [cell[1:] if cell.startswith("`") else cell for cell in line.split(",")]


def _bill_sections(
    content: bytes, *, kind: str, columns: Mapping[str, str], summary_marker: str
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Split a WeChat bill (header, backtick-prefixed rows, summary header, summary) into its
    rows and its summary, each as column name -> cell; every column must be one we know."""
    lines = [line for line in content.decode("utf-8-sig").splitlines() if line.strip()]
    if len(lines) < 3:
        raise ValueError(f"a {kind} has at least a header and a summary")
    header = [name.strip() for name in lines[0].split(",")]
    unknown = [name for name in header if name not in columns]
    if unknown:
        raise ValueError(f"unknown {kind} columns {unknown}")
    summary_at = next((i for i, line in enumerate(lines) if line.startswith(summary_marker)), None)
    if summary_at is None or summary_at + 1 >= len(lines):
        raise ValueError(f"the {kind} has no summary")
    rows: list[dict[str, str]] = []
    for line in lines[1:summary_at]:
        cells = _cells(line)
        if len(cells) != len(header):
            raise ValueError(f"{kind} row has {len(cells)} values, header has {len(header)}")
        rows.append(dict(zip(header, cells, strict=True)))
    summary_header = [name.strip() for name in lines[summary_at].split(",")]
    summary = dict(zip(summary_header, _cells(lines[summary_at + 1]), strict=True))
    return rows, summary


def _at_shanghai(cell: str) -> datetime:
    return datetime.strptime(cell, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def parse_trade_bill(content: bytes, bill_date: date) -> TradeBill:
    """Read a WeChat ALL trade bill."""
    rows, summary_cells = _bill_sections(
        content, kind="trade bill", columns=_BILL_COLUMNS, summary_marker="总交易单数"
    )
    lines: list[TradeBillLine] = []
    for row in rows:
        values: dict[str, Any] = {}
        for name, cell in row.items():
            field = _BILL_COLUMNS[name]
            if field in _BILL_MONEY:
                values[field] = _fen(cell)
            elif field == "fee":
                values[field] = _fen(cell, round_to_fen=True)
            elif field == "traded_at":
                values[field] = _at_shanghai(cell)
            else:
                values[field] = cell
        lines.append(TradeBillLine.model_validate(values))
    summary: dict[str, int] = {}
    for name, cell in summary_cells.items():
        key = _SUMMARY_COLUMNS.get(name)
        if key == "total_count":
            summary[key] = int(cell)
        elif key is not None:
            summary[key] = _fen(cell, round_to_fen=key == "fee_total")
    return TradeBill(
        bill_date=bill_date, lines=lines, summary=TradeBillSummary.model_validate(summary)
    )


def _count(cell: str) -> int:
    # WeChat writes the fund-flow bill's counts as decimals ("17.0").
    try:
        value = Decimal(cell.strip() or "0")
    except InvalidOperation as exc:
        raise ValueError(f"not a count: {cell!r}") from exc
    if value != value.to_integral_value():
        raise ValueError(f"count {cell!r} is not whole")
    return int(value)


def parse_fund_flow_bill(content: bytes, bill_date: date, account_type: str) -> FundFlowBill:
    """Read a WeChat fund-flow bill."""
    rows, summary_cells = _bill_sections(
        content, kind="fund-flow bill", columns=_FUND_FLOW_COLUMNS, summary_marker="资金流水总笔数"
    )
    lines: list[FundFlowLine] = []
    for row in rows:
        values: dict[str, Any] = {}
        for name, cell in row.items():
            key = _FUND_FLOW_COLUMNS[name]
            if key in ("amount", "balance"):
                values[key] = _fen(cell)
            elif key == "booked_at":
                values[key] = _at_shanghai(cell)
            else:
                values[key] = cell
        lines.append(FundFlowLine.model_validate(values))
    summary: dict[str, int] = {}
    for name, cell in summary_cells.items():
        total = _FUND_FLOW_SUMMARY.get(name)
        if total in ("income_total", "expense_total"):
            summary[total] = _fen(cell)
        elif total is not None:
            summary[total] = _count(cell)
    return FundFlowBill(
        bill_date=bill_date,
        account_type=account_type,
        lines=lines,
        summary=FundFlowSummary.model_validate(summary),
    )
