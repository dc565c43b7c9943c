"""What `BFF_ENV=production` demands before a process starts.

The demo defaults in `config.py` are public (they are in this repository), so a production
process refuses to start while any secret below is unset or still its demo value, while a key
file is missing, or while a demo aid is switched on, and it names every offending variable in
one message. The demo aids are off by default in production, so an operator sets secrets and
URLs, never `...=false`.

Each table is one row per setting. To have production demand another secret, add a row to
`SECRETS`: its public demo value is the field's own default in `config.py`, written once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

if TYPE_CHECKING:
    from hospital_bff.config import Settings

PRODUCTION = "production"


@dataclass(frozen=True)
class Setting:
    """One field of `Settings` and the environment variable an operator sets it with."""

    field: str
    env_var: str


# Must be set, to something other than the public default the field declares.
SECRETS: tuple[Setting, ...] = (
    # The webhooks' and the bank's callbacks go here; never guessed from the bind address.
    Setting("public_url", "BFF_PUBLIC_URL"),
    # Each hospital's own HIS: there is no public address to default to, and the default is
    # the embedded simulator's.
    Setting("his_base_url", "BFF_HIS_BASE_URL"),
    Setting("jwt_keys", "BFF_JWT_KEYS"),
    Setting("staff_jwt_keys", "BFF_STAFF_JWT_KEYS"),
    Setting("pii_key", "BFF_PII_KEY"),
    Setting("pii_hmac_key", "BFF_PII_HMAC_KEY"),
    Setting("his_api_key", "BFF_HIS_API_KEY"),
    Setting("his_webhook_secret", "BFF_HIS_WEBHOOK_SECRET"),
    Setting("wechat_app_secret", "BFF_WECHAT_APP_SECRET"),
    Setting("bank_apiv3_key", "BFF_BANK_APIV3_KEY"),
)

# Secrets whose strength is ours to choose, with the least length production takes: a key
# of one character is "set" and not the demo's, yet forging a webhook under it takes a handful
# of guesses. 32 for our own HMAC keys (RFC 7518 3.2: a key as long as the hash); 16 for the
# secret the HIS shares with us, which its vendor may issue.
MIN_LENGTHS: dict[str, int] = {
    "jwt_keys": 32,
    "staff_jwt_keys": 32,
    "pii_hmac_key": 32,
    "his_webhook_secret": 16,
}

# Must be set and name a file this process can read (without them the bank client would
# make up demo keys of its own).
KEY_FILES: tuple[Setting, ...] = (
    Setting("bank_merchant_key_path", "BFF_BANK_MERCHANT_KEY_PATH"),
    Setting("bank_platform_cert_path", "BFF_BANK_PLATFORM_CERT_PATH"),
)

# An optional integration, switched on by its first setting: then its key files must be
# readable, as KEY_FILES. (Alipay's RSA2 has no shared secret: the app's private key is it.)
OPTIONAL_KEY_FILES: tuple[tuple[Setting, tuple[Setting, ...]], ...] = (
    (
        Setting("alipay_app_id", "BFF_ALIPAY_APP_ID"),
        (
            Setting("alipay_app_private_key_path", "BFF_ALIPAY_APP_PRIVATE_KEY_PATH"),
            Setting("alipay_public_key_path", "BFF_ALIPAY_PUBLIC_KEY_PATH"),
        ),
    ),
)

# Production's own defaults where the demo's would be wrong there: the optional integrations
# are off until set, and they talk to the real service.
PRODUCTION_DEFAULTS: Mapping[str, Any] = {
    # WeChat push is off until the operator names the account's real templates.
    "wechat_push": "off",
    # The real platforms' published addresses, not the embedded simulators'.
    "wechat_base_url": "https://api.weixin.qq.com",
    "bank_base_url": "https://api.mch.weixin.qq.com",
    "alipay_app_id": None,
    "alipay_gateway_url": "https://openapi.alipay.com/gateway.do",
}

# On by default in demo, off by default in production; an operator may switch them on.
DEMO_AIDS: tuple[Setting, ...] = (
    Setting("embedded_simulators", "BFF_EMBEDDED_SIMULATORS"),
    Setting("demo_data", "BFF_DEMO_DATA"),
    Setting("graphiql", "BFF_GRAPHIQL"),
    Setting("h5_page", "BFF_H5_PAGE"),
    Setting("introspection", "BFF_INTROSPECTION"),
    Setting("field_suggestions", "BFF_FIELD_SUGGESTIONS"),
)

# ... except these, which production refuses outright: a fake bank and HIS answering with
# the public demo keys, and made-up patients.
REFUSED_AIDS: tuple[Setting, ...] = (
    Setting("embedded_simulators", "BFF_EMBEDDED_SIMULATORS"),
    Setting("demo_data", "BFF_DEMO_DATA"),
)


class UnsafeProductionError(SystemExit):
    """Production settings that must not run. A SystemExit, so whoever starts the process
    (our CLI, uvicorn's factory loader, dramatiq) ends it with the message on stderr, exit
    status 1 and no traceback."""


def with_production_defaults(data: Any) -> Any:
    """The raw settings with the demo aids off, unless set, when `env` is production."""
    if not isinstance(data, Mapping) or data.get("env") != PRODUCTION:
        return data
    return {**{aid.field: False for aid in DEMO_AIDS}, **PRODUCTION_DEFAULTS, **data}


def production_problems(settings: Settings) -> list[str]:
    """One line per setting production refuses; empty when it may start (or in demo)."""
    if settings.env != PRODUCTION:
        return []
    problems: list[str] = []
    for secret in SECRETS:
        values = _plain_values(getattr(settings, secret.field))
        if secret.field not in settings.model_fields_set:
            problems.append(f"{secret.env_var} is not set")
        elif not values or "" in values:
            problems.append(f"{secret.env_var} is empty")
        elif values & _plain_values(_declared_default(secret.field)):
            problems.append(f"{secret.env_var} is the public demo value")
        elif min(map(len, values)) < MIN_LENGTHS.get(secret.field, 0):
            problems.append(
                f"{secret.env_var} is shorter than {MIN_LENGTHS[secret.field]} characters"
            )
    problems.extend(_key_file_problems(settings, KEY_FILES))
    for switch, files in OPTIONAL_KEY_FILES:
        if getattr(settings, switch.field):
            problems.extend(_key_file_problems(settings, files))
    if settings.wechat_push != "off" and settings.wechat_push_templates == _declared_default(
        "wechat_push_templates"
    ):
        problems.append("BFF_WECHAT_PUSH is on with the demo BFF_WECHAT_PUSH_TEMPLATES")
    for aid in REFUSED_AIDS:
        if getattr(settings, aid.field):
            problems.append(f"{aid.env_var}=true is a demo aid (leave it unset)")
    if "*" in settings.cors_origin_list:
        # Any page on the web could drive the API from a patient's browser.
        problems.append("BFF_CORS_ORIGINS=* lets any web page call the API; list the origins")
    if settings.staff_oidc_auto_provision:
        # Staff have no roles: every account at the provider would become full staff.
        problems.append(
            "BFF_STAFF_OIDC_AUTO_PROVISION=true makes every account of the OIDC provider staff "
            "(add members with `hospital-bff staff add --oidc-subject`)"
        )
    return problems


def _key_file_problems(settings: Settings, key_files: tuple[Setting, ...]) -> list[str]:
    problems: list[str] = []
    for key_file in key_files:
        path = getattr(settings, key_file.field)
        if path is None:
            problems.append(f"{key_file.env_var} is not set")
        elif not _readable_file(path):
            problems.append(f"{key_file.env_var} ({path}) is not a readable file")
    return problems


def refuse_unsafe_production(settings: Settings) -> None:
    """Raise UnsafeProductionError naming every problem, if there is any."""
    problems = production_problems(settings)
    if problems:
        raise UnsafeProductionError(
            "hospital-bff: BFF_ENV=production refuses to start:\n"
            + "".join(f"  - {problem}\n" for problem in problems)
            + "See docs/operations.md, 'Secrets and production mode'."
        )


def refuse_demo_tool(settings: Settings, tool: str) -> None:
    """The demo tools (the simulators) do not run under production."""
    if settings.env == PRODUCTION:
        raise UnsafeProductionError(
            f"hospital-bff: `{tool}` is a demo tool; BFF_ENV=production refuses to run it."
        )


def _declared_default(field: str) -> Any:
    from hospital_bff.config import Settings

    return Settings.model_fields[field].get_default(call_default_factory=True)


def _plain_values(value: Any) -> set[str]:
    """The strings a setting holds (a key map holds several), to compare with the demo's."""
    if value is None:
        return set()
    if isinstance(value, SecretStr):
        return {value.get_secret_value()}
    if isinstance(value, Mapping):
        return set().union(*(_plain_values(v) for v in value.values()))
    return {str(value)}


def _readable_file(path: os.PathLike[str]) -> bool:
    try:
        with open(path, "rb"):
            return os.path.isfile(path)
    except OSError:
        return False
