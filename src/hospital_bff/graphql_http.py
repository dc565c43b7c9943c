"""Strawberry's ASGI view, bounded: what a client sends over HTTP cannot stop the server.

Strawberry reads a body of any size, and answers what it cannot parse with a plain-text 400
(a bare number or invalid UTF-8 even with a 500). Here the body is bounded while it is read,
the query string by length, the JSON must be UTF-8 text of an object, and every refusal is a
GraphQL-shaped JSON answer with a stable code, as the apps expect of every answer.
"""

from __future__ import annotations

from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    SubscribeMessage,
)
from strawberry.types import ExecutionResult

from hospital_bff.persisted_queries import PersistedQueries, PersistedQueryRefused
from hospital_bff.request_limits import BodyTooLarge, limit_receive, refuse_declared_excess
from hospital_bff.resolvers.context import Context

# Stable codes for the HTTP refusals, in `extensions.code` like every other error.
HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG",
}


def http_error(status: int, message: str, code: str | None = None) -> Response:
    """A refusal before execution, shaped as GraphQL errors so the apps read it like any other."""
    code = code or HTTP_CODES.get(status, "BAD_REQUEST")
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
        # The rest of a refused body is never read, so the connection cannot carry another request.
        headers={"connection": "close"} if status == 413 else None,
    )


class PersistedQueriesWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, refusing under BFF_PERSISTED_QUERIES=only what is not listed."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        persisted = getattr(self.view, "persisted_queries", None)
        if isinstance(persisted, PersistedQueries) and self.connection_acknowledged:
            refusal = persisted.websocket_refusal(message["payload"])
            if refusal is not None:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refusal]}
                )
                return
        await super().handle_subscribe(message)


class BoundedGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP with bounded bodies and query strings, and JSON refusals."""

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=limit_receive(receive, self.max_body_bytes))
        try:
            if len(scope.get("query_string", b"")) > self.max_query_string_bytes:
                raise HTTPException(414, f"query string over {self.max_query_string_bytes} bytes")
            refuse_declared_excess(request.headers, self.max_body_bytes)
            response = await self.run(request)
        except BodyTooLarge as exc:
            response = http_error(413, f"request body over {exc.limit} bytes")
        except HTTPException as exc:
            response = http_error(exc.status_code, exc.reason)
        except PersistedQueryRefused as exc:
            response = http_error(exc.status, exc.message, exc.code)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        # Strawberry lets a UnicodeDecodeError or a RecursionError (10,000 nested brackets)
        # escape as a 500, and a bare number through to fail on `.get`. The body, and the
        # `variables` and `extensions` of a GET, are all JSON objects (batching is off).
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            value = self.decode_json(text)
        except UnicodeDecodeError as exc:
            raise HTTPException(400, "request body is not UTF-8") from exc
        except (ValueError, RecursionError) as exc:
            raise HTTPException(400, "request body is not valid JSON") from exc
        if not isinstance(value, dict):
            raise HTTPException(400, "request body is not a JSON object")
        return value

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A hash-only GET has no `query` either, and is an operation, not a browser.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if self.persisted_queries is None or isinstance(data, list):
            return data
        return await self.persisted_queries.resolve(data)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        if self.persisted_queries is not None:
            await self.persisted_queries.register(request_data, result)
        return result
