"""Typed errors of the outside systems.

UpstreamError
├── UpstreamUnavailable        the system did not answer usefully: refused, 5xx, breaker open
│   ├── HisUnavailable
│   ├── BankUnavailable
│   ├── WechatUnavailable
│   └── AlipayUnavailable
├── UpstreamTimeout            sent, no answer in time: the outcome is UNKNOWN, settle by querying
└── UpstreamRejected           the system answered with a business refusal (4xx with a code)
"""

from __future__ import annotations


class UpstreamError(Exception):
    """Something went wrong talking to a system we do not own."""

    system: str = "upstream"

    def __init__(self, message: str, *, system: str | None = None) -> None:
        super().__init__(message)
        if system is not None:
            self.system = system


class UpstreamUnavailable(UpstreamError):
    """The system could not be reached or failed; nothing is known to have happened."""


class UpstreamTimeout(UpstreamUnavailable):
    """The request may or may not have taken effect; only a query can tell."""


class UpstreamBusy(UpstreamUnavailable):
    """Not sent: this process already has as many calls in flight to the system as it allows,
    and none finished in time. Our own overload, not the system's: the breaker is not told."""


# Not answered in time, by the system (its outcome unknown) or by our own queue for it (never
# sent): nothing is known to be taken, and the same request may come again (TRY_AGAIN).
TOO_SLOW: tuple[type[UpstreamUnavailable], ...] = (UpstreamTimeout, UpstreamBusy)


class UpstreamRejected(UpstreamError):
    """The system answered and said no, with its own code."""

    def __init__(self, code: str, message: str, *, system: str | None = None) -> None:
        super().__init__(f"{code}: {message}", system=system)
        self.code = code
        self.detail = message


class HisUnavailable(UpstreamUnavailable):
    system = "his"


class BankUnavailable(UpstreamUnavailable):
    system = "bank"


class WechatUnavailable(UpstreamUnavailable):
    system = "wechat"


class AlipayUnavailable(UpstreamUnavailable):
    system = "alipay"
