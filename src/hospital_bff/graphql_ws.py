"""graphql-transport-ws at /graphql: what our sockets do beyond strawberry's handler.

Under BFF_PERSISTED_QUERIES=only a socket carries only listed operations (Apollo's link hashes
over HTTP alone, so a socket sends the text). And a socket lives no longer than the token of
its `connection_init`.
"""

from __future__ import annotations

import asyncio
from typing import Final

import jwt
from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from hospital_bff.persisted_queries import PersistedQueries
from hospital_bff.resolvers.context import Context

# graphql-transport-ws's close code for a socket whose sign-in no longer holds: the app signs in
# again and reconnects (graphql-ws's clients retry no 44xx on their own).
TOKEN_EXPIRED_CLOSE: Final = 4401


def token_expiry(token: str | None) -> float | None:
    """The `exp` of a JWT, read without its signature: only when to close the socket, which a
    forged token never reaches (every subscription verifies the token before it answers)."""
    if not token:
        return None
    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return float(exp) if isinstance(exp, int) and not isinstance(exp, bool) else None


class PersistedQueriesWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, refusing under BFF_PERSISTED_QUERIES=only what is not listed,
    and closing the socket (4401) when the token of its `connection_init` expires: strawberry
    keeps one Context, its caller found once, for the socket's whole life, so notices and
    order updates streamed on for as long as the socket lived after the sign-in ended."""

    _expiry: asyncio.TimerHandle | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if not self.connection_acknowledged or self._expiry is not None:
            return
        try:
            token = self.context.bearer_token()
        except GraphQLError:
            return  # refused as it always was, by the first subscription that asks
        exp = token_expiry(token)
        if exp is None:
            return
        # Seconds of the process's clock (in production the wall's), counted on the loop's.
        left = exp - self.context.runtime.clock.now().timestamp()
        if left > 0:  # an expired token is refused UNAUTHENTICATED by its first subscription
            self._expiry = asyncio.get_running_loop().call_later(left, self._expired)

    def _expired(self) -> None:
        task = asyncio.ensure_future(
            self.websocket.close(code=TOKEN_EXPIRED_CLOSE, reason="Token expired")
        )
        task.add_done_callback(self._task_done)

    async def handle(self) -> None:
        try:
            await super().handle()
        finally:
            if self._expiry is not None:
                self._expiry.cancel()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        persisted = getattr(self.view, "persisted_queries", None)
        if isinstance(persisted, PersistedQueries) and self.connection_acknowledged:
            language = getattr(self.context, "lang", "zh")
            refusal = persisted.websocket_refusal(message["payload"], language)
            if refusal is not None:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refusal]}
                )
                return
        await super().handle_subscribe(message)
