"""docs/grafana-dashboard.json asks only for metrics (and labels) the BFF exports, and shows
every one of them: a renamed metric breaks this test, not an operator's dashboard."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from hospital_bff import metrics

DASHBOARD = Path(__file__).resolve().parents[1] / "docs" / "grafana-dashboard.json"
# Labels Prometheus itself attaches to every series, and a histogram's bucket bound.
TARGET_LABELS = {"job", "instance"}
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset"}
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"


def exported() -> dict[str, set[str]]:
    """Every series name the BFF's metrics expose, with the labels each carries."""
    series: dict[str, set[str]] = {}
    for metric in vars(metrics).values():
        if not isinstance(metric, Counter | Gauge | Histogram):
            continue
        # prometheus_client keeps the family name (a counter's without `_total`) and labels
        # on the instance only.
        name: str = metric._name
        labels = set(metric._labelnames)
        if isinstance(metric, Counter):
            series[f"{name}_total"] = labels
        elif isinstance(metric, Gauge):
            series[name] = labels
        else:
            for suffix in ("_sum", "_count"):
                series[name + suffix] = labels
            series[f"{name}_bucket"] = labels | {"le"}
    return series


def queries() -> list[str]:
    dashboard: dict[str, Any] = json.loads(DASHBOARD.read_text("utf-8"))
    found = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            found.append(variable["definition"])
    return found


def metric_names(expr: str) -> set[str]:
    if expr.startswith("label_values("):
        # A Grafana variable's query: label_values(metric, label).
        return set(re.findall(rf"label_values\(\s*({NAME})", expr))
    text = re.sub(r'"[^"]*"', '""', expr)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\$\w+", " ", text)
    text = re.sub(r"\b(?:by|without)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(rf"({NAME})\s*(\()?", text):
        word, call = match.group(1), match.group(2)
        if call or word in PROMQL_WORDS or word[0].isdigit():
            continue
        names.add(word)
    return names


def label_names(expr: str) -> set[str]:
    labels = set()
    for matchers in re.findall(r"\{([^}]*)\}", re.sub(r'"[^"]*"', '""', expr)):
        labels |= set(re.findall(rf"({NAME})\s*(?:=~|!~|!=|=)", matchers))
    for grouping in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
        labels |= {label.strip() for label in grouping.split(",") if label.strip()}
    labels |= set(re.findall(rf"label_values\(\s*{NAME}\s*,\s*({NAME})", expr))
    return labels


def test_every_metric_the_dashboard_queries_is_exported() -> None:
    series = exported()
    for expr in queries():
        names = metric_names(expr)
        assert names, f"no metric found in {expr!r}"
        unknown = names - set(series)
        assert not unknown, f"{expr!r} asks for {unknown}, not exported by metrics.py"
        allowed = TARGET_LABELS.union(*(series[name] for name in names))
        assert label_names(expr) <= allowed, f"{expr!r}: labels {label_names(expr) - allowed}"


def test_every_exported_metric_is_on_the_dashboard() -> None:
    shown = set().union(*(metric_names(expr) for expr in queries()))
    families = {re.sub(r"_(total|sum|count|bucket)$", "", name) for name in exported()}
    shown_families = {re.sub(r"_(total|sum|count|bucket)$", "", name) for name in shown}
    assert families <= shown_families, families - shown_families


def test_the_parser_sees_a_wrong_name() -> None:
    assert metric_names('sum by (code) (rate(bff_bookings_total{job=~"$job"}[5m]))') == {
        "bff_bookings_total"
    }
    assert label_names('sum by (code) (rate(x{outcome!="ok"}[5m]))') == {"code", "outcome"}
