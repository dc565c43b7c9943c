"""Settings, read once from the environment (prefix ``BFF_``) and passed around explicitly."""

from __future__ import annotations

from datetime import time
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The embedded default keeps its state in the working directory, so a newcomer's
# `hospital-bff serve` needs no set-up and leaves one folder behind.
DEFAULT_STATE_DIR = Path(".hospital-bff")


class Settings(BaseSettings):
    """Everything an operator can set; every field has a safe default for the embedded mode."""

    model_config = SettingsConfigDict(env_prefix="BFF_", env_file=".env", extra="ignore")

    # --- where things live ---------------------------------------------------------------
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_STATE_DIR}/bff.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///file.db or postgresql+asyncpg://...",
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db; empty for the in-process stand-in"
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
    embedded_simulators: bool = Field(
        default=True, description="Mount the simulators under /sim in the API server"
    )
    demo_data: bool = Field(default=True, description="Seed the embedded simulators")
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
    place_hold_lease_seconds: int = Field(
        default=30,
        description="A place held for a booking whose order has not committed by then "
        "(the process died half-way) is given back by the sweep",
    )
    confirm_deadline_seconds: int = Field(
        default=900,
        description="A paid order the HIS has not confirmed (and has no record of) "
        "by then is refunded",
    )
    reconcile_after: time = Field(
        default=time(10, 0),
        description="The bank's trade bill for a day is ready the next morning (WeChat: ~10:00)",
    )
    reconcile_days_back: int = Field(
        default=3, description="Days not yet reconciled are tried again for this many days"
    )

    # --- limits ----------------------------------------------------------------------------------
    max_patients_per_user: int = 5
    max_active_per_schedule: int = 1
    max_per_department_per_day: int = 1
    max_per_day: int = 3
    no_show_limit: int = 3
    no_show_window_days: int = 90
    no_show_restriction_days: int = 90
    verify_attempts_per_hour: int = 10
    max_query_depth: int = 12
    max_query_tokens: int = 2000

    # --- cache lifetimes (seconds) ----------------------------------------------------------------
    cache_catalogue_ttl: int = 300
    cache_remaining_ttl: int = 3

    # --- outbound HTTP ------------------------------------------------------------------------
    http_timeout_seconds: float = 3.0
    http_connect_timeout_seconds: float = 1.0
    http_read_retries: int = 2
    breaker_failure_threshold: int = 5
    breaker_reset_seconds: float = 10.0

    log_level: str = "INFO"
    log_json: bool = False

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sync_database_url(self) -> str:
        """The same database for synchronous tools (Alembic)."""
        return self.database_url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
