"""The demo HIS's people, as a developer types them into `verifyIdentity`
(`hospital-bff demo people`): the son's ID number changes every year with his birth date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hospital_bff.simulators.his.records import PatientRecord
from hospital_bff.simulators.his.seed import demo_people as seeded_people
from hospital_bff.simulators.his.snapshot import saved_patients


@dataclass(frozen=True)
class DemoPerson:
    """A person the demo HIS knows, as a developer types them into verifyIdentity."""

    patient_id: str
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str | None
    insurance: str
    card_number: str

    @classmethod
    def of(cls, p: PatientRecord) -> DemoPerson:
        return cls(
            p.id, p.name, p.sex, p.birth_date, p.id_number, p.phone, p.insurance, p.card_number
        )


def demo_people(state_dir: Path | None, today: date) -> tuple[list[DemoPerson], str]:
    """The HIS's people as the next `hospital-bff serve` will hold them: the saved simulator's
    when there is one (with everyone registered since), else today's fresh seed (whose son's
    ID number changes with his birth date every year). Also answers where they come from."""
    saved = state_dir / "his.json" if state_dir is not None else None
    if saved is not None and saved.exists():
        try:
            patients = saved_patients(saved.read_bytes())
        except ValueError:
            pass
        else:
            return [DemoPerson.of(p) for p in patients], f"the saved simulator ({saved})"
    return [DemoPerson.of(p) for p in seeded_people(today)], f"a fresh demo on {today.isoformat()}"
