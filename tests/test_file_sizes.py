"""No module of the package over 400 lines without its reason stated at its top (STYLE.md: one
concept a file). The simulators are held to it by their own packages' layout."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "hospital_bff"
LIMIT = 400
REASON = "Over 400 lines:"


def test_every_long_module_says_why_at_its_top() -> None:
    silent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in {"simulators", "store"} and "migrations" in relative.parts:
            continue  # generated migrations
        if relative.parts[0] == "simulators":
            continue
        text = path.read_text()
        if text.count("\n") <= LIMIT:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if REASON not in docstring:
            silent.append(f"{relative} ({text.count(chr(10))} lines)")
    assert silent == [], f"split these, or say why at the top ('{REASON} ...')"
