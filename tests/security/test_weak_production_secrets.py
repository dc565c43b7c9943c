"""Production refuses signing keys too short to be secret, as it refuses the demo's.

Found against a production deployment: BFF_PII_HMAC_KEY=c and BFF_HIS_WEBHOOK_SECRET=d (set,
and not the demo values) started and served; under a one-character webhook secret, forging the
HIS's SCHEDULE_SUSPENDED or VISIT_MISSED takes a handful of guesses at /webhooks/his.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

import pytest

from hospital_bff.config import Settings
from hospital_bff.datasources.wechatpay_crypto import (
    generate_private_key,
    private_key_to_pem,
    public_key_to_pem,
)
from hospital_bff.production import MIN_LENGTHS, SECRETS, production_problems


def strong_values(tmp_path: Path) -> dict[str, Any]:
    merchant_path = tmp_path / "apiclient_key.pem"
    merchant_path.write_bytes(private_key_to_pem(generate_private_key()))
    platform_path = tmp_path / "platform_public_key.pem"
    platform_path.write_bytes(public_key_to_pem(generate_private_key().public_key()))
    return {
        "env": "production",
        "public_url": "https://bff.hospital.example",
        "his_base_url": "https://his.hospital.example/webapi",
        "jwt_keys": {"k1": secrets.token_urlsafe(32)},
        "staff_jwt_keys": {"s1": secrets.token_urlsafe(32)},
        "pii_key": base64.b64encode(os.urandom(32)).decode(),
        "pii_hmac_key": secrets.token_urlsafe(32),
        "his_api_key": secrets.token_urlsafe(24),
        "his_webhook_secret": secrets.token_urlsafe(12),  # 16 characters: the least taken
        "wechat_app_secret": secrets.token_hex(16),
        "bank_apiv3_key": secrets.token_hex(16),
        "bank_merchant_key_path": merchant_path,
        "bank_platform_cert_path": platform_path,
    }


def test_strong_secrets_start(tmp_path: Path) -> None:
    assert production_problems(Settings(_env_file=None, **strong_values(tmp_path))) == []


@pytest.mark.parametrize("field", sorted(MIN_LENGTHS))
def test_a_short_secret_is_named(field: str, tmp_path: Path) -> None:
    values = strong_values(tmp_path)
    short = "x" * (MIN_LENGTHS[field] - 1)
    values[field] = {"k1": short} if isinstance(values[field], dict) else short
    env_var = next(s.env_var for s in SECRETS if s.field == field)

    assert production_problems(Settings(_env_file=None, **values)) == [
        f"{env_var} is shorter than {MIN_LENGTHS[field]} characters"
    ]


def test_a_short_key_among_long_ones_is_named(tmp_path: Path) -> None:
    values = strong_values(tmp_path)
    values["staff_jwt_keys"] = {"s1": secrets.token_urlsafe(32), "s2": "short"}

    assert production_problems(Settings(_env_file=None, **values)) == [
        "BFF_STAFF_JWT_KEYS is shorter than 32 characters"
    ]


def test_demo_mode_takes_any_length(tmp_path: Path) -> None:
    values = {**strong_values(tmp_path), "env": "demo", "his_webhook_secret": "d"}

    assert production_problems(Settings(_env_file=None, **values)) == []
