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


def test_the_page_says_its_security_policy_and_is_asked_again_its_assets_are_kept() -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from hospital_bff.h5 import CONTENT_SECURITY_POLICY, h5_page

    mount = h5_page()
    assert mount is not None
    client = TestClient(Starlette(routes=[mount]))
    page = client.get("/h5/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    # index.html names the build's files: a phone asks again and gets a 304 while unchanged.
    assert page.headers["cache-control"] == "no-cache"
    again = client.get("/h5/", headers={"if-none-match": page.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "no-cache"
    # The hashed build files never change under their names.
    (script,) = (STATIC_DIR / "assets").glob("index-*.js")
    asset = client.get(f"/h5/assets/{script.name}")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
