"""One execution, and one encoding, of a public subscription's event for all its subscribers.

A thousand sockets watching one schedule each get the same schedule on an event
(`subscriptions.schedule_updated` hands every one of them the same object), and most sent the
same document with the same variables. graphql-core executes the subscription's selection
once per subscriber and event, and strawberry encodes each `next` message: the same work a
thousand times, about half a millisecond each. Here the first subscriber to reach an event
executes it for all, the others await that result, and its `{"data": ...}` payload is encoded
once (`next_frame` splices each operation's `id` around it, the bytes `json_text` would make).

What may be shared, by construction:
- only an operation whose root fields are all in `PUBLIC_SUBSCRIPTIONS` (public data; a
  patient's notices, orders or queue place are never shared), for the same event object,
  operation (the parser cache hands out one document per text), variables and language;
- the shared execution runs as nobody (`PublicContext`: no token, no connection parameters,
  fresh loaders), so it cannot read anyone's data; if a field asked who is calling anyway
  (`Context.viewer`, as `eligibility(patientId:)` does) or anything failed, the result is not
  shared: each subscriber executes the event itself, with its own context and errors, as
  before, and that document is not tried again.
A subscriber that goes away while the shared execution runs does not cancel it for the rest.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Sequence
from copy import copy
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # json_text's own, for a str
from typing import Any
from weakref import WeakMethod

from graphql import ExecutionResult, FieldNode, GraphQLResolveInfoHelpers, OperationDefinitionNode
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hospital_bff.graphql_over_http import json_text
from hospital_bff.resolvers.context import Context
from hospital_bff.resolvers.loaders import DataLoaders

# Root subscription fields whose events are the same for anyone who watches them.
PUBLIC_SUBSCRIPTIONS = frozenset({"scheduleUpdated"})
# Events whose shared results are kept: far more than are delivered at once.
KEPT = 256


@dataclass
class PublicContext(Context):
    """A context that is nobody: no token is read, in the language the result is shared in."""

    language: str = field(default="zh", kw_only=True)

    @property
    def lang(self) -> str:
        return self.language

    def bearer_token(self) -> str | None:
        return None


@dataclass(slots=True)
class _Shared:
    event: Any  # held, so its id is not reused while the entry lives
    operation: OperationDefinitionNode
    result: asyncio.Future[ExecutionResult | None]


@dataclass(slots=True)
class _Encoded:
    data: Any  # held, likewise
    payload: str  # json_text({"data": data})


class SharedResults:
    """Per process: the shared results of recent events, and their encoded payloads."""

    def __init__(self) -> None:
        self._results: OrderedDict[tuple[Any, ...], _Shared] = OrderedDict()
        self._encoded: OrderedDict[int, _Encoded] = OrderedDict()
        self._personal: OrderedDict[int, OperationDefinitionNode] = OrderedDict()
        self.executions = 0  # shared executions run: for the tests

    def encoded(self, data: Any) -> str | None:
        entry = self._encoded.get(id(data))
        return entry.payload if entry is not None and entry.data is data else None

    async def result(self, executor: SharedEventExecutor) -> ExecutionResult | None:
        """The event's result for anyone, or None when it is not to be shared."""
        operation, context = executor.operation, executor.context_value
        if self._personal.get(id(operation)) is operation or not isinstance(context, Context):
            return None
        if executor.shape is None:
            return None
        event = executor.root_value
        key = (id(event), *executor.shape)
        entry = self._results.get(key)
        if entry is None or entry.event is not event or entry.operation is not operation:
            future = asyncio.ensure_future(self._execute(executor, context))
            entry = _Shared(event, operation, future)
            self._results[key] = entry
            if len(self._results) > KEPT:
                self._results.popitem(last=False)
        # Shielded: one subscriber's cancellation is not the others'.
        return await asyncio.shield(entry.result)

    async def _execute(
        self, executor: SharedEventExecutor, context: Context
    ) -> ExecutionResult | None:
        nobody = PublicContext(
            request=context.request,
            response=None,
            runtime=context.runtime,
            loaders=DataLoaders(context.runtime),
            language=context.lang,
        )
        # As graphql-core makes a per-event executor: a copy with its own errors and work,
        # so the subscriber whose executor it copies may go away without taking it along.
        shared = copy(executor)
        shared.context_value, shared.sharing = nobody, False
        shared.collected_errors = type(executor.collected_errors)()
        shared.background_futures, shared.pending_incremental_futures = set(), set()
        shared.async_work_finished_hook_task = None
        self.executions += 1
        try:
            result = shared.execute_operation(False)
            if shared.is_awaitable(result):
                result = await result
        except Exception:  # each subscriber executes it again, and sees it
            return None
        if not isinstance(result, ExecutionResult):
            return None
        if nobody.asked_who or result.errors or result.extensions:
            # Whose it would be, or what went wrong, is each subscriber's own to find out.
            self._personal[id(executor.operation)] = executor.operation
            if len(self._personal) > KEPT:
                self._personal.popitem(last=False)
            return None
        self._encoded[id(result.data)] = _Encoded(result.data, json_text({"data": result.data}))
        if len(self._encoded) > KEPT:
            self._encoded.popitem(last=False)
        return result


SHARED = SharedResults()


def next_frame(message: Any) -> str | None:
    """The `next` message's text with its payload encoded once for all, if it was shared:
    the same bytes `json_text(message)` makes."""
    if not isinstance(message, dict) or message.get("type") != "next":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict) or len(payload) != 1 or "data" not in payload:
        return None
    encoded = SHARED.encoded(payload["data"])
    if encoded is None or list(message) != ["id", "type", "payload"]:
        return None
    op_id = message["id"]
    quoted = encode_basestring(op_id) if isinstance(op_id, str) else json_text(op_id)
    return f'{{"id":{quoted},"type":"next","payload":{encoded}}}'


def _shape(executor: SharedEventExecutor) -> tuple[Any, ...] | None:
    context = executor.context_value
    if not isinstance(context, Context):
        return None
    try:
        variables = json.dumps(executor.variable_values.coerced, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return None
    operation = executor.operation
    name = operation.name.value if operation.name else None
    return (id(operation), name, variables, context.lang)


def _public(operation: OperationDefinitionNode) -> bool:
    selections = operation.selection_set.selections
    return bool(selections) and all(
        isinstance(node, FieldNode) and node.name.value in PUBLIC_SUBSCRIPTIONS
        for node in selections
    )


def _gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
    # What graphql-core's ExecutionContext.gather_async_work does; it uses nothing of it.
    return gather_with_cancel(*values)


class _Track:
    """The executor's own `track_async_work`, reached through a weak reference: graphql-core
    gives the resolvers (`info.async_helpers`) the executor's bound methods, which made the
    executor and everything it refers to (the context, the operation's collected fields, its
    DataLoaders) a reference cycle, left to a garbage collection to free after every
    operation (gc_pauses.py)."""

    __slots__ = ("_method",)

    def __init__(self, executor: StrawberryGraphQLCoreExecutionContext) -> None:
        self._method = WeakMethod(executor.track_async_work)

    def __call__(self, values: Sequence[Any]) -> None:
        track = self._method()
        if track is not None:  # the operation is over: nothing left to wait for it
            track(values)


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor; a public subscription's events are executed once for all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = GraphQLResolveInfoHelpers(gather=_gather, track=_Track(self))

    sharing = False  # set on the per-event executors of a public subscription
    # What besides the event its result depends on: the operation, its variables, the
    # language; worked out once per subscription (None: not to be shared).
    shape: tuple[Any, ...] | None = None

    def build_per_event_executor(self, payload: Any) -> SharedEventExecutor:
        if self.shape is None and not self.sharing and _public(self.operation):
            self.shape, self.sharing = _shape(self), True
        executor = super().build_per_event_executor(payload)
        assert isinstance(executor, SharedEventExecutor)  # a copy of this one
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        if not self.sharing:
            return super().execute_operation(serially)
        return self._shared_or_own(serially)

    async def _shared_or_own(self, serially: bool | None) -> Any:
        result = await SHARED.result(self)
        if result is not None:
            return result
        own = super().execute_operation(serially)
        return await own if self.is_awaitable(own) else own
