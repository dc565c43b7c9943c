"""The shared resources of one process's event loop: engine, Redis, the outbound HTTP client
and the datasources and services built on them. The API's lifespan owns one; a worker's
event loop owns another."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.cache import Cache, create_pubsub_redis, create_redis
from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.datasources.alipay import AlipayClient
from hospital_bff.datasources.bank import BankClient
from hospital_bff.datasources.his import HisClient
from hospital_bff.datasources.http import CircuitBreaker, build_http_client
from hospital_bff.datasources.wechat import WechatClient
from hospital_bff.datasources.wechat_push import WechatPushClient
from hospital_bff.events import EventBus, EventHub
from hospital_bff.pii import PiiCipher
from hospital_bff.services.catalogue import CatalogueService
from hospital_bff.services.patient_claims import PatientClaims, claim_store
from hospital_bff.services.slot_gate import Admission, SlotGate, gate_store
from hospital_bff.services.staff_auth import StaffAuthenticator
from hospital_bff.store.db import create_engine, session_factory
from hospital_bff.subscription_limits import SubscriptionLimits, SubscriptionLimitValues
from hospital_bff.tokens import TokenService


@dataclass
class Runtime:
    """Everything a request or a job needs, built once per event loop."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: aioredis.Redis
    http: httpx.AsyncClient
    his: HisClient
    wechat: WechatClient
    wechat_push: WechatPushClient
    bank: BankClient
    cache: Cache
    events: EventBus
    catalogue: CatalogueService
    tokens: TokenService
    pii: PiiCipher
    staff_auth: StaffAuthenticator
    subscription_limits: SubscriptionLimits
    slot_gate: SlotGate
    patient_claims: PatientClaims
    extras: dict[str, Any] = field(default_factory=dict)
    # None when the hospital has no Alipay app: signIn(ALIPAY) then says it is not offered.
    alipay: AlipayClient | None = None


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    clock: Clock | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    engine: AsyncEngine | None = None,
) -> AsyncIterator[Runtime]:
    """Open the shared resources and close them in reverse order."""
    import base64

    clock = clock or Clock(settings.tz)
    own_engine = engine is None
    engine = engine or create_engine(settings.database_url)
    redis = create_redis(
        settings.redis_url,
        timeout=settings.redis_timeout_seconds,
        connect_timeout=settings.redis_connect_timeout_seconds,
    )
    http = build_http_client(
        settings.http_timeout_seconds, settings.http_connect_timeout_seconds, transport
    )
    breaker_args = (settings.breaker_failure_threshold, settings.breaker_reset_seconds)
    his = HisClient(
        http,
        settings.his_base_url,
        timeout=settings.http_timeout_seconds,
        read_retries=settings.http_read_retries,
        breaker=CircuitBreaker("his", *breaker_args),
        api_key=settings.his_api_key.get_secret_value(),
    )
    wechat = WechatClient(
        http,
        settings.wechat_base_url,
        app_id=settings.wechat_app_id,
        app_secret=settings.wechat_app_secret.get_secret_value(),
        timeout=settings.http_timeout_seconds,
        breaker=CircuitBreaker("wechat", *breaker_args),
    )
    cache = Cache(redis)
    sessions = session_factory(engine)
    hub = EventHub(
        create_pubsub_redis(
            settings.redis_url,
            client_name=f"hospital-bff-events-{os.getpid()}-{uuid.uuid4().hex[:6]}",
        ),
        queue_size=settings.subscription_queue_size,
    )
    events = EventBus(redis, hub)
    runtime = Runtime(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        redis=redis,
        http=http,
        his=his,
        wechat=wechat,
        wechat_push=WechatPushClient(
            http,
            settings.wechat_base_url,
            redis=redis,
            app_id=settings.wechat_app_id,
            app_secret=settings.wechat_app_secret.get_secret_value(),
            timeout=settings.http_timeout_seconds,
            breaker=CircuitBreaker("wechat_push", *breaker_args),
            refresh_margin_seconds=settings.wechat_token_refresh_margin_seconds,
        ),
        bank=BankClient.from_settings(http, settings, clock=clock),
        cache=cache,
        events=events,
        catalogue=CatalogueService(his, cache, settings, events),
        tokens=TokenService(
            {kid: key.get_secret_value() for kid, key in settings.jwt_keys.items()},
            settings.jwt_active_kid,
            settings.jwt_ttl_seconds,
            clock,
        ),
        pii=PiiCipher(
            base64.b64decode(settings.pii_key.get_secret_value()),
            settings.pii_hmac_key.get_secret_value().encode(),
        ),
        staff_auth=StaffAuthenticator.from_settings(settings, clock, http, sessions),
        subscription_limits=SubscriptionLimits(SubscriptionLimitValues.from_settings(settings)),
        alipay=AlipayClient.from_settings(http, settings, clock),
        slot_gate=SlotGate(
            gate_store(settings.redis_url, redis),
            settings.slot_gate_ttl_seconds,
            Admission(settings.booking_concurrency, settings.booking_admission_wait_seconds),
        ),
        patient_claims=PatientClaims(
            claim_store(settings.redis_url, redis), settings.place_hold_lease_seconds
        ),
    )
    try:
        yield runtime
    finally:
        await hub.aclose()  # ends open subscriptions before their Redis goes
        await http.aclose()
        await redis.aclose()
        if own_engine:
            await engine.dispose()
