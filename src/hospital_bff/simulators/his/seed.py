"""The demo hospital a fresh simulator starts with: the catalogue and a few patients.

Everything is derived from the day the simulator starts (or is reset), so a demo always has
bookable schedules for today and the next seven days, and IDs stay stable across restarts.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from hospital_bff.simulators.his.id_numbers import resident_id
from hospital_bff.simulators.his.records import (
    BillRecord,
    DepartmentRecord,
    ExpertRecord,
    HisSeed,
    PatientRecord,
    PrescriptionRecord,
    ReportRecord,
    ScheduleRecord,
    SlotRecord,
)

SLOT_MINUTES = 30
BOOKING_HORIZON_DAYS = 7
RELEASE_DAYS_BEFORE = 7

# period -> (ID suffix, session start, session end)
PERIODS: dict[str, tuple[str, time, time]] = {
    "MORNING": ("AM", time(8, 0), time(12, 0)),
    "AFTERNOON": ("PM", time(13, 30), time(17, 30)),
}

# title -> (registration fee, diagnosis fee, patients per 30-minute slot); senior doctors see fewer
TITLES: dict[str, tuple[int, int, int]] = {
    "主任医师": (5000, 1000, 2),
    "副主任医师": (3000, 1000, 3),
    "主治医师": (1500, 800, 3),
}


# --- the catalogue ----------------------------------------------------------------------------

DEPARTMENTS: tuple[DepartmentRecord, ...] = (
    DepartmentRecord(
        "dep-nk",
        "内科",
        "诊治成人常见内科疾病，如发热、咳嗽、高血压、糖尿病等；病情不明确时可先挂内科。",
        "门诊楼2层A区",
    ),
    DepartmentRecord(
        "dep-xhnk",
        "消化内科",
        "诊治胃炎、消化性溃疡、肝病、胰腺疾病等消化系统疾病，开展胃肠镜检查与内镜下治疗。",
        "门诊楼2层B区",
        parent_id="dep-nk",
    ),
    DepartmentRecord(
        "dep-xxgnk",
        "心血管内科",
        "诊治冠心病、高血压、心律失常、心力衰竭等心血管疾病。",
        "门诊楼2层C区",
        parent_id="dep-nk",
    ),
    DepartmentRecord(
        "dep-wk",
        "外科",
        "诊治需要手术或外科处理的疾病，如腹部包块、甲状腺结节、乳腺疾病、外伤等。",
        "门诊楼3层A区",
    ),
    DepartmentRecord(
        "dep-fck",
        "妇产科",
        "诊治妇科疾病，提供孕期检查、产前诊断与计划生育服务。仅接诊女性患者。",
        "门诊楼4层A区",
        sex="FEMALE",
    ),
    DepartmentRecord(
        "dep-ek",
        "儿科",
        "诊治14周岁及以下儿童的常见病、多发病，开展生长发育评估。",
        "门诊楼1层B区",
        max_age=14,
    ),
    DepartmentRecord(
        "dep-nank",
        "男科",
        "诊治前列腺疾病、男性不育及性功能障碍等男性疾病。仅接诊男性患者。",
        "门诊楼3层B区",
        sex="MALE",
    ),
    DepartmentRecord(
        "dep-yk",
        "眼科",
        "诊治白内障、青光眼、眼底病、屈光不正等眼部疾病。",
        "门诊楼5层A区",
    ),
)

# (expert ID, department ID, name, title, specialty)
_EXPERTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("exp-nk-1", "dep-nk", "王建国", "主任医师", "高血压、糖尿病等慢性病的诊治"),
    ("exp-nk-2", "dep-nk", "陈静", "副主任医师", "呼吸道感染、慢性咳嗽"),
    ("exp-nk-3", "dep-nk", "赵磊", "主治医师", "内科常见病、多发病"),
    ("exp-xhnk-1", "dep-xhnk", "孙海涛", "主任医师", "胃食管反流病、消化道早癌的内镜诊治"),
    ("exp-xhnk-2", "dep-xhnk", "周敏", "副主任医师", "幽门螺杆菌感染、功能性胃肠病"),
    ("exp-xxgnk-1", "dep-xxgnk", "吴国华", "主任医师", "冠心病介入治疗"),
    ("exp-xxgnk-2", "dep-xxgnk", "郑丽", "主治医师", "心律失常、高血压"),
    ("exp-wk-1", "dep-wk", "刘强", "主任医师", "肝胆胰外科、腹腔镜微创手术"),
    ("exp-wk-2", "dep-wk", "黄志勇", "副主任医师", "甲状腺、乳腺疾病"),
    ("exp-fck-1", "dep-fck", "林秀英", "主任医师", "高危妊娠、产前诊断"),
    ("exp-fck-2", "dep-fck", "何娟", "副主任医师", "妇科内分泌、月经失调"),
    ("exp-ek-1", "dep-ek", "杨春梅", "主任医师", "儿童呼吸系统疾病、哮喘"),
    ("exp-ek-2", "dep-ek", "许晨", "主治医师", "儿童常见病、生长发育评估"),
    ("exp-nank-1", "dep-nank", "马卫东", "主任医师", "男性不育、前列腺疾病"),
    ("exp-nank-2", "dep-nank", "罗斌", "副主任医师", "男性性功能障碍"),
    ("exp-yk-1", "dep-yk", "高明", "主任医师", "白内障、青光眼手术"),
    ("exp-yk-2", "dep-yk", "梁雪", "主治医师", "屈光不正、儿童近视防控"),
)


def _expert(row: tuple[str, str, str, str, str]) -> ExpertRecord:
    expert_id, department_id, name, title, specialty = row
    years = {"主任医师": 25, "副主任医师": 15, "主治医师": 8}[title]
    return ExpertRecord(
        id=expert_id,
        department_id=department_id,
        name=name,
        title=title,
        specialty=specialty,
        intro=f"{name}，{title}，从事临床工作{years}年，擅长{specialty}。",
        photo_url=f"/sim/his/photos/{expert_id}.svg",
    )


def schedules_for_day(
    expert: ExpertRecord, department: DepartmentRecord, day: date, tz: ZoneInfo
) -> list[tuple[ScheduleRecord, list[SlotRecord]]]:
    """The morning and afternoon clinics of one expert on one day, with their slots."""
    fee, diagnosis_fee, capacity = TITLES[expert.title]
    release_at = datetime.combine(day - timedelta(days=RELEASE_DAYS_BEFORE), time(0), tz)
    result = []
    for period, (suffix, start, end) in PERIODS.items():
        schedule_id = f"sch-{expert.id}-{day:%Y%m%d}-{suffix}"
        starts_at = datetime.combine(day, start, tz)
        ends_at = datetime.combine(day, end, tz)
        schedule = ScheduleRecord(
            id=schedule_id,
            expert_id=expert.id,
            department_id=expert.department_id,
            date=day,
            period=period,
            starts_at=starts_at,
            ends_at=ends_at,
            release_at=release_at,
            registration_fee=fee,
            diagnosis_fee=diagnosis_fee,
            location=department.location,
        )
        slots = []
        at = starts_at
        while at < ends_at:
            slot_id = f"slot-{schedule_id.removeprefix('sch-')}-{at:%H%M}"
            slot_end = at + timedelta(minutes=SLOT_MINUTES)
            slots.append(SlotRecord(slot_id, schedule_id, at, slot_end, capacity))
            schedule.slot_ids.append(slot_id)
            at = slot_end
        result.append((schedule, slots))
    return result


def add_schedules(seed: HisSeed, day: date, tz: ZoneInfo) -> None:
    """Add every expert's clinics of `day` unless that day is already there."""
    for expert in seed.experts.values():
        department = seed.departments[expert.department_id]
        for schedule, slots in schedules_for_day(expert, department, day, tz):
            if schedule.id in seed.schedules:
                continue
            seed.schedules[schedule.id] = schedule
            seed.slots.update((slot.id, slot) for slot in slots)


# --- demo patients and their records ----------------------------------------------------------


def _at(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tz)


def demo_people(today: date) -> list[PatientRecord]:
    """The demo people on `today`; the son's ID number changes every year with his birth date."""
    # The child is six on every run, so paediatrics (age <= 14) always accepts him.
    child_birth = date(today.year - 6, 5, 1)
    rows = [
        ("pat-0001", "张伟", "110101", date(1985, 3, 12), 1, "MALE", "13800138001", "SELF_PAY"),
        (
            "pat-0002",
            "李娜",
            "110105",
            date(1990, 7, 21),
            2,
            "FEMALE",
            "13800138002",
            "MEDICAL_INSURANCE",
        ),
        ("pat-0003", "张小宇", "110101", child_birth, 3, "MALE", "13800138001", "SELF_PAY"),
        ("pat-0004", "王芳", "310104", date(1968, 11, 2), 4, "FEMALE", "13900139004", "SELF_PAY"),
    ]
    return [
        PatientRecord(
            id=pid,
            name=name,
            id_number=resident_id(area, birth, n, sex),
            sex=sex,
            birth_date=birth,
            phone=phone,
            insurance=insurance,
            card_number=f"200000{n:04d}",
        )
        for pid, name, area, birth, n, sex, phone, insurance in rows
    ]


def _cbc_items(high_wbc: bool) -> list[dict[str, Any]]:
    return [
        _item("白细胞计数", "11.2" if high_wbc else "6.1", "10^9/L", "3.5-9.5", high_wbc),
        _item("红细胞计数", "4.80", "10^12/L", "4.30-5.80", False),
        _item("血红蛋白", "145", "g/L", "130-175", False),
        _item("血小板计数", "210", "10^9/L", "125-350", False),
    ]


def _item(name: str, value: str, unit: str, ref: str, high: bool) -> dict[str, Any]:
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "referenceRange": ref,
        "flag": "HIGH" if high else "NORMAL",
    }


def _demo_records(seed: HisSeed, today: date, tz: ZoneInfo) -> None:
    two_days_ago = today - timedelta(days=2)
    yesterday = today - timedelta(days=1)
    for n, patient in enumerate(seed.patients.values(), start=1):
        pid = patient.id
        seed.reports[f"rpt-{n:04d}-1"] = ReportRecord(
            id=f"rpt-{n:04d}-1",
            patient_id=pid,
            kind="LAB",
            title="血常规",
            status="FINAL",
            issued_at=_at(two_days_ago, 10, 30, tz),
            conclusion=(
                "白细胞计数偏高，提示可能存在感染，请结合临床。"
                if n % 2
                else "各项指标在参考范围内。"
            ),
            items=_cbc_items(high_wbc=bool(n % 2)),
        )
        if n % 2:
            seed.reports[f"rpt-{n:04d}-2"] = ReportRecord(
                id=f"rpt-{n:04d}-2",
                patient_id=pid,
                kind="EXAM",
                title="胸部X线正位片",
                status="FINAL",
                issued_at=_at(two_days_ago, 15, 0, tz),
                conclusion="两肺纹理清晰，心膈未见明显异常。",
                items=[],
            )
        else:
            seed.reports[f"rpt-{n:04d}-2"] = ReportRecord(
                id=f"rpt-{n:04d}-2",
                patient_id=pid,
                kind="LAB",
                title="甲状腺功能",
                status="PENDING",
                issued_at=_at(yesterday, 9, 0, tz),
                conclusion=None,
                items=[],
            )
        seed.prescriptions[f"rx-{n:04d}-1"] = PrescriptionRecord(
            id=f"rx-{n:04d}-1",
            patient_id=pid,
            issued_at=_at(two_days_ago, 11, 0, tz),
            doctor_name="陈静" if patient.birth_date.year < today.year - 14 else "杨春梅",
            diagnosis="急性上呼吸道感染",
            items=[
                {
                    "drugName": "阿莫西林胶囊",
                    "dose": "0.5g",
                    "frequency": "每日3次",
                    "route": "口服",
                    "days": 7,
                    "guidance": "饭后服用；对青霉素过敏者禁用。",
                },
                {
                    "drugName": "对乙酰氨基酚片",
                    "dose": "0.5g",
                    "frequency": "发热时",
                    "route": "口服",
                    "days": 3,
                    "guidance": "体温超过38.5℃时服用，两次间隔不少于4小时。",
                },
            ],
        )
        seed.bills[f"bill-{n:04d}-1"] = BillRecord(
            id=f"bill-{n:04d}-1",
            patient_id=pid,
            title="检验费",
            issued_at=_at(yesterday, 10, 0, tz),
            items=[
                {"code": "LAB-CBC", "name": "血常规", "amount": 2500},
                {"code": "LAB-CRP", "name": "C反应蛋白", "amount": 4000},
            ],
        )
        if n == 1:
            seed.bills[f"bill-{n:04d}-2"] = BillRecord(
                id=f"bill-{n:04d}-2",
                patient_id=pid,
                title="检查费",
                issued_at=_at(yesterday, 10, 5, tz),
                items=[{"code": "EXAM-DR", "name": "胸部DR", "amount": 12000}],
            )


def build_seed(today: date, tz: ZoneInfo, *, demo_patients: bool = True) -> HisSeed:
    """The hospital on `today`: its catalogue, and (for demos) a few patients with records.

    A copy of the one made first for that day in this process: every app start (each test's
    too) resets its HIS, and copying the records costs a fraction of deriving them again."""
    return _copy_seed(_first_seed(today, tz, demo_patients))


@lru_cache(maxsize=4)
def _first_seed(today: date, tz: ZoneInfo, demo_patients: bool) -> HisSeed:
    seed = HisSeed()
    seed.departments = {d.id: _copy_department(d) for d in DEPARTMENTS}
    seed.experts = {row[0]: _expert(row) for row in _EXPERTS}
    for offset in range(BOOKING_HORIZON_DAYS + 1):
        add_schedules(seed, today + timedelta(days=offset), tz)
    if demo_patients:
        seed.patients = {p.id: p for p in demo_people(today)}
        _demo_records(seed, today, tz)
    return seed


def _copy_seed(seed: HisSeed) -> HisSeed:
    """Records the simulator may change, each its own: the slots and schedules (the bulk)
    field by field, the few others deep-copied."""
    return HisSeed(
        departments=deepcopy(seed.departments),
        experts=deepcopy(seed.experts),
        schedules={
            key: ScheduleRecord(
                s.id,
                s.expert_id,
                s.department_id,
                s.date,
                s.period,
                s.starts_at,
                s.ends_at,
                s.release_at,
                s.registration_fee,
                s.diagnosis_fee,
                s.location,
                list(s.slot_ids),
                s.status,
                s.suspended_reason,
                s.last_number,
            )
            for key, s in seed.schedules.items()
        },
        slots={
            key: SlotRecord(s.id, s.schedule_id, s.starts_at, s.ends_at, s.capacity)
            for key, s in seed.slots.items()
        },
        patients=deepcopy(seed.patients),
        bills=deepcopy(seed.bills),
        reports=deepcopy(seed.reports),
        prescriptions=deepcopy(seed.prescriptions),
    )


def _copy_department(d: DepartmentRecord) -> DepartmentRecord:
    return DepartmentRecord(
        d.id, d.name, d.intro, d.location, d.parent_id, d.sex, d.min_age, d.max_age
    )
