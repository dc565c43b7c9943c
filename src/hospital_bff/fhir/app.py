"""The /fhir routes: one dispatcher over the capability table, so what is listed answers
and nothing else does (404 for an unknown path, 405 with Allow for a known one's other
methods). JSON only: an Accept that rules out FHIR JSON is 406, a body of another type 415.
Bodies and URLs are bounded as /graphql's are (request_limits.py); a token is asked for
everything but the CapabilityStatement and SMART discovery."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.fhir import capability, reads, scheduling
from hospital_bff.fhir.context import FhirContext
from hospital_bff.fhir.outcomes import FhirError, bad_request, from_domain, not_found, outcome
from hospital_bff.language import Message
from hospital_bff.outages import REDIS_DOWN, TRY_AGAIN_CODE, TRY_AGAIN_MESSAGE, TryAgain
from hospital_bff.request_id import current_request_id
from hospital_bff.request_limits import BodyTooLarge, read_body
from hospital_bff.runtime import Runtime
from hospital_bff.services.errors import DomainError, UpstreamUnavailableError

log = structlog.get_logger(__name__)

CONTENT_TYPE = f"{capability.MEDIA_TYPE}; charset=utf-8"
_JSON_TYPES = ("application/fhir+json", "application/json", "application/*", "*/*")
_FORMATS = ("json", "application/json", "application/fhir+json")
# Parameters any search takes besides its own.
_COMMON_PARAMS = frozenset({"_format"})
# What anyone may read, no token asked (the paths under /fhir).
_PUBLIC = frozenset({"metadata", ".well-known/smart-configuration"})
# What Redis being away raises (outages.py): answered TRY_AGAIN.
_REDIS_AWAY: tuple[type[BaseException], ...] = (TryAgain, *REDIS_DOWN)


def _accepts_json(accept: str | None) -> bool:
    if not accept:
        return True
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if media.lower() in _JSON_TYPES and not any(p.replace(" ", "") == "q=0" for p in params):
            return True
    return False


def _answer(resource: Resource | dict[str, Any], status: int = 200, **headers: str) -> Response:
    """A resource serialised by its model (so it validates), or SMART's plain JSON."""
    if isinstance(resource, dict):
        return JSONResponse(resource, status, headers=headers or None)
    return Response(
        resource.model_dump_json(by_alias=True, exclude_none=True).encode(),
        status,
        headers=headers or None,
        media_type=CONTENT_TYPE,
    )


def _allowed(parts: list[str]) -> tuple[str, ...] | None:
    """The methods a path answers, from the table; None for a path nothing is served at."""
    if parts == ["metadata"] or parts == [".well-known", "smart-configuration"]:
        return ("GET",)
    served = capability.SERVED_BY_TYPE.get(parts[0]) if parts else None
    if served is None:
        return None
    if len(parts) == 1:
        return ("GET",) if served.search else None
    if len(parts) == 2 and parts[1].startswith("$"):
        names = {o.name for o in served.operations}
        return ("POST",) if parts[1][1:] in names else None
    if len(parts) == 2:
        return ("GET",) if served.read else None
    return None


class FhirEndpoint:
    """The ASGI app mounted at /fhir."""

    def __init__(
        self,
        runtime: Callable[[], Runtime],
        public_url: str,
        retry_after: Callable[[], int] = lambda: 1,
    ) -> None:
        self.runtime = runtime
        # Seconds a 503 asks the client to wait: what /graphql's door asks now (shedding.py).
        self.retry_after = retry_after
        self.public_url = public_url.rstrip("/")
        self.base = f"{self.public_url}/fhir"

    async def handle(self, request: Request) -> Response:
        ctx = FhirContext(request, self.runtime(), self.base)
        response = await self._answered(ctx, request)
        if request.path_params.get("path") not in _PUBLIC:
            # A patient's data, or what a token was asked about: no shared cache keeps it.
            response.headers["Cache-Control"] = "private, no-store"
        return response

    async def _answered(self, ctx: FhirContext, request: Request) -> Response:
        """The answer, or the refusal as an OperationOutcome."""
        try:
            return await self._dispatch(ctx, request)
        except FhirError as exc:
            return _answer(exc.outcome(ctx.lang), exc.status, **exc.headers)
        except DomainError as exc:
            log.info("fhir.refused", code=exc.code)
            return self._refused(*from_domain(exc, ctx.lang))
        except UpstreamUnavailable as exc:
            log.warning("upstream_unavailable", system=exc.system, error=str(exc))
            return self._refused(*from_domain(UpstreamUnavailableError(exc.system), ctx.lang))
        except _REDIS_AWAY as exc:
            # Redis away is no bug: TRY_AGAIN, as /graphql answers it (outages.py), not a 500.
            log.warning("fhir.try_again", error=repr(exc))
            said = TRY_AGAIN_MESSAGE.in_language(ctx.lang)
            return self._refused(503, outcome("transient", TRY_AGAIN_CODE, said))
        except Exception:
            # A bug: its trace goes to the log; the caller gets the id to quote, no detail.
            log.exception("fhir.internal_error")
            request_id = current_request_id() or ""
            text = Message(
                f"服务器内部错误（请求号 {request_id}）", f"Internal error (request {request_id})"
            )
            return _answer(outcome("exception", "INTERNAL", text.in_language(ctx.lang)), 500)

    def _refused(self, status: int, answer: OperationOutcome) -> Response:
        """A service's refusal; a 503 (TRY_AGAIN, UPSTREAM_UNAVAILABLE: nothing was done) says
        when to ask again, as /graphql's door does."""
        if status == 503:
            return _answer(answer, status, **{"Retry-After": str(self.retry_after())})
        return _answer(answer, status)

    async def _dispatch(self, ctx: FhirContext, request: Request) -> Response:
        settings = ctx.runtime.settings
        parts = [p for p in request.path_params.get("path", "").split("/") if p]
        allowed = _allowed(parts)
        if allowed is None:
            raise not_found()
        if request.method not in allowed:
            raise FhirError(
                405,
                "not-supported",
                "METHOD_NOT_ALLOWED",
                Message("不支持该方法", f"{request.method} is not served here"),
                Allow=", ".join(allowed),
            )
        if len(request.url.query.encode()) > settings.max_query_string_bytes:
            raise FhirError(414, "too-long", "URI_TOO_LONG", Message("URL 过长", "URL too long"))
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        fmt = params.pop("_format", [None])[0]
        if (fmt is not None and fmt not in _FORMATS) or not _accepts_json(
            request.headers.get("accept")
        ):
            raise FhirError(
                406,
                "not-supported",
                "NOT_ACCEPTABLE",
                Message("仅提供 application/fhir+json", "Only application/fhir+json is served"),
            )
        if parts == ["metadata"]:
            return _answer(capability.capability_statement(self.base, ctx.runtime.clock.now()))
        if parts[0] == ".well-known":
            return _answer(capability.smart_configuration(self.public_url))
        if request.method == "POST":
            return await self._operation(ctx, request, parts)
        if len(parts) == 2:
            return _answer(await reads.READS[parts[0]](ctx, parts[1]))
        served = capability.SERVED_BY_TYPE[parts[0]]
        known = {p.name for p in served.params} | _COMMON_PARAMS
        unknown = sorted(set(params) - known)
        if unknown:
            raise bad_request(
                f"不支持的参数: {unknown[0]}", f"Unknown search parameter: {unknown[0]}"
            )
        return _answer(await reads.SEARCHES[parts[0]](ctx, params))

    async def _operation(self, ctx: FhirContext, request: Request, parts: list[str]) -> Response:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            body = await read_body(request, ctx.runtime.settings.max_body_bytes)
        except BodyTooLarge as exc:
            raise FhirError(
                413, "too-costly", "PAYLOAD_TOO_LARGE", Message("请求体过大", str(exc))
            ) from None
        if body.strip() and media not in ("application/fhir+json", "application/json"):
            raise FhirError(
                415,
                "not-supported",
                "UNSUPPORTED_MEDIA_TYPE",
                Message(
                    "请求体应为 application/fhir+json", "The body must be application/fhir+json"
                ),
            )
        given = scheduling.parameters(body)
        operation = scheduling.OPERATIONS[parts[1][1:]]
        return _answer(await operation(ctx, given))


def fhir_routes(
    runtime: Callable[[], Runtime],
    public_url: str,
    retry_after: Callable[[], int] = lambda: 1,
) -> list[Route]:
    endpoint = FhirEndpoint(runtime, public_url, retry_after)
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return [
        Route("/fhir", endpoint.handle, methods=methods),
        Route("/fhir/{path:path}", endpoint.handle, methods=methods),
    ]
