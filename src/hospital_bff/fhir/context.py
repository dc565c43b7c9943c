"""Who asks /fhir and how: the runtime, the caller's token, language, and parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import structlog
from starlette.requests import Request

from hospital_bff.client_address import client_address
from hospital_bff.fhir import mapping
from hospital_bff.fhir.outcomes import bad_request, unauthenticated
from hospital_bff.language import caller_language
from hospital_bff.runtime import Runtime
from hospital_bff.store.models import Account
from hospital_bff.tokens import InvalidToken, bearer_token

log = structlog.get_logger(__name__)

_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")


@dataclass(frozen=True)
class FhirCaller:
    """The bearer of the token: an account, and its hospital user once verified."""

    account_id: str
    user_id: str | None


@dataclass
class FhirContext:
    request: Request
    runtime: Runtime
    base: str
    _caller: FhirCaller | None = field(default=None, init=False)

    @property
    def lang(self) -> str:
        return caller_language(self.request.headers.get("accept-language"))

    @property
    def client_address(self) -> str:
        return client_address(self.request, self.runtime.settings.trusted_proxy_networks)

    async def caller(self) -> FhirCaller:
        """The token's account, the same tokens as /graphql; anything else is 401."""
        if self._caller is not None:
            return self._caller
        token = bearer_token(self.request.headers.get("authorization", ""))
        if token is None:
            raise unauthenticated()
        try:
            claims = self.runtime.tokens.verify(token)
        except InvalidToken as exc:
            log.info("fhir.token_refused", reason=exc.reason)
            raise unauthenticated() from exc
        if claims.role != "PATIENT" or claims.account_id is None:
            raise unauthenticated()
        async with self.runtime.sessions() as session:
            account = await session.get(Account, claims.account_id)
        if account is None:
            raise unauthenticated()
        self._caller = FhirCaller(account.id, account.user_id)
        return self._caller

    def self_url(self) -> str:
        query = f"?{self.request.url.query}" if self.request.url.query else ""
        return f"{self.base}{self.request.url.path.removeprefix('/fhir')}{query}"


def one(params: dict[str, list[str]], name: str, *, required: bool = False) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise bad_request(f"参数 {name} 只能出现一次", f"Parameter {name} may appear only once")
    if not values or not values[0]:
        if required:
            raise bad_request(f"缺少参数 {name}", f"Parameter {name} is required")
        return None
    return values[0]


def referenced(value: str | None, name: str, resource_type: str) -> str | None:
    """The id the parameter `name` names (`Patient/pat-1`, or the id alone), whichever way it
    came (a search's query, an operation's Parameters); a reference to another type is 400."""
    if value is None:
        return None
    found = mapping.reference_id(value, resource_type)
    if not found:
        raise bad_request(
            f"参数 {name} 应引用 {resource_type}", f"Parameter {name} must name a {resource_type}"
        )
    return found


def prefixed(value: str) -> tuple[str, str]:
    """A date parameter's comparison prefix (eq by default) and its value."""
    if value[:2] in _PREFIXES and value[2:3].isdigit():
        return value[:2], value[2:]
    return "eq", value


def parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
    except ValueError:
        raise bad_request(f"参数 {name} 不是日期", f"Parameter {name} is not a date") from None


def parse_instant(value: str, name: str) -> date | datetime:
    """A date, or a dateTime with its offset."""
    if len(value) == 10:
        return parse_date(value, name)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise bad_request(f"参数 {name} 不是时间", f"Parameter {name} is not a dateTime") from None
    if parsed.tzinfo is None:
        raise bad_request(f"参数 {name} 需带时区", f"Parameter {name} needs an offset")
    return parsed


def compares(prefix: str, value: datetime, bound: date | datetime) -> bool:
    """`value` against `bound` by a FHIR prefix; a date bound compares days."""
    if isinstance(bound, datetime):
        left, right = value.timestamp(), bound.timestamp()
    else:
        left, right = float(value.date().toordinal()), float(bound.toordinal())
    match prefix:
        case "eq":
            return left == right
        case "ne":
            return left != right
        case "gt":
            return left > right
        case "lt":
            return left < right
        case "ge":
            return left >= right
        case _:
            return left <= right
