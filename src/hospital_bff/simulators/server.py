"""The simulators alone (`hospital-bff sim`): HIS, bank, WeChat and Alipay under /his, /bank,
/wechat and /alipay, for several BFF processes to share. They call the BFF back at
BFF_SIM_BFF_URL, and keep their records in BFF_SIMULATOR_STATE_DIR when it is set."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import ensure_demo_keys
from hospital_bff.simulators.alipay import create_demo_alipay_app
from hospital_bff.simulators.bank import create_bank_app
from hospital_bff.simulators.his import create_his_app
from hospital_bff.simulators.persistence import simulator_store
from hospital_bff.simulators.wechat import create_wechat_app


def create_sim_server(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    clock = Clock(settings.tz)
    public = os.environ.get("BFF_SIM_PUBLIC_URL", "http://127.0.0.1:8100").rstrip("/")
    bff = os.environ.get("BFF_SIM_BFF_URL", settings.public_url).rstrip("/")
    keys = ensure_demo_keys(settings.bank_keys_dir, merchant_serial=settings.bank_merchant_serial)
    http = httpx.AsyncClient(timeout=5.0)
    his = create_his_app(
        clock=clock,
        webhook_url=f"{bff}/webhooks/his",
        webhook_secret=settings.his_webhook_secret.get_secret_value(),
        api_key=settings.his_api_key.get_secret_value(),
        seed=settings.demo_data,
        http=http,
    )
    bank = create_bank_app(
        clock=clock,
        keys=keys,
        apiv3_key=settings.bank_apiv3_key.get_secret_value(),
        mch_id=settings.bank_mch_id,
        public_base_url=f"{public}/bank",
        http=http,
    )
    wechat = create_wechat_app(
        clock=clock,
        app_id=settings.wechat_app_id,
        app_secret=settings.wechat_app_secret.get_secret_value(),
        templates=settings.wechat_push_templates.values(),
        one_off_templates=settings.wechat_push_one_off_templates,
        # Its consent page sends the user back to the BFF (GraphiQL's demo sign-in).
        web_auth_domains={host for host in [urlsplit(bff).hostname] if host},
        demo_people=settings.demo_data,
    )

    store = simulator_store(
        settings.simulator_state_dir, {"his": his, "bank": bank, "wechat": wechat}
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if store is None:
            yield
        else:
            async with store.autosave():
                yield
        await http.aclose()

    def kept(app: Starlette) -> ASGIApp:
        return store.track(app) if store is not None else app

    routes = [
        Mount("/his", app=kept(his)),
        Mount("/bank", app=kept(bank)),
        Mount("/wechat", app=kept(wechat)),
    ]
    if settings.alipay_app_id:
        routes.append(Mount("/alipay", app=create_demo_alipay_app(settings, clock)))
    return Starlette(routes=routes, lifespan=lifespan)
