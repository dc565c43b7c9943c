"""A document that asks for too much is refused before it runs, and judging it is cheap:
each fragment is evaluated once however often it is spread, so the work is linear in the
document's size (the fragment bomb that once blocked the event loop for 11 s and more)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, get_introspection_query, parse

from hospital_bff.config import Settings
from hospital_bff.resolvers.query_limits import DocumentAnalyser, Figures, QueryLimits
from hospital_bff.schema import schema
from hospital_bff.schema.pagination import DEFAULT_PAGE, MAX_PAGE

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract"


def _default(name: str) -> int:
    value = Settings.model_fields[name].default
    assert isinstance(value, int)
    return value


DEFAULTS = QueryLimits(
    max_depth=_default("max_query_depth"),
    max_aliases=_default("max_query_aliases"),
    max_cost=_default("max_query_cost"),
    default_page=DEFAULT_PAGE,
    max_page=MAX_PAGE,
)


def bomb(levels: int, leaf: str = "departments { id }") -> str:
    """Fragment Fi spreads F(i-1) twice: 2^levels copies of the leaf, in ~40 bytes a level."""
    parts = [f"fragment F0 on Query {{ {leaf} }}"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return " ".join(parts) + f" query {{ ...F{levels} }}"


def analyse(document: str) -> tuple[DocumentAnalyser, Figures]:
    ast = parse(document)
    analyser = DocumentAnalyser(schema._schema, ast, DEFAULTS)
    [operation] = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    return analyser, analyser.operation(operation)


async def _errors(client: httpx.AsyncClient, query: str, **extra: Any) -> list[dict[str, Any]]:
    response = await client.post("/graphql", json={"query": query, **extra})
    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None, "a refused document runs nothing"
    errors: list[dict[str, Any]] = body["errors"]
    return errors


def _refused_for(errors: list[dict[str, Any]]) -> set[str]:
    assert all(e["extensions"]["code"] == "QUERY_TOO_COMPLEX" for e in errors), errors
    return {e["extensions"]["limit"] for e in errors}


# --- the attacks -------------------------------------------------------------------------


async def test_the_fragment_bomb_is_refused_with_a_code(client: httpx.AsyncClient) -> None:
    errors = await _errors(client, bomb(20))
    assert _refused_for(errors) == {"cost"}
    assert "BFF_MAX_QUERY_COST" in errors[0]["message"]


async def test_an_alias_bomb_is_refused(client: httpx.AsyncClient) -> None:
    errors = await _errors(client, bomb(20, leaf="a: departments { id } b: departments { id }"))
    assert "aliases" in _refused_for(errors)


async def test_one_alias_over_the_limit_is_refused_and_at_the_limit_runs(
    client: httpx.AsyncClient,
) -> None:
    def aliased(n: int) -> str:
        return "query { " + " ".join(f"a{i}: __typename" for i in range(n)) + " }"

    assert _refused_for(await _errors(client, aliased(DEFAULTS.max_aliases + 1))) == {"aliases"}
    body = (await client.post("/graphql", json={"query": aliased(DEFAULTS.max_aliases)})).json()
    assert "errors" not in body and len(body["data"]) == DEFAULTS.max_aliases


async def test_depth_hidden_in_fragments_is_counted(client: httpx.AsyncClient) -> None:
    # Each fragment nests one more level; none of them is deep on its own.
    levels = DEFAULTS.max_depth + 1
    parts = ["fragment D0 on Department { id }"]
    parts += [
        f"fragment D{i} on Department {{ children {{ ...D{i - 1} }} }}" for i in range(1, levels)
    ]
    document = " ".join(parts) + f" query {{ departments {{ ...D{levels - 1} }} }}"
    assert analyse(document)[1].depth == levels + 1
    errors = await _errors(client, document)
    assert "depth" in _refused_for(errors)
    assert "BFF_MAX_QUERY_DEPTH" in next(e["message"] for e in errors if "depth" in e["message"])


async def test_a_page_too_large_is_refused_by_its_cost(client: httpx.AsyncClient) -> None:
    query = "{ orders(first: 100000) { edges { node { id items { name } } } } }"
    assert _refused_for(await _errors(client, query)) == {"cost"}


async def test_a_variable_page_is_costed_at_the_largest_page_a_resolver_accepts() -> None:
    literal = analyse("{ notices(first: 100) { edges { node { id } } } }")[1]
    variable = analyse("query($n: Int = 1) { notices(first: $n) { edges { node { id } } } }")[1]
    absent = analyse("{ notices { edges { node { id } } } }")[1]
    assert variable.cost == literal.cost == 1 + MAX_PAGE * (1 + 1 * (1 + 1))
    assert absent.cost == 1 + DEFAULT_PAGE * 3


async def test_a_huge_page_literal_does_not_break_the_judge(client: httpx.AsyncClient) -> None:
    errors = await _errors(client, "{ notices(first: " + "9" * 5000 + ") { unreadCount } }")
    assert errors, "refused (by the Int rule and by cost), not a crash"


async def test_a_fragment_cycle_is_an_error_not_a_hang(client: httpx.AsyncClient) -> None:
    document = (
        "fragment A on Query { departments { id } ...B } fragment B on Query { ...A } "
        "query { ...A }"
    )
    analyser, figures = analyse(document)
    assert analyser.fragment_evaluations == 2 and figures.depth == 2
    errors = (await client.post("/graphql", json={"query": document})).json()["errors"]
    assert any("within itself" in e["message"] for e in errors)


# --- the work is linear ------------------------------------------------------------------


@pytest.mark.parametrize("levels", [10, 20, 60])
def test_each_fragment_is_evaluated_once_however_often_it_is_spread(levels: int) -> None:
    analyser, figures = analyse(bomb(levels))
    assert figures.cost == 2**levels * (1 + 10 * 1)  # the expanded document, as priced
    assert analyser.fragment_evaluations == levels + 1
    # One operation selection, two spreads a level, and the leaf's two fields: linear.
    assert analyser.selections_seen == 1 + 2 * levels + 2


def test_doubling_the_bomb_doubles_the_work_not_squares_it() -> None:
    ten, twenty = analyse(bomb(10))[0], analyse(bomb(20))[0]
    assert twenty.selections_seen - ten.selections_seen == 2 * 10


# --- what the clients send passes ----------------------------------------------------------


def _contract_operations() -> list[tuple[str, str]]:
    found = []
    for path in sorted(CONTRACT.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        for definition in parse(text).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                found.append((f"{path.stem}:{definition.name.value}", text))
    return found


CONTRACT_OPERATIONS = _contract_operations()


def test_the_contract_is_there() -> None:
    assert len(CONTRACT_OPERATIONS) >= 25


@pytest.mark.parametrize(
    ("name", "document"), CONTRACT_OPERATIONS, ids=[n for n, _ in CONTRACT_OPERATIONS]
)
def test_every_contract_operation_is_within_the_default_limits(name: str, document: str) -> None:
    ast = parse(document)
    analyser = DocumentAnalyser(schema._schema, ast, DEFAULTS)
    [operation] = [
        d
        for d in ast.definitions
        if isinstance(d, OperationDefinitionNode) and d.name and d.name.value == name.split(":")[1]
    ]
    figures = analyser.operation(operation)
    assert DEFAULTS.judge(figures) == [], (name, figures)
    assert figures.cost > 0 and figures.depth > 0


async def test_graphiql_introspection_is_not_refused(client: httpx.AsyncClient) -> None:
    body = (await client.post("/graphql", json={"query": get_introspection_query()})).json()
    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"
