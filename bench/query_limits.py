"""Query limits: how long judging a hostile document takes, and whether it slows anyone else.

1. In process: parse + validate (all of graphql-core's rules and ours) for the 20-level
   fragment bomb, and for the largest hostile documents the token limit lets one build; for
   comparison, strawberry's QueryDepthLimiter + MaxAliasesLimiter on smaller bombs.
2. Against `hospital-bff serve` (embedded default, loopback): the latency of a simple query
   alone, then while bombs are sent from several connections without pause.

Targets: every document within the token limit judged in under 50 ms; the simple query's
latency under bombs within a few ms of its latency alone.

    python bench/query_limits.py --seconds 10 --bombers 4
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate
from graphql.language import Lexer, Source, TokenKind
from graphql.validation import ASTValidationRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from hospital_bff.config import Settings
from hospital_bff.resolvers.query_limits import QueryLimits, query_limits_rule
from hospital_bff.schema import build_schema
from hospital_bff.schema.pagination import DEFAULT_PAGE, MAX_PAGE

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import base_env, free_port, running

TARGET_MS = 50.0
SIMPLE = "{ departments { id name } }"


def tokens(document: str) -> int:
    lexer = Lexer(Source(document))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


def bomb(levels: int, leaf: str = "departments { id }") -> str:
    parts = [f"fragment F0 on Query {{ {leaf} }}"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return " ".join(parts) + f" query {{ ...F{levels} }}"


def fan_out(fragments: int) -> str:
    """Fragment i spreads every fragment before it: quadratic spreads, exponential expansion."""
    parts = ["fragment F0 on Query { departments { id } }"]
    for i in range(1, fragments):
        parts.append(f"fragment F{i} on Query {{ {' '.join(f'...F{j}' for j in range(i))} }}")
    return " ".join(parts) + f" query {{ ...F{fragments - 1} }}"


def aliases(count: int) -> str:
    return "query { " + " ".join(f"a{i}: departments {{ id }}" for i in range(count)) + " }"


def nested(levels: int) -> str:
    return "query { departments { " + "children { " * levels + "id" + " }" * (levels + 1) + " }"


def fits(document: str, limit: int) -> bool:
    if tokens(document) > limit:
        return False
    try:
        parse(document, max_tokens=limit)
    except GraphQLError:  # nested beyond what the parser takes
        return False
    return True


def largest(build: Callable[[int], str], limit: int) -> str:
    """The largest `build(n)` the server would parse: within `limit` tokens, not too nested."""
    n = 1
    while fits(build(n + 1), limit):
        n += 1
    return build(n)


def _limits() -> QueryLimits:
    settings = Settings()
    return QueryLimits(
        settings.max_query_depth,
        settings.max_query_aliases,
        settings.max_query_cost,
        DEFAULT_PAGE,
        MAX_PAGE,
    )


def _median_ms(work: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `work` (CPU time: the machine may be shared)."""
    wall, cpu = [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def judge(
    schema: GraphQLSchema, document: str, ours: list[type[ASTValidationRule]], rounds: int = 5
) -> dict[str, tuple[float, float]]:
    """Milliseconds (wall, CPU) to parse, to run graphql-core's rules, to run `ours`, and all."""
    limit = Settings().max_query_tokens
    ast = parse(document, max_tokens=limit)
    return {
        "parse": _median_ms(lambda: parse(document, max_tokens=limit), rounds),
        "graphql-core rules": _median_ms(lambda: validate(schema, ast, specified_rules), rounds),
        "limits": _median_ms(lambda: validate(schema, ast, ours), rounds),
        "all": _median_ms(
            lambda: validate(schema, parse(document, max_tokens=limit), [*specified_rules, *ours]),
            rounds,
        ),
    }


def in_process() -> float:
    schema = build_schema()._schema
    max_tokens = Settings().max_query_tokens
    ours = [query_limits_rule(_limits())]
    documents = {
        "20-level fragment bomb": bomb(20),
        "largest doubling bomb": largest(bomb, max_tokens),
        "largest alias bomb": largest(
            lambda n: bomb(n, "a: departments { id } b: departments { id }"), max_tokens
        ),
        "largest fan-out of spreads": largest(fan_out, max_tokens),
        "largest alias list": largest(aliases, max_tokens),
        "deepest nesting that parses": largest(nested, max_tokens),
    }
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"judging, median of 5, ms wall/CPU; token limit {max_tokens}:")
    print(
        f"  {'document':28} {'bytes':>6} {'tokens':>6} {'parse':>11} {'graphql-core':>13}"
        f" {'limits':>11} {'all':>13}"
    )
    worst = 0.0
    for name, document in documents.items():
        figures = judge(schema, document, ours)
        worst = max(worst, figures["all"][1])
        cells = " ".join(f"{w:6.1f}/{c:<6.1f}" for w, c in figures.values())
        print(f"  {name:28} {len(document):6} {tokens(document):6} {cells}")
    print(f"  worst, all rules, CPU: {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")

    # What it replaced, on bombs small enough to finish.
    before = [
        *QueryDepthLimiter(max_depth=12).validation_rules,
        *MaxAliasesLimiter(max_alias_count=30).validation_rules,
    ]
    for levels in (12, 14, 16):
        document = bomb(levels)

        def old_judge(document: str = document) -> object:
            return validate(schema, parse(document), before)

        _, cpu = _median_ms(old_judge, 1)
        print(
            f"  before: strawberry's depth and alias limiters, {levels}-level bomb: "
            f"{cpu:.0f} ms CPU"
        )
    return worst


async def latencies(client: httpx.AsyncClient, seconds: float) -> list[float]:
    found: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": SIMPLE})
        found.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        assert "errors" not in response.json(), response.text
        await asyncio.sleep(0.01)
    return found


async def bombard(url: str, document: str, stop: asyncio.Event, sent: list[int]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        while not stop.is_set():
            # A new comment each time, so neither the parser's nor the validation's cache helps.
            body = {"query": f"{document}\n# {sent[0]}"}
            response = await client.post("/graphql", json=body)
            assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
            sent[0] += 1


def summary(values: list[float]) -> str:
    values = sorted(values)
    p50 = values[len(values) // 2]
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  ({len(values)} queries)"


def against_server(seconds: float, bombers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with running(
            ["serve", "--port", str(port)],
            env=base_env(BFF_LOG_LEVEL="WARNING"),
            cwd=Path(tmp),
            ready_url=f"{url}/healthz",
            log=Path(tmp) / "serve.log",
        ):
            # Built before the clock starts: finding the largest bomb takes the client a while.
            document = largest(bomb, Settings().max_query_tokens)

            async def run() -> tuple[list[float], list[float], int]:
                async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                    await latencies(client, 1.0)  # warm the catalogue cache
                    alone = await latencies(client, seconds)
                    stop = asyncio.Event()
                    sent = [0]
                    tasks = [
                        asyncio.create_task(bombard(url, document, stop, sent))
                        for _ in range(bombers)
                    ]
                    try:
                        under = await latencies(client, seconds)
                    finally:
                        stop.set()
                        await asyncio.gather(*tasks)
                    return alone, under, sent[0]

            alone, under, sent = asyncio.run(run())
    print(f"simple query {SIMPLE!r} against one server process:")
    print(f"  alone                  {summary(alone)}")
    print(f"  while {bombers} bombers send   {summary(under)}; {sent} bombs refused")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--bombers", type=int, default=4)
    parser.add_argument("--no-server", action="store_true", help="only the in-process part")
    args = parser.parse_args()
    worst = in_process()
    if not args.no_server:
        against_server(args.seconds, args.bombers)
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
