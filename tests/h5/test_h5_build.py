"""The committed build of the H5 page (src/hospital_bff/h5/static/, what the server serves) is
what web/'s sources build to today, and its typed documents are what codegen makes of today's
schema.graphql and contract: a change to any of them without `npm run codegen && npm run
build` fails here. `npm ci` from web/'s lock file, as a developer and CI do."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fixtures.node import require_tool, unavailable
from hospital_bff.h5 import STATIC_DIR

pytestmark = pytest.mark.slow

WEB = Path(__file__).resolve().parents[2] / "web"
GENERATED = WEB / "src" / "generated" / "graphql.ts"


def _npm(npm: str, *args: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        [npm, *args],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    assert done.returncode == 0, (
        f"npm {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.timeout(1200)
def test_the_committed_page_is_built_from_the_sources(tmp_path: Path) -> None:
    require_tool("node")
    npm = require_tool("npm")
    installed = subprocess.run(
        [npm, "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if installed.returncode != 0:
        unavailable(f"npm ci failed in web/:\n{installed.stderr[-2000:]}")

    committed = GENERATED.read_text(encoding="utf-8")
    _npm(npm, "run", "--silent", "codegen")
    assert GENERATED.read_text(encoding="utf-8") == committed, (
        "web/src/generated/graphql.ts is out of date: commit what `npm run codegen` wrote"
    )

    out = tmp_path / "h5"
    _npm(npm, "run", "--silent", "build", env={"H5_OUT_DIR": str(out)})
    built, served = _files(out), _files(STATIC_DIR)
    assert sorted(built) == sorted(served), "cd web && npm run build, then commit the output"
    changed = [name for name in built if built[name] != served[name]]
    assert changed == [], f"stale build of {changed}: cd web && npm run build, then commit"

    # Built on its own for a CDN: its own base path, the API and WeChat's real page named.
    cdn = tmp_path / "cdn"
    api = "https://api.hospital.example/graphql"
    wechat = "https://open.weixin.qq.com/connect/oauth2/authorize"
    _npm(
        npm,
        "run",
        "--silent",
        "build",
        env={
            "H5_OUT_DIR": str(cdn),
            "H5_BASE": "/static/h5/",
            "VITE_GRAPHQL_URL": api,
            "VITE_WECHAT_AUTHORIZE_URL": wechat,
            "VITE_WECHAT_APP_ID": "wx0123456789abcdef",
        },
    )
    assert 'src="/static/h5/assets/' in (cdn / "index.html").read_text(encoding="utf-8")
    bundle = "".join(p.read_text(encoding="utf-8") for p in (cdn / "assets").glob("*.js"))
    for named in (api, wechat, "wx0123456789abcdef"):
        assert named in bundle
    assert "/sim/wechat" not in bundle
