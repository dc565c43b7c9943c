"""Sign-in through Alipay beside WeChat, and one person behind both platforms is ONE hospital
user: the same patients, orders and notices whichever app they open (paper §4.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from conftest import make_settings
from fixtures.accounts import WANG_FANG, ZHANG_WEI, bind, confirmed_order, me, user_id_of, verify
from fixtures.graphql import gql_data
from fixtures.journey import order, sign_in
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from hospital_bff.store.models import Account


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test changes; parametrize this name to change them."""
    return {}


@pytest.fixture
def settings(backend: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(backend, tmp_path, **settings_overrides)


ALIPAY_SIGN_IN = """
mutation AlipaySignIn($code: String!) {
  signIn(platform: ALIPAY, code: $code) {
    __typename
    ... on SignInSuccess { token me { id verified } }
    ... on UserError { code message }
  }
}
"""


async def alipay_code(client: httpx.AsyncClient, user_id: str) -> str:
    response = await client.post("/sim/alipay/authorize", json={"userId": user_id})
    assert response.status_code == 200, response.text
    code: str = response.json()["code"]
    return code


async def alipay_answer(
    client: httpx.AsyncClient, code: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": ALIPAY_SIGN_IN, "variables": {"code": code}},
        headers=headers or {},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["signIn"]
    return result


async def alipay_sign_in(client: httpx.AsyncClient, user_id: str) -> str:
    answer = await alipay_answer(client, await alipay_code(client, user_id))
    assert answer["__typename"] == "SignInSuccess", answer
    token: str = answer["token"]
    return token


async def notices(client: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    data = await gql_data(client, "Notices", {"first": 50}, token=token)
    return [edge["node"] for edge in data["notices"]["edges"]]


async def orders(client: httpx.AsyncClient, token: str) -> list[str]:
    data = await gql_data(client, "Orders", {"first": 50}, token=token)
    return [edge["node"]["id"] for edge in data["orders"]["edges"]]


async def test_an_alipay_code_signs_in_one_account_per_alipay_user(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    first = await alipay_sign_in(client, "2088102150477652")
    again = await alipay_sign_in(client, "2088102150477652")
    assert (await me(client, first))["id"] == (await me(client, again))["id"]
    assert (await me(client, first))["verified"] is False
    # The same id string at WeChat is somebody else's account: accounts are per platform.
    await sign_in(client, "2088102150477652")
    async with runtime.sessions() as session:
        accounts = (await session.exec(select(Account))).all()
    assert sorted((a.platform, a.external_id) for a in accounts) == [
        ("ALIPAY", "2088102150477652"),
        ("WECHAT", "2088102150477652"),
    ]


async def test_a_spent_or_unknown_alipay_code_is_a_user_error(client: httpx.AsyncClient) -> None:
    code = await alipay_code(client, "2088102150477652")
    assert (await alipay_answer(client, code))["__typename"] == "SignInSuccess"
    for bad in (code, "0123456789abcdef0123456789abcdef"):
        answer = await alipay_answer(client, bad)
        assert answer["code"] == "INVALID_INPUT", answer


async def test_zhang_wei_through_wechat_and_alipay_is_one_user(client: httpx.AsyncClient) -> None:
    wechat = await sign_in(client, "o-zhangwei")
    assert (await verify(client, wechat, ZHANG_WEI))["__typename"] == "VerifyIdentitySuccess"
    assert (await bind(client, wechat, WANG_FANG, "PARENT"))["__typename"] == "BindPatientSuccess"
    booked_in_wechat = await confirmed_order(
        client, wechat, ZHANG_WEI["id"], day="2026-11-28", key="wx-1"
    )

    alipay = await alipay_sign_in(client, "2088102150477652")
    verified = await verify(client, alipay, ZHANG_WEI)
    assert verified["__typename"] == "VerifyIdentitySuccess", verified

    via_wechat, via_alipay = await me(client, wechat), await me(client, alipay)
    assert via_alipay["id"] != via_wechat["id"]  # two accounts: each keeps its own id
    assert await user_id_of(client, alipay) == await user_id_of(client, wechat)
    assert via_alipay["patients"] == via_wechat["patients"]
    assert {p["id"] for p in via_alipay["patients"]} == {ZHANG_WEI["id"], WANG_FANG["id"]}
    # What was booked in WeChat is there in Alipay, and the other way round.
    assert (await order(client, alipay, booked_in_wechat["id"]))["status"] == "CONFIRMED"
    booked_in_alipay = await confirmed_order(
        client, alipay, WANG_FANG["id"], day="2026-11-29", key="ali-1"
    )
    assert (await order(client, wechat, booked_in_alipay["id"]))["status"] == "CONFIRMED"
    assert sorted(await orders(client, wechat)) == sorted(await orders(client, alipay))
    assert len(await orders(client, alipay)) == 2
    seen_in_wechat, seen_in_alipay = await notices(client, wechat), await notices(client, alipay)
    assert seen_in_wechat == seen_in_alipay
    assert {n["kind"] for n in seen_in_alipay} >= {"ORDER_CONFIRMED"}


async def test_alipay_first_then_wechat_joins_the_same_user(client: httpx.AsyncClient) -> None:
    alipay = await alipay_sign_in(client, "2088102150477652")
    assert (await verify(client, alipay, ZHANG_WEI))["__typename"] == "VerifyIdentitySuccess"
    wechat = await sign_in(client, "o-zhangwei")
    assert (await verify(client, wechat, ZHANG_WEI))["__typename"] == "VerifyIdentitySuccess"
    assert await user_id_of(client, wechat) == await user_id_of(client, alipay)


async def test_an_alipay_account_verified_as_someone_else_does_not_join(
    client: httpx.AsyncClient,
) -> None:
    wechat = await sign_in(client, "o-zhangwei")
    await verify(client, wechat, ZHANG_WEI)
    alipay = await alipay_sign_in(client, "2088000000000004")
    assert (await verify(client, alipay, WANG_FANG))["__typename"] == "VerifyIdentitySuccess"
    theirs, mine = await me(client, alipay), await me(client, wechat)
    assert theirs["id"] != mine["id"]
    assert {p["id"] for p in theirs["patients"]} == {WANG_FANG["id"]}
    assert {p["id"] for p in mine["patients"]} == {ZHANG_WEI["id"]}


@pytest.mark.parametrize("settings_overrides", [{"alipay_app_id": None}])
async def test_without_an_alipay_app_alipay_sign_in_is_not_offered(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    assert runtime.alipay is None
    answer = await alipay_answer(client, "0123456789abcdef0123456789abcdef")
    assert answer["code"] == "INVALID_INPUT"
    assert "支付宝" in answer["message"]
    english = await alipay_answer(
        client, "0123456789abcdef0123456789abcdef", headers={"Accept-Language": "en"}
    )
    assert "Alipay sign-in is not offered" in english["message"]
    # No simulator of an app the hospital does not have; WeChat is unaffected.
    assert (await client.post("/sim/alipay/authorize", json={"userId": "x"})).status_code == 404
    await sign_in(client, "o-still-works")
