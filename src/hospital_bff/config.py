"""Settings, read once from the environment (prefix ``BFF_``) and passed around explicitly.

Over 400 lines: every setting in one class, so that an operator (and README's table) finds
each variable, its default and its check in one place.
"""

from __future__ import annotations

import json
import re
from datetime import time
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The embedded default keeps its state in the working directory, so a newcomer's
# `hospital-bff serve` needs no set-up and leaves one folder behind.
DEFAULT_STATE_DIR = Path(".hospital-bff")


class Settings(BaseSettings):
    """Everything an operator can set; every field has a safe default for the embedded mode."""

    model_config = SettingsConfigDict(env_prefix="BFF_", env_file=".env", extra="ignore")

    # --- demo or production (hospital_bff.production holds what production demands) ----------
    env: Literal["demo", "production"] = Field(
        default="demo",
        description="production refuses to start on demo secrets and turns the demo aids off",
    )
    graphiql: bool = Field(
        default=True, description="Serve GraphiQL at GET /graphql (default: off in production)"
    )
    h5_page: bool = Field(
        default=True,
        description="Serve the patient's H5 page (web/, when built) at /h5/ (default: off in "
        "production)",
    )
    fhir_enabled: bool = Field(
        default=True,
        description="Serve the FHIR R4 front door at /fhir (docs/fhir.md); on in production too, "
        "as it asks the same tokens as /graphql",
    )
    introspection: bool = Field(
        default=True, description="Answer __schema/__type queries (default: off in production)"
    )
    field_suggestions: bool = Field(
        default=True,
        description="'Did you mean ...?' in GraphQL errors (default: off in production)",
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token /metrics on the main port asks for"
    )
    metrics_port: int | None = Field(
        default=None,
        description="Serve /metrics on this port of its own instead of the main port",
    )
    metrics_host: str = Field(default="127.0.0.1", description="Interface of BFF_METRICS_PORT")

    # --- where things live ---------------------------------------------------------------
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_STATE_DIR}/bff.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///file.db or postgresql+asyncpg://...",
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db; empty for the in-process stand-in"
    )
    redis_timeout_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How long one Redis command may wait for its answer: a hung (not refused) "
        "Redis then reads as away (caches miss, rate limits answer TRY_AGAIN) instead of "
        "holding requests. The event hub's blocking listen is exempt (it pings when idle).",
    )
    redis_connect_timeout_seconds: float = Field(
        default=1.0, gt=0, description="How long opening a connection to Redis may take"
    )
    broker_url: str | None = Field(
        default=None, description="amqp://... (RabbitMQ), redis://... or empty for in-process"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where the outside world (bank, HIS) reaches this server, for webhooks",
    )

    # --- the outside systems ---------------------------------------------------------------
    his_base_url: str = "http://127.0.0.1:8000/sim/his"
    bank_base_url: str = "http://127.0.0.1:8000/sim/bank"
    wechat_base_url: str = "http://127.0.0.1:8000/sim/wechat"
    wechat_web_url: str | None = Field(
        default=None,
        description="Where a browser opens the simulated WeChat's OAuth page (GraphiQL's demo "
        "sign-in) when that differs from BFF_WECHAT_BASE_URL, the address this server calls "
        "(a container name in compose); empty: /sim/wechat when the simulators are embedded, "
        "else BFF_WECHAT_BASE_URL",
    )
    embedded_simulators: bool = Field(
        default=True,
        description="Mount the simulators under /sim (default: off in production)",
    )
    demo_data: bool = Field(
        default=True, description="Seed the embedded simulators (default: off in production)"
    )
    simulator_state_dir: Path | None = Field(
        default=None,
        description="Where the simulators keep their records across restarts (the demo "
        "commands set ./.hospital-bff/simulators); unset: in memory only",
    )
    run_jobs_in_process: bool = Field(
        default=True, description="Run job workers and the scheduler inside the API process"
    )
    scheduler_enabled: bool = Field(default=True, description="Run the periodic sweeps")
    auto_migrate: bool = Field(
        default=True,
        description="Run the migrations at start-up (off when several processes share PostgreSQL)",
    )

    wechat_app_id: str = "wx-hospital-demo"
    wechat_app_secret: SecretStr = SecretStr("demo-wechat-secret")
    # Alipay sign-in (optional: off in production unless BFF_ALIPAY_APP_ID is set).
    alipay_gateway_url: str = Field(
        default="http://127.0.0.1:8000/sim/alipay/gateway.do",
        description="Alipay's open-platform gateway (production default: Alipay's own)",
    )
    alipay_app_id: str | None = Field(
        default="2021000000000001",
        description="The hospital's Alipay app; unset in production: Alipay sign-in is off",
    )
    alipay_app_private_key_path: Path | None = Field(
        default=None,
        description="The app's RSA2 private key (PEM or bare base64); demo: made in the keys dir",
    )
    alipay_public_key_path: Path | None = Field(
        default=None,
        description="Alipay's public key (PEM or bare base64); demo: the simulator's",
    )
    # --- notices pushed to the phone through WeChat (services/notice_push.py) ---------------------
    wechat_push: Literal["bizsend", "template", "miniprogram", "off"] = Field(
        default="bizsend",
        description="How notices reach the phone: official-account subscription notices "
        "(bizsend), template messages, mini-program subscription messages, or not at all",
    )
    wechat_push_templates: dict[str, str] = Field(
        default_factory=lambda: {
            "ORDER_CONFIRMED": "tpl-order-confirmed-demo",
            "ORDER_EXPIRED": "tpl-order-closed-demo",
            "ORDER_CANCELLED": "tpl-order-closed-demo",
            "ORDER_FAILED": "tpl-order-failed-demo",
            "REFUND_SUCCEEDED": "tpl-refund-demo",
            "EXPERT_SUSPENDED": "tpl-expert-suspended-demo",
            "REPORT_READY": "tpl-report-ready-demo",
            "VISIT_REMINDER": "tpl-visit-reminder-demo",
            "WAITLIST_OFFER": "tpl-waitlist-offer-demo",
            "QUEUE_NEAR": "tpl-queue-demo",
            "QUEUE_CALLED": "tpl-queue-demo",
        },
        description="JSON map notice kind -> WeChat template id; a kind not listed is not pushed",
    )
    wechat_push_one_off_templates: list[str] = Field(
        default_factory=list,
        description="Template ids that are one-off subscriptions (one acceptance, one message); "
        "the others are long-term (the medical category may use long-term ones)",
    )
    wechat_push_page: str = Field(
        default="pages/notices/index",
        description="Page (mini-program path, or URL for template messages) a tap opens",
    )
    wechat_push_miniprogram_app_id: str | None = Field(
        default=None,
        description="Template messages only: open this mini-program (with wechat_push_page)",
    )
    wechat_push_attempts: int = Field(
        default=5,
        description="Tries of one notice while WeChat is unreachable before it is FAILED",
    )
    wechat_token_refresh_margin_seconds: int = Field(
        default=300,
        description="The cached access token is refreshed this long before WeChat's expiry",
    )
    his_api_key: SecretStr = SecretStr("demo-his-key")
    his_webhook_secret: SecretStr = SecretStr("demo-his-webhook-secret")

    bank_mch_id: str = "1900000001"
    bank_app_id: str = "wx-hospital-demo"
    bank_apiv3_key: SecretStr = SecretStr("demo-apiv3-key-32-bytes-long-ok!")
    bank_merchant_key_path: Path | None = None
    bank_merchant_serial: str = "DEMO-MERCHANT-SERIAL"
    bank_platform_cert_path: Path | None = None
    bank_keys_dir: Path = DEFAULT_STATE_DIR / "keys"

    # --- secrets the BFF owns -----------------------------------------------------------------
    jwt_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {"k1": SecretStr("demo-jwt-signing-key-change-me-please-0001")},
        description="Key id -> HMAC key; the first is used to sign, all are accepted",
    )
    jwt_active_kid: str = "k1"
    jwt_ttl_seconds: int = 7 * 24 * 3600
    # Staff tokens have keys of their own: whoever holds the patients' key cannot act as staff.
    staff_jwt_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {"s1": SecretStr("demo-staff-jwt-signing-key-change-me-0001")},
        description="Key id -> HMAC key for staff tokens; the active one signs, all verify",
    )
    staff_jwt_active_kid: str = "s1"
    staff_token_ttl_seconds: int = Field(
        default=8 * 3600, description="A staff token lasts one shift, not a week"
    )
    staff_oidc_issuer: str | None = Field(
        default=None,
        description="The hospital's OpenID Connect issuer; its tokens are accepted for staff",
    )
    staff_oidc_audience: str | None = Field(
        default=None, description="The `aud` the OIDC provider puts in tokens for this BFF"
    )
    staff_oidc_jwks_url: str | None = Field(
        default=None, description="Else discovered from {issuer}/.well-known/openid-configuration"
    )
    staff_oidc_jwks_refetch_seconds: int = Field(
        default=300, description="An unknown key id refetches the JWKS at most this often"
    )
    staff_oidc_auto_provision: bool = Field(
        default=False,
        description="Create an active staff member for an unknown OIDC subject (off: add them)",
    )
    pii_key: SecretStr = Field(
        default=SecretStr("ZGVtby1waWkta2V5LTMyLWJ5dGVzLWxvbmctMDAwMDA="),
        description="base64 of 32 bytes: AES-GCM key for national ID numbers",
    )
    pii_hmac_key: SecretStr = SecretStr("demo-pii-lookup-hmac-key")

    # --- the hospital -------------------------------------------------------------------------
    timezone: str = "Asia/Shanghai"
    payment_window_seconds: int = 600
    payment_poll_delay_seconds: int = 60
    payment_close_settle_seconds: int = Field(
        default=300,
        description="A closed bank order is asked about until this long after its close: "
        "a payment started before the close can still land",
    )
    waitlist_offer_minutes: int = Field(
        default=5,
        ge=1,
        description="How long a place that came back is held for the waiter it is offered to "
        "(services/waitlist.py); declined or lapsed, it passes to the next waiter",
    )
    waitlist_max_days: int = Field(
        default=14,
        ge=1,
        description="The longest date range (inclusive) a patient may wait on for one expert",
    )
    place_hold_lease_seconds: int = Field(
        default=30,
        description="A place held for a booking whose order has not committed by then "
        "(the process died half-way) is given back by the sweep",
    )
    gc_freeze_after_start: bool = Field(
        default=False,
        description="Freeze what start-up allocated out of later garbage collections "
        "(`hospital-bff serve` turns it on; gc_pauses.py)",
    )
    warm_connections: int = Field(
        default=0,
        ge=0,
        description="Connections to PostgreSQL and to Redis each opened at start instead of by "
        "the first burst (`hospital-bff serve` opens the database pool's size; warm_pools.py)",
    )
    slot_gate_ttl_seconds: float = Field(
        default=3.0,
        description="How long the slot gate trusts its count of a slot's places before it "
        "reads the database's holds again (services/slot_gate.py)",
    )
    booking_concurrency: int = Field(
        default=24,
        description="Bookings one process works on at once past the slot gate; more wait",
    )
    booking_admission_wait_seconds: float = Field(
        default=0.5,
        description="How long a booking waits for its turn before it answers TRY_AGAIN",
    )
    shed_latency_budget_seconds: float = Field(
        default=0.5,
        description="How long a GraphQL request may expect to wait behind this process's work "
        "before it is answered TRY_AGAIN at the door instead (shedding.py)",
    )
    shed_min_in_flight: int = Field(
        default=8,
        ge=1,
        description="GraphQL requests let in at once whatever the measured rate (a quiet "
        "process, or one that has not measured yet)",
    )
    shed_max_in_flight: int = Field(
        default=512,
        ge=1,
        description="GraphQL requests let in at once at most, however fast the process finishes",
    )
    confirm_deadline_seconds: int = Field(
        default=900,
        description="A paid order the HIS has not confirmed (and has no record of) "
        "by then is refunded",
    )
    sweep_intervals: dict[str, int] = Field(
        default_factory=dict,
        description="Seconds between runs of a named sweep (jobs/scheduler.py SWEEPS), "
        'overriding its default; JSON, e.g. {"expire_unpaid_orders": 5}',
    )
    scheduler_tick_seconds: float = Field(
        default=5.0, description="How often each process looks for a sweep that is due"
    )
    sweep_retry_after_seconds: int = Field(
        default=60,
        description="A paid order not confirmed, an immediate refund not answered or a "
        "cancellation not finished this long is taken up again by its sweep",
    )
    reconcile_after: time = Field(
        default=time(10, 0),
        description="The bank's trade bill for a day is ready the next morning (WeChat: ~10:00)",
    )
    his_schedule_check_days: int = Field(
        default=8,
        ge=0,
        description="Schedules with open orders from today to this many days ahead are "
        "compared with the HIS's statuses, so a suspension whose event was lost is found",
    )
    reconcile_days_back: int = Field(
        default=3, description="Days not yet reconciled are tried again for this many days"
    )

    # --- check-in and the queue on the visit day (services/queue.py) ------------------------------
    check_in_opens_minutes: int = Field(
        default=60,
        ge=0,
        le=24 * 60,
        description="Check-in opens this many minutes before the slot starts; it closes when "
        "the slot ends",
    )
    check_in_radius_meters: int | None = Field(
        default=None,
        gt=0,
        description="When set (with the hospital's latitude and longitude), check-in needs the "
        "phone's coordinates within this distance of the hospital; unset: off",
    )
    hospital_latitude: float | None = Field(
        default=None, ge=-90, le=90, description="The hospital's latitude (WGS-84), for check-in"
    )
    hospital_longitude: float | None = Field(
        default=None, ge=-180, le=180, description="The hospital's longitude (WGS-84), for check-in"
    )
    queue_near_ahead: int = Field(
        default=3,
        ge=0,
        description="A checked-in patient is told (once) when this many or fewer wait ahead",
    )

    # --- limits ----------------------------------------------------------------------------------
    max_patients_per_user: int = 5
    max_active_per_schedule: int = 1
    max_per_department_per_day: int = 1
    max_per_day: int = 3
    no_show_limit: int = 3
    no_show_window_days: int = 90
    no_show_restriction_days: int = 90
    verify_attempts_per_hour: int = Field(
        default=10,
        description="Identity checks (verify and bind) per account per hour; kept in the database",
    )
    verify_attempts_per_address_per_hour: int = Field(
        default=30, description="Failed identity checks per client address per hour (Redis)"
    )
    sign_in_failures_per_address: int = Field(
        default=20, description="Refused sign-in codes per client address per 10 minutes (Redis)"
    )
    sign_ins_per_openid_per_hour: int = Field(
        default=30, description="Sign-ins of one outside account per hour (Redis)"
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated CIDRs of the reverse proxies whose X-Forwarded-For is "
        "believed; empty: the TCP peer is the client",
    )
    max_query_depth: int = Field(
        default=12, description="Fields on the longest path of a GraphQL operation"
    )
    max_query_tokens: int = 2000
    max_query_aliases: int = Field(
        default=30, description="Aliased fields in a GraphQL operation, fragments written out"
    )
    max_query_cost: int = Field(
        default=10_000,
        description="Fields an operation may resolve, lists and pages multiplied out "
        "(model in resolvers/query_limits.py); the contract's largest, Orders at 100, is 6801",
    )
    max_body_bytes: int = Field(
        default=256 * 1024,
        description="Largest GraphQL request body, and WebSocket message; larger gets 413",
    )
    max_query_string_bytes: int = Field(
        default=16 * 1024, description="Longest query string of a GraphQL GET; longer gets 414"
    )
    # Apollo's persisted queries (hospital_bff.persisted_queries; docs/operations.md).
    persisted_queries: Literal["off", "apq", "only"] = Field(
        default="apq",
        description="off, apq (Apollo's automatic persisted queries, kept in Redis), or only "
        "(nothing but the operations of BFF_PERSISTED_QUERY_MANIFEST)",
    )
    persisted_query_manifest: Path | None = Field(
        default=None,
        description="Apollo persisted-query manifest (`hospital-bff export-manifest`); "
        "required by only, served by hash under apq too",
    )
    persisted_query_ttl_seconds: int = Field(
        default=7 * 24 * 3600, gt=0, description="How long a registered APQ query is kept"
    )
    # Browsers (hospital_bff.http_middleware; README "GraphQL over HTTP").
    cors_origins: str = Field(
        default="",
        description="Comma-separated origins (https://h5.example.org) whose pages may call "
        '/graphql from a browser, or the same as a JSON list (["https://h5.example.org"]); '
        "empty: no CORS headers at all (the apps are not browsers)",
    )
    gzip_minimum_bytes: int = Field(
        default=1024,
        ge=0,
        description="Answers at least this long are gzipped for clients that accept it",
    )
    max_webhook_body_bytes: int = Field(
        default=64 * 1024, description="Largest bank or HIS notification body; larger gets 413"
    )
    # Open subscriptions (refused beyond with RATE_LIMITED; counted in each server process).
    subscriptions_per_connection: int = Field(
        default=20, description="Open subscriptions on one WebSocket"
    )
    subscriptions_per_user: int = Field(
        default=40, description="Open subscriptions of one signed-in account, per process"
    )
    subscriptions_per_address: int = Field(
        default=60, description="Open anonymous subscriptions from one client address, per process"
    )
    websockets_per_address: int = Field(
        default=30, description="Open WebSockets from one client address, per process"
    )
    subscriptions_per_process: int = Field(
        default=20000, description="Open subscriptions in one server process, all callers"
    )
    subscription_queue_size: int = Field(
        default=64,
        description="Events buffered per subscription; a client further behind is cut off",
    )

    # --- cache lifetimes (seconds) ----------------------------------------------------------------
    cache_catalogue_ttl: int = 300
    cache_remaining_ttl: int = 3
    cache_his_registrations_ttl: int = Field(
        default=5,
        description="Seconds a patient's active registrations at the HIS (every channel) are "
        "reused by the booking limits",
    )

    # --- the whole-response cache of the public catalogue (hospital_bff.response_cache) ---------
    response_cache: bool = Field(
        default=True,
        description="Keep whole answers of public catalogue queries (departments, experts, "
        "schedules without a patient), encoded, until what they show changes",
    )
    response_cache_max_bytes: int = Field(
        default=64 * 1024 * 1024, description="Memory the kept answers may take, per process"
    )
    response_cache_max_seconds: int = Field(
        default=300,
        description="Longest an answer is kept; answers with remaining counts live no longer "
        "than the schedules they were read from (cache_remaining_ttl)",
    )

    # --- outbound HTTP ------------------------------------------------------------------------
    http_timeout_seconds: float = 3.0
    http_connect_timeout_seconds: float = 1.0
    http_read_retries: int = 2
    breaker_failure_threshold: int = 5
    breaker_reset_seconds: float = 10.0

    tracing_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector (e.g. http://otel-collector:4318) traces go to; "
        "OTEL_EXPORTER_OTLP_ENDPOINT does the same; neither set: no tracing (tracing.py)",
    )
    probe_file: Path | None = Field(
        default=None,
        description="Where a process says how the container's health check probes it, and a "
        "worker writes its heartbeat (hospital_bff/probe.py; the image sets it)",
    )

    log_level: str = "INFO"
    log_json: bool = False
    # ERROR lines go to stderr (normal ones to stdout); also appended to this file when set.
    error_log_path: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _production_defaults(cls, data: Any) -> Any:
        from hospital_bff.production import with_production_defaults

        return with_production_defaults(data)

    @model_validator(mode="after")
    def _check_in_place(self) -> Settings:
        # A radius around no point would refuse (or admit) every check-in: stop the start-up.
        if self.check_in_radius_meters is not None and (
            self.hospital_latitude is None or self.hospital_longitude is None
        ):
            raise ValueError(
                "BFF_CHECK_IN_RADIUS_METERS needs BFF_HOSPITAL_LATITUDE and BFF_HOSPITAL_LONGITUDE"
            )
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @field_validator("trusted_proxies")
    @classmethod
    def _cidrs(cls, value: str) -> str:
        # A typo must stop the start-up, not silently trust nobody (or everybody).
        for part in value.split(","):
            if part.strip():
                ip_network(part.strip(), strict=False)
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> str:
        # The JSON-list form is how pydantic-settings spells a list elsewhere: accepted, kept
        # as the comma-separated form.
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"BFF_CORS_ORIGINS: not a JSON list of origins: {exc}") from exc
        if isinstance(value, list):
            if not all(isinstance(origin, str) for origin in value):
                raise ValueError("BFF_CORS_ORIGINS: a JSON list holds origins as strings")
            value = ",".join(value)
        if not isinstance(value, str):
            raise ValueError("BFF_CORS_ORIGINS: comma-separated origins or a JSON list of them")
        # A browser sends an Origin exactly; a path or a typo would match nothing, silently.
        for origin in _comma_list(value):
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"BFF_CORS_ORIGINS: {origin!r} is not an origin like https://host")
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return _comma_list(self.cors_origins)

    @cached_property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(
            ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
            if part.strip()
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sync_database_url(self) -> str:
        """The same database for synchronous tools (Alembic)."""
        return self.database_url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


# scheme://host[:port], nothing after: what a browser's Origin header holds.
_ORIGIN = re.compile(r"https?://[^/\s:]+(:\d{1,5})?")


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
