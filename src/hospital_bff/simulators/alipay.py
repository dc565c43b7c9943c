"""A simulated Alipay open-platform gateway: `alipay.system.oauth.token` and nothing else.

Like the real gateway it answers every call with HTTP 200: the token in
`alipay_system_oauth_token_response`, a refusal in `error_response` {code, msg, sub_code,
sub_msg}, each signed (RSA2) with Alipay's key over the node's JSON text; it checks the app's
RSA2 signature over the sorted parameters with the app's public key, as Alipay does with the
key the app uploaded. `POST /authorize {"userId"}` stands for the user agreeing in Alipay.

RSA2 is implemented here from Alipay's published spec ("自行实现签名"), not taken from our
client (`datasources.alipay`), so that a mistake in the client cannot be mirrored here; both
are checked against the published `python-alipay-sdk` in the tests.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hospital_bff.clock import SHANGHAI, Clock
from hospital_bff.datasources.alipay import ensure_demo_alipay_keys

if TYPE_CHECKING:
    from hospital_bff.config import Settings

OAUTH_TOKEN_METHOD = "alipay.system.oauth.token"
OAUTH_TOKEN_NODE = "alipay_system_oauth_token_response"
ERROR_NODE = "error_response"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
# Alipay's auth_code is good once, for three minutes.
CODE_LIFETIME = timedelta(minutes=3)
# The gateway refuses a request whose timestamp is this far from its own clock.
TIMESTAMP_TOLERANCE = timedelta(minutes=15)
ACCESS_TOKEN_SECONDS = 1_296_000
REFRESH_TOKEN_SECONDS = 2_592_000
MAX_USER_ID = 64

# (code, msg, sub_code, sub_msg) of the public errors a token call can meet.
Error = tuple[str, str, str, str]
MISSING = "40001", "Missing Required Arguments"
INVALID = "40002", "Invalid Arguments"
MISSING_FIELDS: dict[str, str] = {
    "app_id": "isv.missing-app-id",
    "method": "isv.missing-method",
    "sign_type": "isv.missing-signature-type",
    "sign": "isv.missing-signature",
    "timestamp": "isv.missing-timestamp",
    "version": "isv.missing-version",
}
INVALID_APP_ID: Error = (*INVALID, "isv.invalid-app-id", "无效的AppID参数")
INVALID_METHOD: Error = (*INVALID, "isv.invalid-method", "不存在的方法名")
INVALID_SIGN_TYPE: Error = (*INVALID, "isv.invalid-signature-type", "无效的签名类型")
INVALID_SIGNATURE: Error = (*INVALID, "isv.invalid-signature", "验签出错")
INVALID_TIMESTAMP: Error = (*INVALID, "isv.invalid-timestamp", "非法的时间戳参数")
INVALID_VERSION: Error = (*INVALID, "isv.invalid-version", "版本号错误")
INVALID_CHARSET: Error = (*INVALID, "isv.invalid-charset", "字符集错误")
INVALID_GRANT: Error = (*INVALID, "isv.grant-type-invalid", "grant_type参数不正确")
INVALID_CODE: Error = (*INVALID, "isv.code-invalid", "授权码code无效")


def signed_text(params: dict[str, str]) -> str:
    """What the app signs: every parameter but `sign` that has a value, sorted by name (ASCII),
    joined as `name=value` with `&`, values as sent (not URL-encoded)."""
    kept = sorted((name, value) for name, value in params.items() if name != "sign" and value)
    return "&".join(f"{name}={value}" for name, value in kept)


def rsa2_signed(key: rsa.RSAPrivateKey, text: str) -> str:
    """RSA2: SHA256withRSA (PKCS#1 v1.5) over the UTF-8 text, base64."""
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa2_verified(key: rsa.RSAPublicKey, text: str, signature: str) -> bool:
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            text.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


@dataclass(slots=True)
class AuthorizationCode:
    """An auth_code the user's consent produced."""

    user_id: str
    expires_at: datetime
    used: bool = False


class AlipayState:
    """The codes handed out so far, and the keys of both sides."""

    def __init__(
        self,
        clock: Clock,
        app_id: str,
        app_public_key: rsa.RSAPublicKey,
        alipay_key: rsa.RSAPrivateKey,
    ) -> None:
        self.clock = clock
        self.app_id = app_id
        self.app_public_key = app_public_key
        self.alipay_key = alipay_key
        self.codes: dict[str, AuthorizationCode] = {}
        self.access_tokens: dict[str, str] = {}  # token -> user_id

    def authorize(self, user_id: str) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = AuthorizationCode(user_id, self.clock.now() + CODE_LIFETIME)
        return code

    def gateway(self, params: dict[str, str]) -> str:
        """The body of the gateway's answer to one call."""
        for field, sub_code in MISSING_FIELDS.items():
            if not params.get(field):
                # Unsigned, as Alipay's: without a checked app there is no one to sign for.
                return self._error((*MISSING, sub_code, f"缺少{field}参数"), signed=False)
        if not hmac.compare_digest(params["app_id"].encode(), self.app_id.encode()):
            return self._error(INVALID_APP_ID, signed=False)
        if params["sign_type"] != "RSA2":
            return self._error(INVALID_SIGN_TYPE, signed=False)
        if not rsa2_verified(self.app_public_key, signed_text(params), params["sign"]):
            return self._error(INVALID_SIGNATURE, signed=False)
        if params["method"] != OAUTH_TOKEN_METHOD:
            return self._error(INVALID_METHOD)
        if params["version"] != "1.0":
            return self._error(INVALID_VERSION)
        if params.get("charset", "utf-8").lower() not in {"utf-8", "utf8"}:
            return self._error(INVALID_CHARSET)
        if not self._timely(params["timestamp"]):
            return self._error(INVALID_TIMESTAMP)
        return self._oauth_token(params)

    def _timely(self, timestamp: str) -> bool:
        try:
            sent = datetime.strptime(timestamp, TIMESTAMP_FORMAT).replace(tzinfo=SHANGHAI)
        except ValueError:
            return False
        return abs(self.clock.now() - sent) <= TIMESTAMP_TOLERANCE

    def _oauth_token(self, params: dict[str, str]) -> str:
        if params.get("grant_type") != "authorization_code":
            return self._error(INVALID_GRANT)
        grant = self.codes.get(params.get("code", ""))
        now = self.clock.now()
        if grant is None or grant.used or grant.expires_at <= now:
            return self._error(INVALID_CODE)
        grant.used = True
        token = secrets.token_hex(20)
        self.access_tokens[token] = grant.user_id
        return self._signed(
            OAUTH_TOKEN_NODE,
            {
                "user_id": grant.user_id,
                "access_token": token,
                "expires_in": ACCESS_TOKEN_SECONDS,
                "refresh_token": secrets.token_hex(20),
                "re_expires_in": REFRESH_TOKEN_SECONDS,
                "auth_start": now.astimezone(SHANGHAI).strftime(TIMESTAMP_FORMAT),
            },
        )

    def _error(self, error: Error, *, signed: bool = True) -> str:
        code, msg, sub_code, sub_msg = error
        node = {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}
        if signed:
            return self._signed(ERROR_NODE, node)
        return json.dumps({ERROR_NODE: node}, ensure_ascii=False)

    def _signed(self, name: str, node: dict[str, Any]) -> str:
        text = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        sign = rsa2_signed(self.alipay_key, text)
        return f'{{"{name}":{text},"sign":"{sign}"}}'


def create_alipay_app(
    *,
    clock: Clock,
    app_id: str,
    app_public_key: rsa.RSAPublicKey,
    alipay_key: rsa.RSAPrivateKey,
) -> Starlette:
    """The simulated Alipay gateway as an ASGI app; its state is `app.state.alipay`."""
    state = AlipayState(clock, app_id, app_public_key, alipay_key)

    async def authorize(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        user_id = body.get("userId") if isinstance(body, dict) else None
        if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > MAX_USER_ID:
            return JSONResponse(
                {"code": "40001", "msg": "Missing Required Arguments", "sub_msg": "userId"},
                status_code=400,
            )
        return JSONResponse({"code": state.authorize(user_id)})

    async def gateway(request: Request) -> Response:
        # Common parameters in the query string, the method's own in the form body (either
        # may hold any of them, as at the real gateway).
        params: dict[str, str] = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        return Response(
            state.gateway(params).encode("utf-8"),
            media_type="application/json;charset=utf-8",
        )

    app = Starlette(
        routes=[
            Route("/authorize", authorize, methods=["POST"]),
            Route("/gateway.do", gateway, methods=["GET", "POST"]),
        ]
    )
    app.state.alipay = state
    return app


def create_demo_alipay_app(settings: Settings, clock: Clock) -> Starlette:
    """The simulator with the embedded default's keys (the ones the demo's client uses)."""
    assert settings.alipay_app_id  # mounted only for a configured app
    keys = ensure_demo_alipay_keys(settings.bank_keys_dir)
    return create_alipay_app(
        clock=clock,
        app_id=settings.alipay_app_id,
        app_public_key=keys.app_public_key,
        alipay_key=keys.alipay_key,
    )
