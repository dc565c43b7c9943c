"""The ASGI application: GraphQL, webhooks, health, metrics, and (embedded) the simulators."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import structlog
from cross_web import AsyncHTTPRequestAdapter
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from hospital_bff import warm_pools
from hospital_bff.bff_app import BffApp
from hospital_bff.booking_door import BookingDoor, BookingDoorMiddleware, note_booking
from hospital_bff.client_address import client_address
from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.datasources.http import LIMITS
from hospital_bff.datasources.outbound_pool import PooledTransport
from hospital_bff.eligibility_overlay import overlaid
from hospital_bff.embedded_transport import EmbeddedSimulators, simulator_base_urls
from hospital_bff.fhir.app import fhir_routes
from hospital_bff.gc_pauses import QuietCollections, freeze_start_up_heap, watch_pauses
from hospital_bff.going_away import GoingAwayMiddleware, close_websockets_on_sigterm
from hospital_bff.graphiql.page import render_page as render_graphiql_page
from hospital_bff.graphiql.page import static_files as graphiql_static_files
from hospital_bff.graphql_http import BoundedGraphQL
from hospital_bff.h5 import h5_page
from hospital_bff.health import healthz, readyz
from hospital_bff.http_middleware import http_middleware
from hospital_bff.logs import configure_logging
from hospital_bff.metrics_server import main_port_endpoint
from hospital_bff.persisted_queries import persisted_queries_for
from hospital_bff.personal_answers import PersonalAnswers, PersonalAnswersMiddleware, note_personal
from hospital_bff.production import refuse_unsafe_production
from hospital_bff.request_id import RequestIdMiddleware
from hospital_bff.resolvers.context import Context
from hospital_bff.resolvers.loaders import DataLoaders
from hospital_bff.response_cache import ResponseCache
from hospital_bff.response_cache_http import (
    ResponseCacheFill,
    ResponseCacheMiddleware,
    note_answer,
)
from hospital_bff.runtime import Runtime, open_runtime
from hospital_bff.schema import build_schema
from hospital_bff.shedding import SheddingMiddleware, front_door
from hospital_bff.subscription_limits import SocketsPerAddress
from hospital_bff.tracing import asgi_middleware, configure_tracing, tracing_on
from hospital_bff.webhooks import WebhookLane
from hospital_bff.webhooks import routes as webhook_routes

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from hospital_bff.simulators.persistence import SimulatorStore

log = structlog.get_logger(__name__)

RuntimeHook = Callable[[Runtime], Any]


class BffGraphQL(BoundedGraphQL):
    """Strawberry's ASGI view with our typed context."""

    def __init__(self, app: Starlette, settings: Settings) -> None:
        super().__init__(
            build_schema(
                max_depth=settings.max_query_depth,
                max_tokens=settings.max_query_tokens,
                max_aliases=settings.max_query_aliases,
                max_cost=settings.max_query_cost,
                introspection=settings.introspection,
                field_suggestions=settings.field_suggestions,
                tracing=tracing_on(),
            ),
            max_body_bytes=settings.max_body_bytes,
            max_query_string_bytes=settings.max_query_string_bytes,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
        )
        self.app = app
        self.settings = settings
        self.sockets = SocketsPerAddress(settings.websockets_per_address)
        self.persisted_queries = persisted_queries_for(settings, lambda: app.state.runtime.redis)
        self.response_cache: ResponseCache | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        address = client_address(HTTPConnection(scope), self.settings.trusted_proxy_networks)
        with self.sockets.hold(address) as admitted:
            if not admitted:
                # Before the handshake is accepted: the server answers HTTP 403.
                await WebSocket(scope, receive, send).close(code=1008)
                return
            await super().__call__(scope, receive, send)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        run = super().execute_single

        async def run_with(data: GraphQLRequestData) -> ExecutionResult:
            return await run(request, request_adapter, sub_response, context, root_value, data)

        result = None
        if self.response_cache is not None:
            # A patient's schedules: the kept public answer with their verdicts laid over it.
            result = await overlaid(request_data, context, self.response_cache, run_with)
        if result is None:
            result = await run_with(request_data)
        # Tells the response cache (outside the router) whether anyone may get this answer.
        note_answer(request.scope, context, request_data, result)
        note_personal(request.scope, context, request_data, result)
        note_booking(request.scope, context, result)
        return result

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our page and the package's own copy of GraphiQL, not strawberry's from a CDN.
        return render_graphiql_page(request, self.settings)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        runtime: Runtime = self.app.state.runtime
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            runtime=runtime,
            loaders=DataLoaders(runtime),
        )


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    self_transport: bool = False,
    on_startup: RuntimeHook | None = None,
    engine: AsyncEngine | None = None,
) -> BffApp:
    """Build the app. `self_transport` routes outbound HTTP back into this app (tests: the
    embedded simulators answer without a listening socket). `engine`, when given, is the
    database's engine, owned by the caller, who disposes of it (tests keep one per database:
    SQLAlchemy keeps each statement's compiled form per engine)."""
    settings = settings or Settings()
    refuse_unsafe_production(settings)
    clock = clock or Clock(settings.tz)
    configure_logging(
        settings.log_level, json=settings.log_json, error_log_path=settings.error_log_path
    )
    configure_tracing(settings)

    sims = _simulators(settings, clock) if settings.embedded_simulators else {}
    sim_store = _simulator_store(settings, sims)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if sim_store is not None:
                # First in, last out: saved after the jobs and the runtime have stopped.
                await stack.enter_async_context(sim_store.autosave())
            transport: httpx.AsyncBaseTransport | None = (
                httpx.ASGITransport(app=app) if self_transport else None
            )
            if transport is None and sims:
                # The datasources' calls to the simulators under /sim: in the process.
                network = PooledTransport(limits=LIMITS)
                transport = EmbeddedSimulators(app, simulator_base_urls(settings), network)
            runtime = await stack.enter_async_context(
                open_runtime(settings, clock, transport=transport, engine=engine)
            )
            app.state.runtime = runtime
            if settings.response_cache:
                await stack.enter_async_context(response_cache.attached(runtime))
                personal_answers.attach(runtime)
                stack.callback(personal_answers.detach)
                booking_door.attach(runtime)
                stack.callback(booking_door.detach)
            _connect_simulators(sims, runtime)
            if settings.auto_migrate:
                await _migrate(settings)
            if settings.run_jobs_in_process or settings.broker_url:
                from hospital_bff.jobs.worker import in_process_jobs

                app.state.broker = await stack.enter_async_context(
                    in_process_jobs(runtime, scheduler=settings.scheduler_enabled)
                )
            if on_startup is not None:
                result = on_startup(runtime)
                if asyncio.iscoroutine(result):
                    await result
            if settings.warm_connections:
                # Before the freeze below: the connections' objects are frozen with the rest.
                await warm_pools.warm(runtime.engine, runtime.redis, settings.warm_connections)
            watch_pauses()
            if settings.gc_freeze_after_start and isinstance(app, BffApp):
                freeze_start_up_heap()
                # Collections timed by the requests in flight (gc_pauses.py).
                app.quiet = QuietCollections.deferring()
                app.quiet.start()
                stack.callback(app.quiet.close)
            # Under uvicorn, a SIGTERM closes the WebSockets with 1001 before it drains.
            stack.callback(close_websockets_on_sigterm())
            log.info(
                "started",
                database=settings.database_url.split("@")[-1],
                redis=bool(settings.redis_url),
            )
            yield
            log.info("stopping")

    response_cache = ResponseCache.from_settings(settings)
    personal_answers = PersonalAnswers(schedules_seconds=float(settings.cache_remaining_ttl))
    # GraphQL's door sheds load; /fhir's 503s ask clients to wait as long as its refusals do.
    door = front_door(settings)
    booking_door = BookingDoor()
    app = BffApp(lifespan=lifespan)
    graphql = BffGraphQL(app, settings)
    if settings.response_cache:
        graphql.response_cache = response_cache
    routes: list[Any] = [
        Route("/", lambda _r: RedirectResponse("/graphql")),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        # Every method: the view answers the others 405 with `Allow`, as GraphQL JSON.
        Route("/graphql", graphql),
    ]
    if settings.fhir_enabled:
        routes.extend(
            fhir_routes(lambda: app.state.runtime, settings.public_url, lambda: door.retry_after)
        )
    if settings.graphiql:
        routes.append(graphiql_static_files())
    if settings.h5_page and (page := h5_page()) is not None:
        routes.append(page)
    metrics = main_port_endpoint(settings)
    if metrics is not None:
        routes.append(Route("/metrics", metrics))
    app.router.routes.extend(routes)
    app.router.routes.extend(webhook_routes())
    app.router.routes.append(WebSocketRoute("/graphql", graphql))
    for name, sim in sims.items():
        mounted = sim_store.track(sim) if sim_store is not None else sim
        app.simulators = {**app.simulators, name: Mount(f"/sim/{name}", app=mounted)}
        app.router.routes.append(app.simulators[name])
    app.state.settings = settings
    app.state.simulators = sims
    app.state.response_cache = response_cache
    app.state.personal_answers = personal_answers
    app.state.front_door = door
    app.state.booking_door = booking_door
    for middleware in reversed(http_middleware(settings)):
        app.add_middleware(middleware.cls, *middleware.args, **middleware.kwargs)
    # A signed-in patient's repeated question, inside the fill (which leaves personal ones to it).
    app.add_middleware(PersonalAnswersMiddleware, answers=personal_answers)
    # A miss is filled outside CORS and gzip, so what is kept is the answer as sent (compressed
    # once, keyed by Accept-Encoding and Origin), and inside the request id for the view's logs.
    app.add_middleware(ResponseCacheFill, cache=response_cache)
    # The bank's and the HIS's POSTs, straight to their handlers (inside the request id).
    app.add_middleware(WebhookLane)
    # Outermost but for the cache: a refused preflight or a compressed answer carries the id.
    app.add_middleware(RequestIdMiddleware)
    # It sees every WebSocket, to close each with 1001 when the server stops.
    app.add_middleware(GoingAwayMiddleware)
    # Just inside the response cache: an overloaded process refuses a miss before it runs.
    app.add_middleware(SheddingMiddleware, door=door)
    # Outside the door: SLOT_FULL for a sold-out slot is never refused as overload.
    app.add_middleware(BookingDoorMiddleware, door=booking_door)
    if tracing_on():
        # Outside all of ours: a kept answer is sent before anything else of ours runs.
        app.add_middleware(
            ResponseCacheMiddleware, cache=response_cache, max_body_bytes=settings.max_body_bytes
        )
        # Outermost: the request's span encloses everything it causes, kept answers too.
        tracing_middleware, options = asgi_middleware()
        app.add_middleware(tracing_middleware, **options)
    else:
        # In front of Starlette itself: a kept answer is sent before anything else runs.
        app.front = ResponseCacheMiddleware(
            app.behind_front, cache=response_cache, max_body_bytes=settings.max_body_bytes
        )
    return app


async def _migrate(settings: Settings) -> None:
    from hospital_bff.store.migrate import upgrade

    await asyncio.to_thread(upgrade, settings.sync_database_url)


def _connect_simulators(sims: dict[str, Starlette], runtime: Runtime) -> None:
    """The simulators' outbound calls (webhooks) go through the process's shared client."""
    if "his" in sims:
        sims["his"].state.his.http = runtime.http
    if "bank" in sims:
        sims["bank"].state.bank_notifier.use(runtime.http)


def _simulators(settings: Settings, clock: Clock) -> dict[str, Starlette]:
    from hospital_bff.datasources.wechatpay_crypto import ensure_demo_keys
    from hospital_bff.simulators.bank import create_bank_app
    from hospital_bff.simulators.his import create_his_app
    from hospital_bff.simulators.wechat import create_wechat_app

    keys = ensure_demo_keys(settings.bank_keys_dir, merchant_serial=settings.bank_merchant_serial)
    sims = {
        "bank": create_bank_app(
            clock=clock,
            keys=keys,
            apiv3_key=settings.bank_apiv3_key.get_secret_value(),
            mch_id=settings.bank_mch_id,
            public_base_url=f"{settings.public_url}/sim/bank",
        ),
        "his": create_his_app(
            clock=clock,
            webhook_url=f"{settings.public_url}/webhooks/his",
            webhook_secret=settings.his_webhook_secret.get_secret_value(),
            api_key=settings.his_api_key.get_secret_value(),
            seed=settings.demo_data,
        ),
        "wechat": create_wechat_app(
            clock=clock,
            app_id=settings.wechat_app_id,
            app_secret=settings.wechat_app_secret.get_secret_value(),
            templates=settings.wechat_push_templates.values(),
            one_off_templates=settings.wechat_push_one_off_templates,
            web_auth_domains=_hostnames(settings.public_url),
            demo_people=settings.demo_data,
        ),
    }
    if settings.alipay_app_id:
        from hospital_bff.simulators.alipay import create_demo_alipay_app

        sims["alipay"] = create_demo_alipay_app(settings, clock)
    return sims


def _simulator_store(settings: Settings, sims: dict[str, Starlette]) -> SimulatorStore | None:
    """With a state directory (the demo commands set one) the simulators keep their records
    across restarts, as the database keeps ours."""
    if not sims or settings.simulator_state_dir is None:
        return None
    from hospital_bff.simulators.persistence import simulator_store

    return simulator_store(settings.simulator_state_dir, sims)


def _hostnames(*urls: str) -> set[str]:
    return {host for url in urls if (host := urlsplit(url).hostname)}
