"""/graphql as the GraphQL-over-HTTP spec has it: the negotiated media type and its status codes,
GET rules, every refusal a coded GraphQL JSON body in the caller's language, UTF-8 JSON, gzip
above a size, CORS only for listed origins, and a client's mistake logged without a traceback."""

from __future__ import annotations

import gzip
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from conftest import BASE_URL, make_settings
from fixtures.graphql import contract_document
from hospital_bff.config import Settings
from hospital_bff.graphql_over_http import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    negotiate,
    status_for,
)
from hospital_bff.language import caller_language
from hospital_bff.logs import configure_logging
from hospital_bff.persisted_queries import sha256_hex
from hospital_bff.production import production_problems

GQL = GRAPHQL_RESPONSE_JSON
JSON = APPLICATION_JSON
DEPARTMENTS = "query Departments { departments { id name } }"


# --- the rules, pure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        (GQL, GQL),
        (f"{GQL}, application/json", GQL),
        (f"application/json, {GQL}", JSON),  # a tie: the one listed first
        (f"application/json;q=0.9, {GQL}", GQL),  # Apollo Client 3.10's default
        (f"{GQL};q=0.5, */*", JSON),
        (f"*/*, {GQL}", GQL),  # a tie in q: the more specific range
        (f"{GQL};charset=utf-8", GQL),
        (f"{GQL};charset=latin1, application/json", JSON),
        ("application/json;q=0", None),
        ("text/html", None),
        ("application/xml, text/plain", None),
    ],
)
def test_the_media_type_follows_accept(accept: str | None, media_type: str | None) -> None:
    assert negotiate(accept) == media_type


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en;q=0.4, zh;q=0.6", "zh"),
        ("fr-FR, en;q=0.5", "en"),
        ("fr", "zh"),
        ("EN-gb", "en"),
    ],
)
def test_the_language_follows_accept_language(header: str | None, language: str) -> None:
    assert caller_language(header) == language


REQUEST_ERROR = {"data": None, "errors": [{"message": "x", "extensions": {"code": "X"}}]}
FIELD_ERROR = {"data": None, "errors": [{"message": "x", "path": ["me"]}]}
BUG = {"data": None, "errors": [{"message": "x", "extensions": {"code": "INTERNAL"}}]}


@pytest.mark.parametrize(
    ("media_type", "body", "status"),
    [
        (GQL, {"data": {"a": 1}}, 200),
        (GQL, FIELD_ERROR, 200),  # data null by a field error is still data
        (GQL, {"errors": REQUEST_ERROR["errors"]}, 400),
        (GQL, REQUEST_ERROR, 400),
        (JSON, REQUEST_ERROR, 200),
        (JSON, FIELD_ERROR, 200),
        (GQL, BUG, 500),
        (JSON, BUG, 500),
    ],
)
def test_the_status_follows_the_media_type(
    media_type: str, body: dict[str, Any], status: int
) -> None:
    assert status_for(media_type, body) == status


# --- over HTTP ---------------------------------------------------------------------------------


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] in (JSON, GQL), response.headers
    body = response.json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, body
    assert error["message"]
    result: dict[str, Any] = body
    return result


async def test_graphql_response_json_when_asked_for(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": GQL}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GQL}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}
    assert "Accept" in response.headers["vary"] and "Accept-Language" in response.headers["vary"]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ departments { id }", None, "GRAPHQL_PARSE_FAILED"),
        ("{ departmens { id } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (
            'query S($from: Date!) { schedules(departmentId: "dep-nk", from: $from, to: $from) '
            "{ id } }",
            {"from": "not a date"},
            "BAD_USER_INPUT",
        ),
        ("query A { __typename } query B { __typename }", None, "OPERATION_RESOLUTION_FAILURE"),
    ],
)
async def test_a_request_error_is_400_without_data_or_200_under_legacy_json(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    payload = {"query": query, "variables": variables}
    modern = _error(await client.post("/graphql", json=payload, headers={"accept": GQL}), 400, code)
    assert "data" not in modern, "the spec: nothing executed, no data entry"

    legacy = _error(
        await client.post("/graphql", json=payload, headers={"accept": JSON}), 200, code
    )
    assert legacy["data"] is None


async def test_an_unknown_operation_name_is_a_coded_request_error(
    client: httpx.AsyncClient,
) -> None:
    payload = {"query": "query A { __typename }", "operationName": "Nope"}
    body = _error(
        await client.post("/graphql", json=payload, headers={"accept-language": "en"}),
        200,
        "OPERATION_RESOLUTION_FAILURE",
    )
    assert body["errors"][0]["message"] == 'the document has no operation named "Nope"'


async def test_a_field_error_keeps_the_public_data_and_status_200(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"accept": GQL}
    )
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("send", "status", "code"),
    [
        ({"content": b'{"query": "{ __typename }"', "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b"", "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b'"{ __typename }"', "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b"{}", "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b'{"query": ""}', "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b'{"query": 1}', "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b'{"query": "{a}", "variables": []}', "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b'{"query": "{a}", "operationName": 1}', "ctype": JSON}, 400, "BAD_REQUEST"),
        ({"content": b'[{"query": "{ __typename }"}]', "ctype": JSON}, 400, "BAD_REQUEST"),
        (
            {"content": b"{ __typename }", "ctype": "application/graphql"},
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        ({"content": b"query=x", "ctype": None}, 415, "UNSUPPORTED_MEDIA_TYPE"),
    ],
    ids=[
        "bad JSON",
        "no body",
        "a JSON string",
        "no query",
        "empty query",
        "query a number",
        "variables an array",
        "operationName a number",
        "a batch",
        "application/graphql",
        "no content type",
    ],
)
@pytest.mark.parametrize("accept", [JSON, GQL])
async def test_a_malformed_request_is_a_coded_json_refusal(
    client: httpx.AsyncClient, send: dict[str, Any], status: int, code: str, accept: str
) -> None:
    headers = {"accept": accept}
    if send["ctype"] is not None:
        headers["content-type"] = send["ctype"]
    response = await client.post("/graphql", content=send["content"], headers=headers)
    _error(response, status, code)
    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"


async def test_multipart_is_refused_with_a_code(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        data={"operations": '{"query": "{ __typename }"}', "map": "{}"},
        files={"0": ("a.txt", b"x")},
        headers={"accept-language": "en"},
    )
    body = _error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert "multipart" in body["errors"][0]["message"]


async def test_a_mutation_over_get_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "mutation { markNoticesRead(ids: []) { unreadCount } }"},
        headers={"accept": GQL},
    )
    _error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"


async def test_a_query_over_get_runs(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query T($n: String!) { __type(name: $n) { name } }",
            "variables": '{"n": "Query"}',
        },
        headers={"accept": GQL},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__type": {"name": "Query"}}}


@pytest.mark.parametrize("param", ["variables", "extensions"])
@pytest.mark.parametrize("value", ["[1]", "{x", "3"])
async def test_a_get_parameter_that_is_not_a_json_object_is_refused(
    client: httpx.AsyncClient, param: str, value: str
) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "{ __typename }", param: value},
        headers={"accept-language": "en"},
    )
    body = _error(response, 400, "BAD_REQUEST")
    assert body["errors"][0]["message"] == "a GET's variables and extensions must be JSON objects"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_are_405_as_json(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql", json={"query": "{ __typename }"})
    _error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, POST"


async def test_a_plain_options_names_the_methods(client: httpx.AsyncClient) -> None:
    response = await client.options("/graphql")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, POST, OPTIONS"
    assert "access-control-allow-origin" not in response.headers


async def test_an_accept_we_cannot_answer_is_406(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": "application/xml"}
    )
    _error(response, 406, "NOT_ACCEPTABLE")


async def test_a_browser_still_gets_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_a_subscription_over_post_is_a_coded_error_not_internal(
    client: httpx.AsyncClient,
) -> None:
    query = 'subscription { scheduleUpdated(scheduleId: "s") { id } }'
    for accept, status in ((JSON, 200), (GQL, 400)):
        body = _error(
            await client.post(
                "/graphql",
                json={"query": query},
                headers={"accept": accept, "accept-language": "en"},
            ),
            status,
            "BAD_REQUEST",
        )
        assert "WebSocket" in body["errors"][0]["message"]


# --- the caller's language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "headers", "english", "chinese"),
    [
        ({"query": "{ me { id } }"}, {}, "Sign-in required", "需要登录"),
        ({"query": "{ departmens { id } }"}, {}, "Cannot query field", "查询不符合接口定义："),
        ({}, {}, "no GraphQL query in the request", "请求中没有 GraphQL 查询"),
        ({"query": "{ __typename }"}, {"accept": "image/png"}, "answers are", "只能以"),
    ],
)
async def test_top_level_errors_speak_the_callers_language(
    client: httpx.AsyncClient,
    payload: dict[str, Any],
    headers: dict[str, str],
    english: str,
    chinese: str,
) -> None:
    for language, expected in (("en-US,en;q=0.9", english), ("zh-CN", chinese), (None, chinese)):
        sent = {**headers, **({"accept-language": language} if language else {})}
        body = (await client.post("/graphql", json=payload, headers=sent)).json()
        message = body["errors"][0]["message"]
        assert expected in message, (language, message)
        assert " / " not in message, "one language, not both"


# --- UTF-8 and gzip ----------------------------------------------------------------------------


async def test_json_is_utf8_not_ascii_escaped(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": DEPARTMENTS})
    names = [d["name"] for d in response.json()["data"]["departments"]]
    assert "内科" in names
    assert "内科".encode() in response.content
    assert b"\\u" not in response.content
    assert len(response.content) < len(json.dumps(response.json(), separators=(",", ":")))


async def test_a_large_answer_is_gzipped_and_a_small_one_is_not(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    big = "{ " + " ".join(f"a{i}: departments {{ id name }}" for i in range(6)) + " }"
    response = await client.post(
        "/graphql", json={"query": big}, headers={"accept-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    raw = await _raw_size(client, big)
    assert raw >= settings.gzip_minimum_bytes
    assert int(response.headers["content-length"]) < raw
    assert response.json()["data"]["a0"]  # httpx decodes it

    small = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept-encoding": "gzip"}
    )
    assert "content-encoding" not in small.headers


async def _raw_size(client: httpx.AsyncClient, query: str) -> int:
    response = await client.post(
        "/graphql", json={"query": query}, headers={"accept-encoding": "identity"}
    )
    assert "content-encoding" not in response.headers
    return len(response.content)


def test_gzip_is_real_gzip() -> None:
    # The middleware's output is read back by a plain gzip reader (what a phone's stack does).
    payload = json.dumps({"a": "内科" * 1000}, ensure_ascii=False).encode()
    assert gzip.decompress(gzip.compress(payload)) == payload


# --- CORS --------------------------------------------------------------------------------------

ALLOWED = "https://h5.hospital.example"
PREFLIGHT = {
    "origin": ALLOWED,
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}


async def test_no_cors_headers_by_default(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED}
    )
    assert response.status_code == 200
    assert not any(h.startswith("access-control-") for h in response.headers)
    preflight = await client.options("/graphql", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in preflight.headers


@pytest.fixture
async def cors_client(backend: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    from hospital_bff.app import create_app
    from hospital_bff.cache import reset_fake_redis

    reset_fake_redis()
    settings = make_settings(backend, tmp_path, cors_origins=f"{ALLOWED}, https://staff.example")
    app: Starlette = create_app(settings, self_transport=True)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
            yield c


async def test_a_listed_origin_gets_its_preflight_and_answers(
    cors_client: httpx.AsyncClient,
) -> None:
    preflight = await cors_client.options("/graphql", headers=PREFLIGHT)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in preflight.headers["access-control-allow-methods"]
    allowed_headers = preflight.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert "access-control-allow-credentials" not in preflight.headers

    response = await cors_client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED}
    )
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


async def test_an_unlisted_origin_gets_no_cors(cors_client: httpx.AsyncClient) -> None:
    preflight = await cors_client.options(
        "/graphql", headers={**PREFLIGHT, "origin": "https://evil.example"}
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    response = await cors_client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("value", ["h5.hospital.example", "https://a.example/path", "https://"])
def test_a_malformed_origin_stops_the_start(value: str) -> None:
    with pytest.raises(ValueError, match="BFF_CORS_ORIGINS"):
        Settings(cors_origins=value)


async def test_apollo_clients_csrf_header_passes_the_preflight(
    cors_client: httpx.AsyncClient,
) -> None:
    asks = {**PREFLIGHT, "access-control-request-headers": "content-type, apollo-require-preflight"}
    preflight = await cors_client.options("/graphql", headers=asks)
    assert preflight.status_code == 200, preflight.text
    assert "apollo-require-preflight" in preflight.headers["access-control-allow-headers"].lower()


def test_origins_may_be_given_as_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BFF_CORS_ORIGINS", f'["{ALLOWED}", "https://staff.example"]')
    assert Settings().cors_origin_list == [ALLOWED, "https://staff.example"]
    monkeypatch.setenv("BFF_CORS_ORIGINS", f'["{ALLOWED}",')
    with pytest.raises(ValueError, match="BFF_CORS_ORIGINS: not a JSON list"):
        Settings()
    monkeypatch.setenv("BFF_CORS_ORIGINS", '["h5.hospital.example"]')
    with pytest.raises(ValueError, match="BFF_CORS_ORIGINS"):
        Settings()


def test_production_refuses_cors_for_any_origin() -> None:
    settings = Settings(env="production", cors_origins="*")
    assert any("BFF_CORS_ORIGINS" in problem for problem in production_problems(settings))
    listed = Settings(env="production", cors_origins=ALLOWED)
    assert not any("BFF_CORS_ORIGINS" in problem for problem in production_problems(listed))


# --- persisted queries under the modern media type ---------------------------------------------


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_apq_under_graphql_response_json(client: httpx.AsyncClient, method: str) -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(DEPARTMENTS)}}

    async def send(with_query: bool) -> httpx.Response:
        payload: dict[str, Any] = {"extensions": extensions}
        if with_query:
            payload["query"] = DEPARTMENTS
        if method == "POST":
            return await client.post("/graphql", json=payload, headers={"accept": GQL})
        params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        return await client.get("/graphql", params=params, headers={"accept": GQL})

    not_found = await send(with_query=False)
    _error(not_found, 400, "PERSISTED_QUERY_NOT_FOUND")
    assert not_found.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert not_found.headers["cache-control"] == "no-store", "a CDN must not keep 'not found'"

    assert (await send(with_query=True)).status_code == 200
    by_hash = await send(with_query=False)
    assert by_hash.status_code == 200
    assert by_hash.json()["data"]["departments"]
    assert (
        "cache-control" not in by_hash.headers or "no-store" not in by_hash.headers["cache-control"]
    )


# --- logs --------------------------------------------------------------------------------------


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    configure_logging("INFO", json=True, out=out, err=err)
    yield out
    assert err.getvalue() == "", "nothing here is an ERROR"
    configure_logging("INFO")


async def test_refusals_are_one_line_each_without_a_traceback(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    sends: list[tuple[str, dict[str, Any]]] = [
        ("POST", {"content": b"{ nope", "headers": {"content-type": JSON}}),
        ("POST", {"content": b"[]", "headers": {"content-type": JSON}}),
        ("POST", {"json": {"query": 'subscription { scheduleUpdated(scheduleId: "s") { id } }'}}),
        ("GET", {"params": {"query": "mutation { markNoticesRead(ids: []) { unreadCount } }"}}),
        ("POST", {"json": {"query": "query A { a: __typename }", "operationName": "B"}}),
        (
            "POST",
            {
                "json": {
                    "query": contract_document(),
                    "operationName": "DepartmentSchedules",
                    "variables": {"departmentId": "d", "from": "x", "to": "y"},
                }
            },
        ),
        ("POST", {"json": {"query": "{ " + "9" * 5000 + " }"}}),
    ]
    for method, kwargs in sends:
        response = await client.request(method, "/graphql", **kwargs)
        assert response.status_code < 500, response.text
        assert response.json()["errors"][0]["extensions"]["code"] != "INTERNAL"
    text = log_lines.getvalue()
    assert "Traceback" not in text
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    refusals = [
        line
        for line in lines
        if line["event"] in ("graphql.request_refused", "graphql.client_error")
    ]
    assert len(refusals) >= len(sends), lines
    assert all(line["level"] == "info" and line.get("code") for line in refusals)
    assert logging.getLogger("strawberry.execution").level >= 0  # configured, not silenced here
