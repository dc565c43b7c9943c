"""The README's serve command, for real: `hospital-bff serve` with no configuration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from fixtures.graphql import contract_document
from fixtures.servers import base_env, free_port, running
from hospital_bff.clock import Clock

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    cwd = tmp_path_factory.mktemp("serve")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(
        # Bound everywhere, as in a container: the URLs it hands out must still open.
        ["serve", "--host", "0.0.0.0", "--port", str(port)],
        env=base_env(),
        cwd=cwd,
        ready_url=f"{url}/healthz",
        log=cwd / "serve.log",
    ):
        yield url
    assert (cwd / ".hospital-bff" / "bff.db").exists(), (
        "the embedded default keeps a SQLite file in the working dir"
    )


def _op(
    client: httpx.Client, name: str, variables: dict[str, object], token: str | None = None
) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = client.post(
        "/graphql",
        json={"query": contract_document(), "operationName": name, "variables": variables},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[return-value]


def test_graphiql_in_a_browser(server: str) -> None:
    r = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "graphiql" in r.text.lower()


def test_departments_and_expert_detail_answer_with_seed_data(server: str) -> None:
    today = Clock().today()
    with httpx.Client(base_url=server, timeout=30) as client:
        deps = _op(client, "Departments", {})["departments"]
        assert {"内科", "妇产科", "儿科"} <= {d["name"] for d in deps}  # type: ignore[union-attr,index]
        expert = _op(
            client,
            "ExpertDetail",
            {
                "expertId": "exp-yk-1",
                "from": today.isoformat(),
                "to": (today + timedelta(days=7)).isoformat(),
            },
        )["expert"]
        assert expert["schedules"]  # type: ignore[index]


def test_a_patient_books_and_pays_over_real_http(server: str) -> None:
    """The bank's notification and the HIS confirm go over loopback HTTP to the same server."""
    from hospital_bff.simulators.his.id_numbers import resident_id

    tomorrow = Clock().today() + timedelta(days=1)
    with httpx.Client(base_url=server, timeout=30) as client:
        number = resident_id("110105", tomorrow.replace(year=1990), 7, "MALE")
        client.post(
            "/sim/his/patients", json={"name": "韩梅", "idNumber": number, "phone": "13912340000"}
        ).raise_for_status()
        code = client.post("/sim/wechat/authorize", json={"openid": "o-real"}).json()["code"]
        token = _op(client, "SignIn", {"code": code})["signIn"]["token"]  # type: ignore[index]
        verified = _op(
            client,
            "VerifyIdentity",
            {"input": {"name": "韩梅", "idNumber": number, "phone": "13912340000"}},
            token,
        )
        patient_id = verified["verifyIdentity"]["me"]["patients"][0]["id"]  # type: ignore[index]
        schedules = _op(
            client,
            "DepartmentSchedules",
            {"departmentId": "dep-yk", "from": tomorrow.isoformat(), "to": tomorrow.isoformat()},
        )
        slot = next(s for sch in schedules["schedules"] for s in sch["slots"] if s["remaining"] > 0)  # type: ignore[union-attr,index]
        order = _op(
            client,
            "BookAppointment",
            {"input": {"patientId": patient_id, "slotId": slot["id"], "idempotencyKey": "x"}},
            token,
        )["bookAppointment"]["order"]  # type: ignore[index]
        payment = _op(client, "PayOrder", {"orderId": order["id"], "idempotencyKey": "y"}, token)[
            "payOrder"
        ]["payment"]  # type: ignore[index]
        assert payment["payUrl"].startswith(f"{server}/sim/bank/"), "never http://0.0.0.0"
        assert client.post(payment["payUrl"], data={"action": "pay"}).status_code in (200, 303)
        import time

        deadline = time.monotonic() + 20
        status = ""
        while time.monotonic() < deadline:
            status = _op(client, "Order", {"id": order["id"]}, token)["order"]["status"]  # type: ignore[index]
            if status == "CONFIRMED":
                break
            time.sleep(0.2)
        assert status == "CONFIRMED"


def test_health_and_metrics(server: str) -> None:
    health = httpx.get(f"{server}/healthz").json()
    assert health["status"] == "ok"
    # The embedded default migrates its SQLite file at start: ready, with nothing else to run.
    ready = httpx.get(f"{server}/readyz")
    assert ready.status_code == 200, ready.text
    assert httpx.get(f"{server}/metrics").status_code == 200


def test_readme_commands_are_what_ci_runs() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    test_command = (
        "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e '.[dev]' && pytest"
    )
    assert test_command in readme and test_command in ci
    assert "pip install -e . && hospital-bff serve" in readme
