"""What a push shows on a locked phone screen, and production's push settings."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from hospital_bff.clock import SHANGHAI
from hospital_bff.config import Settings
from hospital_bff.production import production_problems
from hospital_bff.schema.enums import NoticeKind
from hospital_bff.services.notice_push import notice_data
from hospital_bff.store.models import Notice, Order

NAME = "欧阳娜娜"
ID_NUMBER = "11010519491231002X"


@pytest.mark.parametrize("kind", [k.value for k in NoticeKind])
def test_the_push_data_holds_no_id_full_name_or_id_number(kind: str) -> None:
    notice = Notice(
        id="ntc_secret_1",
        user_id="usr_secret_1",
        dedupe_key=f"{kind}:ord_secret_1",
        kind=kind,
        title="专家停诊，预约已取消",
        body=f"{NAME}（{ID_NUMBER}）的订单 ord_secret_1 已取消。",
        patient_id="P-secret-1",
        order_id="ord_secret_1",
        created_at=datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI),
    )
    order = Order(
        id="ord_secret_1",
        kind="REGISTRATION",
        status="CANCELLED",
        user_id="usr_secret_1",
        his_patient_id="P-secret-1",
        patient_name=NAME,
        idempotency_key="k",
        amount=1000,
        department_name="内科",
        expert_name="张医生",
        visit_date=date(2026, 11, 28),
        created_at=datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI),
        expires_at=datetime(2026, 11, 27, 9, 10, tzinfo=SHANGHAI),
    )
    data = notice_data(notice, NAME, order)
    shown = " ".join(data.values())
    for secret in (NAME, ID_NUMBER, "secret", "ntc_", "usr_", "ord_", "P-"):
        assert secret not in shown, (secret, data)
    assert data["name2"] == "欧***"
    assert all(len(v) <= 20 for v in data.values()), "WeChat's thing/name values are short"


def _production(tmp_path: Path, **overrides: object) -> Settings:
    from security.test_production_mode import production_values  # type: ignore[import-not-found]

    return Settings(_env_file=None, **{**production_values(tmp_path), **overrides})


def test_production_pushes_nothing_until_told_to(tmp_path: Path) -> None:
    assert _production(tmp_path).wechat_push == "off"
    assert Settings(_env_file=None).wechat_push == "bizsend"


def test_production_refuses_to_push_with_the_demo_templates(tmp_path: Path) -> None:
    problems = production_problems(_production(tmp_path, wechat_push="bizsend"))
    assert "BFF_WECHAT_PUSH is on with the demo BFF_WECHAT_PUSH_TEMPLATES" in problems
    real = {"REPORT_READY": "Xk3-real-template-id"}
    assert (
        production_problems(
            _production(tmp_path, wechat_push="bizsend", wechat_push_templates=real)
        )
        == []
    )
