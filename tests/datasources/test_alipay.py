"""The Alipay client: RSA2-signed requests, answers believed only under Alipay's signature."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from cryptography.hazmat.primitives import serialization
from starlette.applications import Starlette

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.alipay import (
    OAUTH_TOKEN_NODE,
    AlipayClient,
    AlipayCodeRejected,
    AlipayKeys,
    AlipayResponseForged,
    load_alipay_public_key,
    load_app_private_key,
    rsa2_sign,
    rsa2_verify,
    sign_content,
    top_level_nodes,
)
from hospital_bff.datasources.errors import AlipayUnavailable, UpstreamRejected
from hospital_bff.datasources.wechatpay_crypto import generate_private_key
from hospital_bff.simulators.alipay import create_alipay_app

APP_ID = "2021000000000042"
GATEWAY = "http://alipay.test/gateway.do"
USER = "2088102150477652"


@pytest.fixture(scope="module")
def keys() -> AlipayKeys:
    return AlipayKeys(app_key=generate_private_key(), alipay_key=generate_private_key())


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def alipay_app(clock: FrozenClock, keys: AlipayKeys) -> Starlette:
    return create_alipay_app(
        clock=clock, app_id=APP_ID, app_public_key=keys.app_public_key, alipay_key=keys.alipay_key
    )


@pytest.fixture
async def http(alipay_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=alipay_app)) as client:
        yield client


def make_client(
    http: httpx.AsyncClient, keys: AlipayKeys, clock: FrozenClock, **kw: object
) -> AlipayClient:
    values: dict[str, object] = {
        "app_id": APP_ID,
        "app_private_key": keys.app_key,
        "alipay_public_key": keys.alipay_public_key,
        "clock": clock,
    }
    values.update(kw)
    return AlipayClient(http, GATEWAY, **values)  # type: ignore[arg-type]


async def consent(http: httpx.AsyncClient, user_id: str = USER) -> str:
    answer = await http.post("http://alipay.test/authorize", json={"userId": user_id})
    code: str = answer.json()["code"]
    return code


def signed_body(keys: AlipayKeys, node: str, content: dict[str, object]) -> str:
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return f'{{"{node}":{text},"sign":"{rsa2_sign(keys.alipay_key, text)}"}}'


def test_the_signed_content_is_the_sorted_non_empty_parameters_but_sign() -> None:
    content = sign_content({"b": "2", "a": "1", "sign": "x", "empty": "", "c": "三 &"})
    assert content == "a=1&b=2&c=三 &"


def test_a_node_is_cut_out_of_the_body_as_written() -> None:
    body = '{ "x_response" : {"a": "\\/b", "n": [1, 2]} ,\n"sign":"S"}'
    nodes = top_level_nodes(body)
    assert nodes["x_response"][0] == '{"a": "\\/b", "n": [1, 2]}'
    assert nodes["x_response"][1] == {"a": "/b", "n": [1, 2]}
    assert nodes["sign"][1] == "S"
    for bad in ["", "[]", '{"a":1', '{"a":1} trailing', "{a:1}"]:
        with pytest.raises(ValueError):
            top_level_nodes(bad)


def test_keys_load_from_pem_and_from_alipays_bare_base64(tmp_path: Path) -> None:
    key = generate_private_key()
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    loaded = load_app_private_key(base64.b64encode(der))
    public = key.public_key()
    bare = base64.b64encode(
        public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for public_key in (load_alipay_public_key(bare), load_alipay_public_key(pem)):
        assert rsa2_verify(public_key, "m", rsa2_sign(loaded, "m"))
    assert not rsa2_verify(public, "m", "not base64!")


async def test_a_code_becomes_the_alipay_user(
    http: httpx.AsyncClient, keys: AlipayKeys, clock: FrozenClock
) -> None:
    client = make_client(http, keys, clock)
    identity = await client.exchange_code(await consent(http))
    assert identity.external_id == USER
    assert identity.access_token


@respx.mock
async def test_the_request_is_the_published_one_signed_with_the_app_key(
    keys: AlipayKeys, clock: FrozenClock
) -> None:
    route = respx.post(GATEWAY).respond(
        200,
        text=signed_body(
            keys, OAUTH_TOKEN_NODE, {"open_id": "074a1CcTG1", "access_token": "t", "expires_in": 1}
        ),
    )
    async with httpx.AsyncClient() as http:
        identity = await make_client(http, keys, clock).exchange_code("4b203fe6c11548bc")
    assert identity.external_id == "074a1CcTG1", "open_id apps work too"
    request = route.calls.last.request
    query = dict(request.url.params)
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    assert form == {"grant_type": "authorization_code", "code": "4b203fe6c11548bc"}
    assert query["method"] == "alipay.system.oauth.token"
    assert query["app_id"] == APP_ID
    assert query["sign_type"] == "RSA2"
    assert query["version"] == "1.0"
    assert query["charset"] == "utf-8"
    assert query["timestamp"] == "2026-11-27 09:00:00", "Beijing time"
    signed = sign_content({**query, **form})
    assert rsa2_verify(keys.app_public_key, signed, query["sign"])


@respx.mock
async def test_a_forged_answer_is_refused(keys: AlipayKeys, clock: FrozenClock) -> None:
    forger = AlipayKeys(app_key=keys.app_key, alipay_key=generate_private_key())
    content = {"user_id": "2088000000000666", "access_token": "t", "expires_in": 1}
    genuine = signed_body(keys, OAUTH_TOKEN_NODE, {**content, "user_id": USER})
    tampered = genuine.replace(USER, "2088000000000666")
    unsigned = json.dumps({OAUTH_TOKEN_NODE: content})
    async with httpx.AsyncClient() as http:
        client = make_client(http, keys, clock)
        for body in (signed_body(forger, OAUTH_TOKEN_NODE, content), tampered, unsigned, "<html>"):
            respx.post(GATEWAY).respond(200, text=body)
            with pytest.raises(AlipayResponseForged):
                await client.exchange_code("4b203fe6c11548bc")


@respx.mock
async def test_an_error_response_is_a_typed_refusal(keys: AlipayKeys, clock: FrozenClock) -> None:
    error = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.code-invalid"}
    async with httpx.AsyncClient() as http:
        client = make_client(http, keys, clock)
        for body in (
            signed_body(keys, "error_response", {**error, "sub_msg": "授权码code无效"}),
            json.dumps({"error_response": error}),  # unsigned, as for an unknown app
        ):
            respx.post(GATEWAY).respond(200, text=body)
            with pytest.raises(AlipayCodeRejected) as rejected:
                await client.exchange_code("4b203fe6c11548bc")
            assert rejected.value.code == "40002"
            assert rejected.value.sub_code == "isv.code-invalid"
            assert isinstance(rejected.value, UpstreamRejected)
        # A refusal under a wrong signature is no refusal of Alipay's either.
        forger = AlipayKeys(app_key=keys.app_key, alipay_key=generate_private_key())
        respx.post(GATEWAY).respond(200, text=signed_body(forger, "error_response", error))
        with pytest.raises(AlipayResponseForged):
            await client.exchange_code("4b203fe6c11548bc")
        # Alipay's own failure (20000) is "try again", not "your code is bad".
        down = {"code": "20000", "msg": "Service Currently Unavailable", "sub_code": "isp.x"}
        respx.post(GATEWAY).respond(200, text=signed_body(keys, "error_response", down))
        with pytest.raises(AlipayUnavailable) as unavailable:
            await client.exchange_code("4b203fe6c11548bc")
        assert not isinstance(unavailable.value, AlipayResponseForged)


async def test_a_spent_or_unknown_code_is_refused_by_the_simulator(
    http: httpx.AsyncClient, keys: AlipayKeys, clock: FrozenClock
) -> None:
    client = make_client(http, keys, clock)
    code = await consent(http)
    await client.exchange_code(code)
    for again in (code, "0" * 32):
        with pytest.raises(AlipayCodeRejected) as rejected:
            await client.exchange_code(again)
        assert rejected.value.sub_code == "isv.code-invalid"


async def test_a_request_signed_with_another_key_is_refused(
    http: httpx.AsyncClient, keys: AlipayKeys, clock: FrozenClock
) -> None:
    client = make_client(http, keys, clock, app_private_key=generate_private_key())
    with pytest.raises(AlipayCodeRejected) as rejected:
        await client.exchange_code(await consent(http))
    assert rejected.value.sub_code == "isv.invalid-signature"


async def test_an_unreachable_gateway_is_unavailable(keys: AlipayKeys, clock: FrozenClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        with pytest.raises(AlipayUnavailable):
            await make_client(http, keys, clock).exchange_code("4b203fe6c11548bc")
