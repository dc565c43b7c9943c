"""Lower layers import nothing above them (ARCHITECTURE.md, "Parts, and who may call whom").

Every module of `src/hospital_bff` has a rank in LAYERS below; a module may import modules of
its own rank or lower, never higher. Imports inside functions and under TYPE_CHECKING count
too: a local import that dodges a loop is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "hospital_bff"

# Ranks, lowest first. A key names a module or a package (all of it, unless a longer key
# names a part of it differently).
FOUNDATION, STORAGE, SERVICES, GRAPHQL_BASE, GRAPHQL_TYPES, RESOLVERS, ENTRY, PROCESS = range(8)
LAYERS: dict[str, int] = {
    # Pure facts and shared plumbing that every layer may use.
    "hospital_bff": FOUNDATION,  # the package's __init__
    "hospital_bff.amounts": FOUNDATION,
    # graphql.parse bounded as the schema's own, for the shortcuts that read a document first.
    "hospital_bff.bounded_parse": FOUNDATION,
    "hospital_bff.cache": FOUNDATION,
    # An ASGI answer held back until a cache decides to keep it.
    "hospital_bff.captured_answer": FOUNDATION,
    "hospital_bff.client_address": FOUNDATION,
    "hospital_bff.clock": FOUNDATION,
    "hospital_bff.config": FOUNDATION,
    "hospital_bff.events": FOUNDATION,
    # The GraphQL-over-HTTP spec's rules (media types, status codes), pure.
    "hospital_bff.graphql_over_http": FOUNDATION,
    # The caller's language, and messages (and GraphQL errors) in each of ours.
    "hospital_bff.language": FOUNDATION,
    "hospital_bff.logs": FOUNDATION,
    "hospital_bff.metrics": FOUNDATION,
    "hospital_bff.national_id": FOUNDATION,
    "hospital_bff.pii": FOUNDATION,
    "hospital_bff.production": FOUNDATION,
    "hospital_bff.request_id": FOUNDATION,
    # A request's body read once by the outermost middleware, parsed once for those inside.
    "hospital_bff.request_body": FOUNDATION,
    "hospital_bff.request_limits": FOUNDATION,
    "hospital_bff.subscription_limits": FOUNDATION,
    "hospital_bff.tokens": FOUNDATION,
    # Telemetry and the container's health probe: set up by the processes, used by any layer.
    "hospital_bff.tracing": FOUNDATION,
    "hospital_bff.probe": FOUNDATION,
    "hospital_bff.local_urls": FOUNDATION,
    # Outbound HTTP to the embedded simulators, handed to the app in the process.
    "hospital_bff.embedded_transport": FOUNDATION,
    # The after-commit buffer: services record jobs in their transaction; no actor is imported.
    "hospital_bff.jobs.enqueue": FOUNDATION,
    # The outside systems and our tables.
    "hospital_bff.datasources": STORAGE,
    "hospital_bff.store": STORAGE,
    # The business. `runtime` is the services' shared resources (datasources, cache, store)
    # together with the two long-lived services it holds (catalogue cache, staff sign-in).
    # It is not a composition layer above the services: every service takes the Runtime as
    # its one dependency (and imports it for the type), so ranked above them each service
    # would import upward; the two it builds are leaves that import no Runtime back.
    "hospital_bff.services": SERVICES,
    "hospital_bff.runtime": SERVICES,
    # What every GraphQL module may use: the typed context and its DataLoaders, error masking.
    "hospital_bff.resolvers.chosen_operation": GRAPHQL_BASE,
    "hospital_bff.resolvers.context": GRAPHQL_BASE,
    "hospital_bff.resolvers.errors": GRAPHQL_BASE,
    "hospital_bff.resolvers.loaders": GRAPHQL_BASE,
    "hospital_bff.resolvers.log_context": GRAPHQL_BASE,
    "hospital_bff.resolvers.masking": GRAPHQL_BASE,
    "hospital_bff.resolvers.query_limits": GRAPHQL_BASE,
    # The GraphQL types: declarations, no business.
    "hospital_bff.schema": GRAPHQL_TYPES,
    # Resolvers call services and map results to the types.
    "hospital_bff.resolvers": RESOLVERS,
    # Where requests, webhooks and jobs come in: the root types wire fields to resolvers.
    "hospital_bff.schema.__init__": ENTRY,
    "hospital_bff.schema.query": ENTRY,
    "hospital_bff.schema.mutation": ENTRY,
    "hospital_bff.schema.subscription": ENTRY,
    "hospital_bff.graphql_http": ENTRY,
    "hospital_bff.graphql_ws": ENTRY,
    "hospital_bff.health": ENTRY,
    "hospital_bff.http_middleware": ENTRY,
    "hospital_bff.persisted_queries": ENTRY,
    # Whole answers of the public catalogue, and a patient's schedules laid over them.
    "hospital_bff.response_cache": ENTRY,
    "hospital_bff.response_cache_http": ENTRY,
    "hospital_bff.public_operations": ENTRY,
    "hospital_bff.eligibility_overlay": ENTRY,
    # A signed-in patient's own answers, kept per account while their generations hold.
    "hospital_bff.personal_answers": ENTRY,
    # Refusing GraphQL requests at the door when the process has too many in flight.
    "hospital_bff.shedding": ENTRY,
    # SLOT_FULL for a sold-out slot answered before GraphQL runs (the slow path's own bytes).
    "hospital_bff.booking_door": ENTRY,
    "hospital_bff.booking_request": ENTRY,
    "hospital_bff.webhooks": ENTRY,
    # The FHIR front door: routes, mapping and operations on the services, beside /graphql.
    "hospital_bff.fhir": ENTRY,
    "hospital_bff.jobs": ENTRY,
    "hospital_bff.staff_cli": ENTRY,
    # The processes: the app, the command line, and the simulators the app may mount.
    "hospital_bff.app": PROCESS,
    "hospital_bff.cli": PROCESS,
    # uvicorn's HTTP protocol, as `serve` runs it.
    "hospital_bff.http_protocol": PROCESS,
    "hospital_bff.demo": PROCESS,  # serve --reset
    "hospital_bff.metrics_server": PROCESS,
    "hospital_bff.simulators": PROCESS,
}

# Known exceptions, each with its reason; the test fails when one is no longer needed.
ALLOWED: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) == 1:
        parts = parts[:-1] or [PACKAGE]
    return ".".join(parts) or PACKAGE


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


MODULES = _modules()


def _rank(module: str) -> int:
    key = module
    while key:
        if key in LAYERS:
            return LAYERS[key]
        key = key.rpartition(".")[0]
    raise KeyError(module)


def _imports(module: str, path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(PACKAGE))
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: resolved against this module's package
                package = module.rsplit(".", node.level)[0]
                base = f"{package}.{node.module}"
            if not base.startswith(PACKAGE):
                continue
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in MODULES else base)
    return found


def test_every_module_has_a_layer() -> None:
    unplaced = []
    for module in MODULES:
        try:
            _rank(module)
        except KeyError:
            unplaced.append(module)
    assert unplaced == [], "give these a rank in LAYERS"


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    used: set[tuple[str, str]] = set()
    for module, path in MODULES.items():
        rank = _rank(module)
        for target in sorted(_imports(module, path)):
            if _rank(target) > rank:
                if (module, target) in ALLOWED:
                    used.add((module, target))
                else:
                    upward.append(f"{module} -> {target}")
    assert upward == []
    assert used == set(ALLOWED), f"exceptions no longer needed: {set(ALLOWED) - used}"


def test_nothing_outside_the_simulators_but_the_app_imports_them() -> None:
    importers = {
        module
        for module, path in MODULES.items()
        if not module.startswith(f"{PACKAGE}.simulators")
        and any(t.startswith(f"{PACKAGE}.simulators") for t in _imports(module, path))
    }
    assert importers <= {f"{PACKAGE}.app", f"{PACKAGE}.cli"}


@pytest.mark.parametrize(
    ("module", "target"),
    [
        ("hospital_bff.datasources.bank", "hospital_bff.services.errors"),
        ("hospital_bff.services.booking", "hospital_bff.resolvers.booking"),
        ("hospital_bff.schema.orders", "hospital_bff.schema.query"),
    ],
)
def test_the_table_refuses_an_upward_import(module: str, target: str) -> None:
    assert _rank(target) > _rank(module)
