"""The gateway's rules for a call: the public parameters checked in Alipay's order, the app's
signature, then `alipay.system.oauth.token` itself; every answer a signed node (or, before the
app is known, an unsigned refusal)."""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from hospital_bff.clock import SHANGHAI, Clock
from hospital_bff.simulators.alipay.signing import rsa2_signed, rsa2_verified, signed_text

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
