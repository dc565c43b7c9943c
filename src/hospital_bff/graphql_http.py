"""GraphQL over HTTP, as the spec has it (`graphql_over_http`), on strawberry's ASGI view.

Strawberry reads a body of any size, answers what it cannot parse with a plain-text 400, runs a
subscription sent over POST into an internal error, and knows one media type. Here:
- the body is bounded while it is read, the query string by length (`request_limits`);
- the answer's media type is negotiated from `Accept`, its status follows the spec's rules for
  that media type, and it is UTF-8 JSON (no ASCII escapes);
- every refusal is a GraphQL-shaped JSON body with `extensions.code` and a message in the
  caller's language, never text/plain: bad JSON, no query, a batch, multipart, an unknown
  operation name, a mutation over GET (405, `Allow: POST`), a subscription over HTTP;
- Apollo's persisted queries are resolved before execution and registered after it.

The path of one HTTP request, and where to hook into it:
1. `__call__`: limits, content negotiation (`request.state.media_type`, `.language`), and every
   `Refusal` turned into its answer (`refusal_response`).
2. `parse_http_body`: the request's `GraphQLRequestData`, checked and with its persisted query
   resolved, so `query` holds the text from here on.
3. `execute_single(request, ..., context, root_value, request_data) -> ExecutionResult`: the
   one place an operation runs; `context.lang` and `await context.viewer()` say for whom. A
   whole-response cache wraps this: look up before `super().execute_single`, store after.
4. `process_result`, then `create_response`: the result made a body (no `data` for a request
   error under graphql-response+json), its status and media type, and `Vary`.
"""

from __future__ import annotations

from typing import Any

import structlog
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.http.types import QueryParams
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from hospital_bff.graphql_over_http import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    URI_TOO_LONG,
    Refusal,
    bad_request,
    is_request_error,
    json_text,
    negotiate,
    status_for,
)
from hospital_bff.graphql_ws import PersistedQueriesWS
from hospital_bff.language import Message, caller_language
from hospital_bff.persisted_queries import PersistedQueries
from hospital_bff.request_body import done_reading, read_as, reading
from hospital_bff.request_limits import BodyTooLarge, limit_receive, refuse_declared_excess
from hospital_bff.resolvers.chosen_operation import OPERATION_RESOLUTION_FAILURE
from hospital_bff.resolvers.context import Context
from hospital_bff.resolvers.shared_events import next_frame
from hospital_bff.response_cache import PRIVATE

log = structlog.get_logger(__name__)

# What each method may run: queries over GET (cacheable), queries and mutations over POST.
# Subscriptions are served over the WebSocket at the same path (graphql-transport-ws).
ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}
ALLOWED_METHODS = "GET, POST"
# The answer depends on these request headers besides the URL and body: caches must key on them.
VARY = "Accept, Accept-Language"


def refusal_response(refusal: Refusal, media_type: str, language: str) -> Response:
    """A refusal before execution, shaped as GraphQL errors so the apps read it like any other."""
    headers = {"vary": VARY, "cache-control": "no-store", **refusal.headers}
    if refusal.status == 413:
        # The rest of a refused body is never read, so the connection cannot carry another request.
        headers["connection"] = "close"
    return Response(
        json_text(refusal.body(language)),
        status_code=refusal.status_for(media_type),
        media_type=f"{media_type}; charset=utf-8",
        headers=headers,
    )


def _refusal_of(exc: HTTPException) -> Refusal:
    """Strawberry's own HTTP refusals (those our checks do not pre-empt), with a code."""
    codes = {405: METHOD_NOT_ALLOWED, 413: PAYLOAD_TOO_LARGE, 414: URI_TOO_LONG}
    code = codes.get(exc.status_code, "BAD_REQUEST")
    return Refusal(exc.status_code, code, Message(f"请求无效：{exc.reason}", exc.reason))


class BoundedGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP per the spec, with bounded bodies and coded JSON refusals."""

    # Set by the app: Apollo's persisted queries (hospital_bff.persisted_queries).
    persisted_queries: PersistedQueries | None = None
    graphql_transport_ws_handler_class = PersistedQueriesWS

    def __init__(
        self,
        schema: BaseSchema,
        *,
        max_body_bytes: int,
        max_query_string_bytes: int,
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self.max_body_bytes = max_body_bytes
        self.max_query_string_bytes = max_query_string_bytes

    # --- 1. the request as it arrives -------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=limit_receive(receive, self.max_body_bytes))
        if request.method == "OPTIONS":
            # A browser's CORS preflight is answered by the CORS middleware, when origins are
            # allowed; a plain OPTIONS learns the methods.
            await Response(status_code=204, headers={"allow": f"{ALLOWED_METHODS}, OPTIONS"})(
                scope, receive, send
            )
            return
        language = caller_language(request.headers.get("accept-language"))
        media_type = negotiate(request.headers.get("accept"))
        request.state.language = language
        request.state.media_type = media_type or APPLICATION_JSON
        read = reading(scope)  # the body the response cache read: parsed once (request_body)
        try:
            self._check_request(request, media_type)
            response = await self.run(request)
        except BodyTooLarge as exc:
            response = self._refused(
                request,
                Refusal(
                    413,
                    PAYLOAD_TOO_LARGE,
                    Message(f"请求体超过{exc.limit}字节", f"request body over {exc.limit} bytes"),
                ),
            )
        except Refusal as refusal:
            response = self._refused(request, refusal)
        except HTTPException as exc:
            response = self._refused(request, _refusal_of(exc))
        finally:
            done_reading(read)
        await response(scope, receive, send)

    def _check_request(self, request: Request, media_type: str | None) -> None:
        if request.method not in ALLOWED_OPERATIONS:
            raise Refusal(
                405,
                METHOD_NOT_ALLOWED,
                Message(
                    f"/graphql 只接受 GET 和 POST（{request.method}）",
                    f"/graphql accepts GET and POST, not {request.method}",
                ),
                headers={"allow": ALLOWED_METHODS},
            )
        if len(request.scope.get("query_string", b"")) > self.max_query_string_bytes:
            limit = self.max_query_string_bytes
            raise Refusal(
                414,
                URI_TOO_LONG,
                Message(f"查询字符串超过{limit}字节", f"query string over {limit} bytes"),
            )
        if media_type is None and not self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            raise Refusal(
                406,
                NOT_ACCEPTABLE,
                Message(
                    f"只能以 {GRAPHQL_RESPONSE_JSON} 或 {APPLICATION_JSON} 答复",
                    f"answers are {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}",
                ),
            )
        refuse_declared_excess(request.headers, self.max_body_bytes)

    def _refused(self, request: Request, refusal: Refusal) -> Response:
        response = refusal_response(refusal, request.state.media_type, request.state.language)
        # Expected: one line, no traceback (a client's mistake is not our error).
        log.info("graphql.request_refused", code=refusal.code, status=response.status_code)
        return response

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A hash-only GET has no `query` either, and is an operation, not a browser.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    # --- 2. what the request asks ------------------------------------------------------------

    def parse_json(self, data: str | bytes) -> Any:
        # Strawberry lets a UnicodeDecodeError or a RecursionError (10,000 nested brackets)
        # escape as a 500, and a bare number through to fail on `.get`. The body, and the
        # `variables` and `extensions` of a GET, are all JSON objects (batching is off).
        try:
            read = read_as(data)  # those bytes, parsed once already or now, the same way
            text = data.decode("utf-8") if isinstance(data, bytes) and read is None else data
            value = read.json() if read is not None else self.decode_json(text)
        except UnicodeDecodeError as exc:
            raise bad_request("请求体不是UTF-8文本", "request body is not UTF-8") from exc
        except (ValueError, RecursionError) as exc:
            raise bad_request("请求体不是有效的JSON", "request body is not valid JSON") from exc
        if isinstance(value, list):
            raise bad_request(
                "不支持批量操作：请逐个发送", "batching is not supported: send one operation each"
            )
        if not isinstance(value, dict):
            raise bad_request("请求应为JSON对象", "expected a JSON object")
        return value

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        # A GET's `variables` and `extensions` are JSON objects (an array here is no batch).
        try:
            return super().parse_query_params(params)
        except Refusal as refusal:
            raise bad_request(
                "GET 参数 variables 与 extensions 须为 JSON 对象",
                "a GET's variables and extensions must be JSON objects",
            ) from refusal

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != APPLICATION_JSON:
                raise Refusal(
                    415,
                    UNSUPPORTED_MEDIA_TYPE,
                    Message(
                        f"请以 {APPLICATION_JSON} 发送（收到 {content_type or '无类型'}）",
                        f"send {APPLICATION_JSON} (got {content_type or 'no Content-Type'}); "
                        "file uploads and multipart are not supported",
                    ),
                )
        try:
            data = await super().parse_http_body(request)
        except HTTPException as exc:  # a parameter of the wrong JSON type
            raise bad_request(f"请求参数无效：{exc.reason}", exc.reason) from exc
        assert not isinstance(data, list)  # parse_json refuses arrays
        if not isinstance(data.operation_name, (str, type(None))):
            raise bad_request("operationName 应为字符串", "`operationName` must be a string")
        if self.persisted_queries is not None:
            data = await self.persisted_queries.resolve(data)
        if not data.query:
            raise bad_request("请求中没有 GraphQL 查询", "no GraphQL query in the request")
        return data

    # --- 3. the operation --------------------------------------------------------------------

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=ALLOWED_OPERATIONS[method],
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            return self._wrong_transport(exc.operation_type, method, context.lang)
        except CannotGetOperationTypeError as exc:
            return request_error(OPERATION_RESOLUTION_FAILURE, _unresolved(exc), context.lang)
        except MissingQueryError as exc:  # pre-empted by parse_http_body; kept coded
            raise bad_request("请求中没有 GraphQL 查询", "no GraphQL query in the request") from exc
        if self.persisted_queries is not None:
            await self.persisted_queries.register(request_data, result)
        return result

    def _wrong_transport(
        self, operation: OperationType, method: str, language: str
    ) -> ExecutionResult:
        if operation is OperationType.MUTATION:
            # The spec: a mutation over GET is 405, whatever the media type.
            raise Refusal(
                405,
                METHOD_NOT_ALLOWED,
                Message("变更（mutation）须用 POST 发送", "mutations must be sent with POST"),
                headers={"allow": "POST"},
            )
        message = Message(
            "订阅须通过 WebSocket（graphql-transport-ws 协议）连接 /graphql",
            "subscriptions are served over WebSocket at /graphql (graphql-transport-ws)",
        )
        return request_error("BAD_REQUEST", message, language)

    # --- 4. the answer -----------------------------------------------------------------------

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        # The spec: a request error (nothing executed) has no `data` entry; legacy clients of
        # application/json have always had `"data": null`, and keep it.
        media_type = getattr(request.state, "media_type", APPLICATION_JSON)
        if media_type == GRAPHQL_RESPONSE_JSON and is_request_error(body):
            body.pop("data", None)
        return body

    def encode_json(self, data: object) -> str:
        return next_frame(data) or json_text(data)  # a shared event's payload, encoded once

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        assert not isinstance(response_data, list)  # batching is off
        media_type = getattr(sub_response, "graphql_media_type", APPLICATION_JSON)
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or status_for(media_type, response_data),
            media_type=f"{media_type}; charset=utf-8",
        )
        response.headers.raw.extend(sub_response.headers.raw)
        response.headers["vary"] = VARY
        if sub_response.background:
            response.background = sub_response.background
        return response

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]
        sub_response = await super().get_sub_response(request)
        # create_response sees only this: it carries the negotiated media type there.
        sub_response.graphql_media_type = request.state.media_type  # type: ignore[attr-defined]
        if "authorization" in request.headers:
            # A signed-in answer is this caller's: no browser history, proxy or CDN keeps it.
            # (The response cache replaces this header on the public answers it keeps.)
            sub_response.headers["cache-control"] = PRIVATE.decode()
        return sub_response


def request_error(code: str, message: Message, language: str) -> ExecutionResult:
    """A GraphQL request error (nothing executed), answered by the media type's status rules."""
    error = GraphQLError(message.in_language(language), extensions={"code": code})
    log.info("graphql.request_refused", code=code)
    return ExecutionResult(data=None, errors=[error])


def _unresolved(exc: CannotGetOperationTypeError) -> Message:
    if exc.operation_name is None:
        return Message("文档中没有可执行的操作", "the document holds no operation")
    return Message(
        f"文档中没有名为 {exc.operation_name} 的操作",
        f'the document has no operation named "{exc.operation_name}"',
    )
