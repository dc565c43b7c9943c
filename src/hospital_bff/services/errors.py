"""Domain errors: what a service can refuse, each with the stable code the clients handle.

DomainError(code)
├── NotFound                 missing, or someone else's: the two look the same
├── InvalidInput             malformed arguments
├── UpstreamUnavailableError the HIS or bank could not answer; try again
├── NotVerified              the user has not proven who they are yet
└── (any code of the contract's ErrorCode, raised as DomainError(code, message))
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the patient can understand; `code` is one of the contract's ErrorCodes."""

    code = "INVALID_STATE"

    def __init__(
        self, message: str, *, code: str | None = None, message_en: str | None = None
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.message_en = message_en or message

    def localized(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message


class NotFound(DomainError):
    code = "NOT_FOUND"

    def __init__(self, what: str = "对象", what_en: str = "object") -> None:
        super().__init__(f"{what}不存在", message_en=f"{what_en} not found")


class InvalidInput(DomainError):
    code = "INVALID_INPUT"


class UpstreamUnavailableError(DomainError):
    code = "UPSTREAM_UNAVAILABLE"

    def __init__(self, system: str = "his") -> None:
        names = {"his": "医院信息系统", "bank": "支付平台", "wechat": "微信", "alipay": "支付宝"}
        super().__init__(
            f"{names.get(system, system)}暂时无法访问，请稍后再试",
            message_en=f"The {system} is unavailable right now; please try again shortly",
        )


class NotVerified(DomainError):
    code = "NOT_VERIFIED"

    def __init__(self) -> None:
        super().__init__("请先完成实名认证", message_en="Verify your identity first")
