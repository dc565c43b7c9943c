"""The vendored GraphiQL release: as recorded in its SHA256SUMS, licensed, all of it loaded."""

from __future__ import annotations

import hashlib
import re

from hospital_bff.graphiql.page import STATIC_DIR, VENDOR_SCRIPTS, VENDOR_STYLES

VENDOR = STATIC_DIR / "vendor"


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
