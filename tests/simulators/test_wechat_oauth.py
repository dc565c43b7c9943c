"""The simulated WeChat's consent page: WeChat's web authorisation link, one click, a code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.simulators.his.seed import build_seed
from hospital_bff.simulators.wechat import create_wechat_app

APP_ID = "wx-test"
SECRET = "wx-secret"
BFF = "http://127.0.0.1:8000"
PATH = "/connect/oauth2/authorize"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def wechat_app(clock: FrozenClock) -> Starlette:
    return create_wechat_app(
        clock=clock,
        app_id=APP_ID,
        app_secret=SECRET,
        web_auth_domains={"127.0.0.1"},
        demo_people=True,
    )


@pytest.fixture
async def wechat(wechat_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=wechat_app), base_url="http://wechat.sim"
    ) as client:
        yield client


def link(**overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "appid": APP_ID,
        "redirect_uri": f"{BFF}/graphql",
        "response_type": "code",
        "scope": "snsapi_base",
        "state": "s123",
        **overrides,
    }
    return {k: v for k, v in params.items() if v is not None}


async def agree(wechat: httpx.AsyncClient, openid: str, **overrides: str | None) -> httpx.Response:
    return await wechat.post(PATH, data={**link(**overrides), "openid": openid})


async def exchange(wechat: httpx.AsyncClient, code: str) -> dict[str, Any]:
    params = {"appid": APP_ID, "secret": SECRET, "code": code, "grant_type": "authorization_code"}
    answer: dict[str, Any] = (await wechat.get("/sns/oauth2/access_token", params=params)).json()
    return answer


async def test_the_page_lists_todays_seed_patients_with_what_verifies_them(
    wechat: httpx.AsyncClient, clock: FrozenClock
) -> None:
    response = await wechat.get(PATH, params=link())

    assert response.status_code == 200
    seed = build_seed(clock.today(), clock.tz).patients.values()
    assert seed
    for patient in seed:
        assert f"value='o-demo-{patient.id}'" in response.text
        assert patient.name in response.text
        assert patient.id_number in response.text  # the son's changes every year
    assert "name='openid' value='o-demo'" in response.text  # and anyone else
    assert "script" not in response.text.lower()


async def test_one_click_redirects_with_a_code_for_that_openid_and_the_state(
    wechat: httpx.AsyncClient,
) -> None:
    response = await agree(wechat, "o-demo-pat-0001")

    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{BFF}/graphql"
    query = parse_qs(target.query)
    assert query["state"] == ["s123"]
    token = await exchange(wechat, query["code"][0])
    assert (token["openid"], token["scope"]) == ("o-demo-pat-0001", "snsapi_base")
    assert (await exchange(wechat, query["code"][0]))["errcode"] == 40163  # once only


async def test_the_redirect_keeps_the_apps_own_query_and_the_scope_asked(
    wechat: httpx.AsyncClient,
) -> None:
    response = await agree(
        wechat, "o-someone", redirect_uri=f"{BFF}/back?to=orders#top", scope="snsapi_userinfo"
    )

    target = urlsplit(response.headers["location"])
    query = parse_qs(target.query)
    assert (target.path, target.fragment) == ("/back", "")
    assert query["to"] == ["orders"]
    token = await exchange(wechat, query["code"][0])
    assert (token["openid"], token["scope"]) == ("o-someone", "snsapi_userinfo")


async def test_a_link_without_state_comes_back_with_an_empty_state(
    wechat: httpx.AsyncClient,
) -> None:
    response = await agree(wechat, "o-demo", state=None)

    assert parse_qs(urlsplit(response.headers["location"]).query, keep_blank_values=True)[
        "state"
    ] == [""]


@pytest.mark.parametrize(
    ("overrides", "errcode"),
    [
        ({"redirect_uri": "https://evil.example/steal"}, 10003),
        ({"redirect_uri": "javascript:alert(1)"}, 10003),
        ({"redirect_uri": "//evil.example/x"}, 10003),
        ({"scope": "snsapi_login"}, 10005),
        ({"appid": "wx-other"}, 10008),
        ({"response_type": "token"}, 10008),
        ({"state": "x" * 129}, 10008),
        ({"scope": None}, 10010),
        ({"redirect_uri": None}, 10011),
        ({"appid": None}, 10012),
    ],
)
async def test_a_malformed_link_is_wechats_error_page_and_no_code(
    wechat: httpx.AsyncClient,
    wechat_app: Starlette,
    overrides: dict[str, str | None],
    errcode: int,
) -> None:
    page = await wechat.get(PATH, params=link(**overrides))
    agreed = await agree(wechat, "o-demo", **overrides)

    for response in (page, agreed):
        assert response.status_code == 400
        assert "location" not in response.headers
        assert f"<p id='errcode'>{errcode}</p>" in response.text
    assert not wechat_app.state.wechat.codes


async def test_the_pages_own_host_is_a_registered_domain(wechat: httpx.AsyncClient) -> None:
    response = await agree(wechat, "o-demo", redirect_uri="http://wechat.sim:9000/cb")

    assert response.status_code == 303
    assert response.headers["location"].startswith("http://wechat.sim:9000/cb?code=")


@pytest.mark.parametrize("openid", ["", "   ", "o" * 129])
async def test_agreeing_needs_an_openid(wechat: httpx.AsyncClient, openid: str) -> None:
    response = await agree(wechat, openid)

    assert response.status_code == 400
    assert "<p id='errcode'>10008</p>" in response.text


async def test_what_the_link_carries_is_escaped_on_the_page(wechat: httpx.AsyncClient) -> None:
    response = await wechat.get(PATH, params=link(state="'><b>x</b>"))

    assert "'><b>x</b>" not in response.text
    assert "&#x27;&gt;&lt;b&gt;x&lt;/b&gt;" in response.text


async def test_without_demo_data_the_page_offers_only_an_openid(clock: FrozenClock) -> None:
    app = create_wechat_app(clock=clock, app_id=APP_ID, app_secret=SECRET)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as client:
        response = await client.get(PATH, params=link())

    assert response.status_code == 200
    assert "o-demo-pat-" not in response.text
    assert "name='openid' value='o-demo'" in response.text
