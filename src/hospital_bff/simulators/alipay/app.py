"""The simulated Alipay gateway as an ASGI app: `/gateway.do`, and `/authorize` standing for the
user agreeing in Alipay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.routing import Route

from hospital_bff.clock import Clock
from hospital_bff.datasources.alipay import ensure_demo_alipay_keys
from hospital_bff.simulators.alipay import endpoints
from hospital_bff.simulators.alipay.rules import AlipayState

if TYPE_CHECKING:
    from hospital_bff.config import Settings


def create_alipay_app(
    *,
    clock: Clock,
    app_id: str,
    app_public_key: rsa.RSAPublicKey,
    alipay_key: rsa.RSAPrivateKey,
) -> Starlette:
    """The simulated Alipay gateway as an ASGI app; its state is `app.state.alipay`."""
    state = AlipayState(clock, app_id, app_public_key, alipay_key)

    app = Starlette(
        routes=[
            Route("/authorize", endpoints.authorize, methods=["POST"]),
            Route("/gateway.do", endpoints.gateway, methods=["GET", "POST"]),
        ]
    )
    app.state.alipay = state
    return app


def create_demo_alipay_app(settings: Settings, clock: Clock) -> Starlette:
    """The simulator with the embedded default's keys (the ones the demo's client uses)."""
    assert settings.alipay_app_id  # mounted only for a configured app
    keys = ensure_demo_alipay_keys(settings.bank_keys_dir)
    return create_alipay_app(
        clock=clock,
        app_id=settings.alipay_app_id,
        app_public_key=keys.app_public_key,
        alipay_key=keys.alipay_key,
    )
