"""The patient's H5 page in a real browser, through the page alone: `hospital-bff serve` as the
README starts it serving the built page at /h5/, headless Chromium at 360 px that may reach only
loopback. The patient signs in through the simulated WeChat's page, verifies, books a slot whose
eligibility the page shows, pays at the bank's cashier and comes back, sees the ticket with its
suggested arrival, cancels and sees how and when the money goes back. Screenshots go to
tmp/artefacts/h5/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from fixtures.browser import ARTEFACTS, offline_browser, require_chromium
from fixtures.servers import base_env, free_port, running
from hospital_bff.clock import Clock
from hospital_bff.h5 import STATIC_DIR
from hospital_bff.simulators.his.seed import build_seed

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

PHONE = {"width": 360, "height": 740}
# Steps that wait on the bank's notification and the HIS's confirmation.
SETTLING_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    assert (STATIC_DIR / "index.html").is_file(), "the page is not built: cd web && npm run build"
    cwd = tmp_path_factory.mktemp("h5")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(
        ["serve", "--port", str(port)],
        env=base_env(),
        cwd=cwd,
        ready_url=f"{url}/healthz",
        log=cwd / "serve.log",
    ):
        yield url


@pytest.fixture
def artefacts() -> Path:
    folder = ARTEFACTS / "h5"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_patient_signs_in_books_pays_sees_the_ticket_and_cancels(
    server: str, artefacts: Path
) -> None:
    seed = build_seed(Clock().today(), Clock().tz)
    zhang, son = seed.patients["pat-0001"], seed.patients["pat-0003"]
    with offline_browser() as (context, offline):
        page = context.new_page()
        page.set_viewport_size(PHONE)
        offline.watch(page)
        page_errors: list[str] = []
        page.on("pageerror", lambda exc: page_errors.append(str(exc)))
        # The page's Content Security Policy (h5/__init__.py) must refuse nothing it does.
        page.on(
            "console",
            lambda m: (
                page_errors.append(m.text)
                if m.type == "error" and "Content Security Policy" in m.text
                else None
            ),
        )
        sent: list[dict[str, Any]] = []
        page.on(
            "request",
            lambda r: (
                sent.append(r.post_data_json)
                if r.method == "POST" and r.url == f"{server}/graphql"
                else None
            ),
        )
        shot = lambda name: page.screenshot(path=artefacts / f"{name}.png", full_page=True)  # noqa: E731

        # 1. Signed out, in Chinese: the WeChat authorisation, then back with a code.
        _sign_in(page, server, zhang)
        shot("1-verify")

        # 2. Verify identity.
        _verify(page, zhang)
        shot("2-departments")

        # 3. Bind his son, who shares his phone.
        page.get_by_role("button", name="就诊人", exact=True).click()
        page.get_by_label("姓名").fill(son.name)
        page.get_by_label("身份证号").fill(son.id_number)
        page.get_by_label("手机号").fill(son.phone or "")
        page.get_by_label("关系").select_option("CHILD")
        page.get_by_role("button", name="添加").click()
        page.locator(".patient-row", has_text=son.name).wait_for()
        shot("2-family")
        page.get_by_role("button", name="科室").click()

        # 4. A department he cannot book says why, on each clinic, instead of offering slots.
        page.locator(".row", has_text="妇产科").click()
        page.locator(".schedule").first.wait_for()
        reasons = page.locator(".schedule .reason")
        assert reasons.count() == page.locator(".schedule").count() > 0
        # (a clinic already over says so first: the rules' order, not the page's)
        codes = {reasons.nth(i).get_attribute("data-code") for i in range(reasons.count())}
        assert "INELIGIBLE_SEX" in codes, codes
        assert all(reasons.nth(i).inner_text().strip() for i in range(reasons.count()))
        assert page.locator(".slot").count() == 0
        shot("3-ineligible")
        page.get_by_role("button", name="返回").click()

        # 5. A department's week, and a bookable slot.
        page.locator(".row").first.click()
        page.locator(".schedule").first.wait_for()
        shot("3-schedules")
        # A later day's slot: today's may be too near its start to cancel.
        page.locator(f".schedule:not([data-date='{Clock().today()}']) .slot:enabled").first.click()

        # 6. The order, paid at the bank's cashier, and back to the page.
        pay = page.get_by_role("button", name="去支付")
        pay.or_(page.locator(".error")).first.wait_for()
        assert not page.locator(".error").count(), page.locator(".error").inner_text()
        shot("4-order")
        pay.click()
        page.wait_for_url("**/sim/bank/cashier/**")
        shot("5-cashier")
        page.get_by_role("button", name="支付").click()
        page.get_by_role("link", name="返回商家").click()
        page.wait_for_url(f"{server}/h5/?order=*")

        # 7. The ticket, once the hospital confirms, with its suggested arrival.
        page.locator(".order[data-status='CONFIRMED']").wait_for(timeout=SETTLING_MS)
        ticket = page.locator(".ticket")
        assert ticket.locator(".number strong").inner_text().strip().isdigit()
        assert ticket.locator(".arrival").inner_text().strip() not in {"", "—"}
        shot("6-ticket")

        # 8. Cancel: the refund's mode and when the money is back.
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="取消预约").click()
        cancelled = page.locator(".order[data-status='CANCELLED']")
        cancelled.or_(page.locator(".error")).first.wait_for(timeout=SETTLING_MS)
        assert not page.locator(".error").count(), page.locator(".error").inner_text()
        page.locator(".refund .expected").wait_for(timeout=SETTLING_MS)
        refund = page.locator(".refund")
        assert refund.locator(".mode").inner_text().strip() in {
            "当日冲正，即时到账",
            "原路退款，即时到账",
            "次日批量退款，7 日内到账",
        }
        assert refund.locator(".expected").inner_text().strip() not in {"", "—"}
        shot("7-refund")

        # 9. A report made ready at the hospital arrives live, and opens.
        page.get_by_role("button", name="报告").click()
        _report_until_notified(page, server, zhang.id)
        # The notice refreshed the list: a report made for the test is in it, and opens.
        page.locator(".reports .row", has_text="H5 test").first.click()
        page.locator(".report h2", has_text="H5 test").wait_for()
        shot("8-report")

        # 10. A bill the doctor issued, paid at the cashier too.
        httpx.post(
            f"{server}/sim/his/bills",
            json={
                "patientId": zhang.id,
                "items": [{"code": "LAB-CBC", "name": "血常规", "amount": 2500}],
            },
        ).raise_for_status()
        page.get_by_role("button", name="缴费", exact=True).click()
        page.locator(".bill").or_(page.locator(".error")).first.wait_for()
        assert not page.locator(".error").count(), page.locator(".error").inner_text()
        shot("9-bills")
        page.get_by_role("button", name="合并缴费").click()
        page.get_by_role("button", name="去支付").click()
        page.wait_for_url("**/sim/bank/cashier/**")
        page.get_by_role("button", name="支付").click()
        page.get_by_role("link", name="返回商家").click()
        page.locator(".order[data-status='CONFIRMED']").wait_for(timeout=SETTLING_MS)
        shot("9-bill-paid")
        page.get_by_role("button", name="订单").click()
        page.locator(".row", has_text="消化内科").first.click()

        # 11. The English switch: the same order, in English.
        page.get_by_role("button", name="English").click()
        page.get_by_text("Refund mode").wait_for()
        shot("10-english")

    assert offline.refused == [], offline.refused
    assert page_errors == []
    # Automatic persisted queries: every request names its hash; the text goes only after
    # PERSISTED_QUERY_NOT_FOUND, so most requests (the repeated ones) carry no text at all.
    assert all("sha256Hash" in body["extensions"]["persistedQuery"] for body in sent)
    with_text = [body for body in sent if "query" in body]
    hashes_only = [body for body in sent if "query" not in body]
    assert len(hashes_only) > len(with_text) > 0


def _sign_in(page: Page, server: str, patient: Any) -> None:
    """Signed out, in Chinese: the WeChat authorisation as the patient, and back with a code."""
    page.goto(f"{server}/h5/")
    page.get_by_role("button", name="微信授权登录").click()
    page.wait_for_url("**/sim/wechat/connect/oauth2/authorize?**")
    page.locator(f"button[value='o-demo-{patient.id}']").click()
    page.wait_for_url(f"{server}/h5/")  # the code is gone from the address


def _verify(page: Page, patient: Any) -> None:
    """The identity verification, with the patient's details as the HIS has them."""
    page.get_by_label("姓名").fill(patient.name)
    page.get_by_label("身份证号").fill(patient.id_number)
    page.get_by_label("手机号").fill(patient.phone or "")
    page.get_by_role("button", name="认证").click()
    page.get_by_label("就诊人").wait_for()


def _report_until_notified(page: Page, server: str, patient_id: str) -> None:
    """Make reports ready until one's notice reaches the page, which cannot tell when the
    server listens: the first can come before it. Each try waits for the page."""
    from playwright.sync_api import TimeoutError as PageTimeout

    for attempt in range(1, 19):
        title = f"血常规 (H5 test {attempt})"
        httpx.post(
            f"{server}/sim/his/reports",
            json={"patientId": patient_id, "kind": "LAB", "title": title, "items": []},
        ).raise_for_status()
        try:
            page.locator(".notices [data-kind='REPORT_READY']").first.wait_for(timeout=5_000)
        except PageTimeout:
            continue
        return
    raise AssertionError("no notice reached the page")


def test_a_booking_the_server_is_too_busy_for_is_sent_again_at_its_turn(server: str) -> None:
    """Refused before anything ran (a request error), then answered TryAgainError (data):
    the page waits its turn each time, says so, and sends the same booking again, the same
    idempotency key each time, until the server books it."""
    seed = build_seed(Clock().today(), Clock().tz)
    li = seed.patients["pat-0002"]
    keys: list[str] = []
    refusals = [
        # The shedding door's refusal, as the server sends it (shedding.py).
        {"errors": [{"message": "busy", "extensions": {"code": "TRY_AGAIN", "retryAfterMs": 700}}]},
        # The slot gate's: too many bookings of this slot at once, nothing taken.
        {
            "data": {
                "bookAppointment": {
                    "__typename": "TryAgainError",
                    "code": "TRY_AGAIN",
                    "message": "人多，请稍后重试",
                }
            }
        },
    ]

    def busy_first(route: Any) -> None:
        body = route.request.post_data_json or {}
        key = ((body.get("variables") or {}).get("input") or {}).get("idempotencyKey")
        if route.request.method != "POST" or key is None:
            route.continue_()
            return
        keys.append(key)
        if len(keys) <= len(refusals):
            route.fulfill(
                status=200,
                content_type="application/json",
                headers={"retry-after": "1"},
                body=json.dumps(refusals[len(keys) - 1]),
            )
        else:
            route.continue_()

    with offline_browser() as (context, offline):
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page_errors: list[str] = []
        page.on("pageerror", lambda exc: page_errors.append(str(exc)))
        _sign_in(page, server, li)
        _verify(page, li)
        page.route(f"{server}/graphql", busy_first)
        page.locator(".row").first.click()
        page.locator(".schedule").first.wait_for()
        page.locator(f".schedule:not([data-date='{Clock().today()}']) .slot:enabled").first.click()
        page.locator(".busy").wait_for()  # the wait is said, not an error
        pay = page.get_by_role("button", name="去支付")
        pay.or_(page.locator(".error")).first.wait_for(timeout=SETTLING_MS)
        assert not page.locator(".error").count(), page.locator(".error").inner_text()
    assert len(keys) >= 3, keys  # refused twice, then booked
    assert len(set(keys)) == 1, "every resend is the same booking"
    assert offline.refused == [] and page_errors == []
