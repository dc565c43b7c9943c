"""The built page is mounted at /h5/ when BFF_H5_PAGE is on (demo's default), and not when it
is off (production's default); production's default itself is tested with the other demo aids
(tests/security/test_production_mode.py)."""

from __future__ import annotations

from starlette.routing import Mount

from hospital_bff.app import create_app
from hospital_bff.config import Settings
from hospital_bff.h5 import PATH, STATIC_DIR


def _mounted(settings: Settings) -> bool:
    app = create_app(settings)
    return any(isinstance(r, Mount) and r.path == PATH for r in app.router.routes)


def test_the_page_is_served_at_h5_only_when_switched_on() -> None:
    assert (STATIC_DIR / "index.html").is_file()
    assert _mounted(Settings(_env_file=None, embedded_simulators=False))
    assert not _mounted(Settings(_env_file=None, embedded_simulators=False, h5_page=False))
