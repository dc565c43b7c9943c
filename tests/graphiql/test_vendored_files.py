"""The vendored GraphiQL release: as recorded in its SHA256SUMS, licensed, all of it loaded."""

from __future__ import annotations

import fnmatch
import hashlib
import re
import tomllib
from pathlib import Path

from hospital_bff.graphiql.page import STATIC_DIR, VENDOR_SCRIPTS, VENDOR_STYLES

VENDOR = STATIC_DIR / "vendor"
REPO = Path(__file__).resolve().parents[2]


def _sums() -> dict[str, str]:
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def test_every_vendored_file_is_as_recorded() -> None:
    sums = _sums()
    on_disk = {p.name for p in VENDOR.iterdir()} - {"SHA256SUMS", "README.md"}

    assert on_disk == set(sums), "update SHA256SUMS with the files (see vendor/README.md)"
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_the_page_loads_every_vendored_file_and_each_has_its_licence() -> None:
    loaded = {name.removeprefix("vendor/") for name in (*VENDOR_SCRIPTS, *VENDOR_STYLES)}
    code = {name for name in _sums() if not name.endswith(".LICENSE")}

    assert loaded == code
    for name in code:
        package = re.sub(r"\.(production\.)?min\.(js|css)$", "", name)
        assert (VENDOR / f"{package}.LICENSE").is_file(), name


def test_only_minified_builds_are_vendored() -> None:
    # A development build or a source map would double the wheel for nothing.
    assert all(".min." in name for name in (*VENDOR_SCRIPTS, *VENDOR_STYLES))
    assert not list(VENDOR.glob("*.map"))
    total = sum(p.stat().st_size for p in VENDOR.iterdir())
    assert total < 2_500_000, total


def test_the_wheel_ships_every_static_file() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    globs = pyproject["tool"]["setuptools"]["package-data"]["hospital_bff"]
    package = STATIC_DIR.parents[1]
    for path in STATIC_DIR.rglob("*"):
        if path.is_file():
            parts = path.relative_to(package).parts
            assert any(_glob_matches(parts, glob) for glob in globs), path


def _glob_matches(parts: tuple[str, ...], glob: str) -> bool:
    # setuptools' `*` stays within one folder.
    pattern = glob.split("/")
    return len(pattern) == len(parts) and all(map(fnmatch.fnmatchcase, parts, pattern))
