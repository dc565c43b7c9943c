"""Persisted queries: Apollo's automatic persisted queries (APQ), and a manifest-only mode.

Apollo Client's persisted-query link sends `extensions.persistedQuery = {version: 1,
sha256Hash}` without the query first; the server answers PERSISTED_QUERY_NOT_FOUND when it
does not know the hash (HTTP 200 under application/json, as Apollo Server does; 400 under
application/graphql-response+json, where an answer without data is a 4xx), the link then sends
the query with the hash, and the server keeps it, so later requests (and hash-only GETs, short
enough for a CDN or a WeChat mini-program's URL limits) carry only the hash. Known queries live
in Redis with a TTL.

`BFF_PERSISTED_QUERIES`:
- `off`: any persistedQuery extension is answered PERSISTED_QUERY_NOT_SUPPORTED (the link then
  stops hashing and sends full queries).
- `apq` (default): the protocol above; a query is kept only once it parsed and validated, so a
  stream of junk documents cannot fill Redis.
- `only`: nothing but the operations of the manifest (`hospital-bff export-manifest`, loaded at
  start from BFF_PERSISTED_QUERY_MANIFEST) runs; by hash, or as their exact text. Anything else
  is PERSISTED_QUERY_NOT_IN_LIST and nothing is registered.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import redis.asyncio as aioredis
import structlog
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLFormattedError,
    OperationDefinitionNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from hospital_bff.graphql_over_http import Refusal
from hospital_bff.language import Message
from hospital_bff.outages import REDIS_DOWN
from hospital_bff.resolvers.masking import PARSE_FAILED_CODE, VALIDATION_FAILED_CODE

if TYPE_CHECKING:
    from hospital_bff.config import Settings

log = structlog.get_logger(__name__)

PersistedQueryMode = Literal["off", "apq", "only"]

MANIFEST_FORMAT = "apollo-persisted-query-manifest"
# The protocol's names, as Apollo's link and servers spell them.
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED_CODE = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_IN_LIST_CODE = "PERSISTED_QUERY_NOT_IN_LIST"
BAD_REQUEST_CODE = "BAD_REQUEST"
PAYLOAD_TOO_LARGE_CODE = "PAYLOAD_TOO_LARGE"

KEY_PREFIX = "apq:v1:"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# Repository layout: src/hospital_bff/persisted_queries.py -> <repo>/../shared/contract.
DEFAULT_CONTRACT_DIR = Path(__file__).resolve().parents[3] / "shared" / "contract"


class PersistedQueryRefused(Refusal):
    """A persisted-query refusal, answered as GraphQL errors with the protocol's code."""


def _refused(status: int, code: str, zh: str, en: str, **kw: Any) -> PersistedQueryRefused:
    return PersistedQueryRefused(status, code, Message(zh, en), **kw)


def not_found() -> PersistedQueryRefused:
    # The message is the protocol's own token (old links match it, not the code), in any
    # language. 200 under application/json, as Apollo Server answers; never cached (a CDN
    # keeping "not found" for a hash would keep the link registering it for ever).
    return _refused(
        400,
        NOT_FOUND_CODE,
        "PersistedQueryNotFound",
        "PersistedQueryNotFound",
        legacy_status=200,
        headers={"cache-control": "no-store"},
    )


@dataclass
class PersistedRequestData(GraphQLRequestData):
    """A request whose query should be kept under `register_hash` once it has validated."""

    register_hash: str | None = field(default=None)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PersistedQueries:
    """Resolves a request's persisted query before execution and registers it after."""

    def __init__(
        self,
        mode: PersistedQueryMode,
        redis: Callable[[], aioredis.Redis],
        *,
        ttl_seconds: int,
        max_query_bytes: int,
        manifest: dict[str, str] | None = None,
    ) -> None:
        if mode == "only" and not manifest:
            raise ValueError("BFF_PERSISTED_QUERIES=only needs BFF_PERSISTED_QUERY_MANIFEST")
        self.mode = mode
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.max_query_bytes = max_query_bytes
        self.manifest = manifest or {}

    async def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        persisted = (data.extensions or {}).get("persistedQuery")
        if persisted is None:
            if (
                self.mode == "only"
                and data.query is not None
                and sha256_hex(data.query) not in self.manifest
            ):
                raise not_in_list()
            return data
        if self.mode == "off":
            raise _refused(
                400,
                NOT_SUPPORTED_CODE,
                "PersistedQueryNotSupported",
                "PersistedQueryNotSupported",
                legacy_status=200,
            )
        sha = _requested_hash(persisted)
        if data.query is None:
            query = self.manifest.get(sha)
            if query is None and self.mode == "apq":
                try:
                    stored = await self.redis().get(KEY_PREFIX + sha)
                except REDIS_DOWN as exc:
                    # Redis away: unknown, as after its eviction; the link sends the text.
                    log.warning("persisted_query_lookup_skipped", error=repr(exc))
                    stored = None
                # The app's clients decode responses; bytes only from a bare client.
                query = stored.decode("utf-8") if isinstance(stored, bytes) else stored
            if query is None:
                # The link reads it and sends the query with its hash.
                raise not_found()
            return _with_query(data, query, register_hash=None)
        if sha256_hex(data.query) != sha:
            raise _refused(
                400, BAD_REQUEST_CODE, "查询与其哈希不符", "provided sha does not match query"
            )
        if sha in self.manifest:
            return data
        if self.mode == "only":
            raise not_in_list()
        if len(data.query.encode("utf-8")) > self.max_query_bytes:
            raise _refused(
                413,
                PAYLOAD_TOO_LARGE_CODE,
                f"查询超过{self.max_query_bytes}字节",
                f"query over {self.max_query_bytes} bytes",
            )
        return _with_query(data, data.query, register_hash=sha)

    def websocket_refusal(
        self, payload: Mapping[str, object], language: str
    ) -> GraphQLFormattedError | None:
        """The error answering a WebSocket `subscribe` under `only` (Apollo's link hashes over
        HTTP alone, so a socket carries the text: it must be a manifest operation's)."""
        if self.mode != "only":
            return None
        query = payload.get("query")
        if isinstance(query, str) and sha256_hex(query) in self.manifest:
            return None
        refusal = not_in_list()
        return GraphQLError(
            refusal.message.in_language(language), extensions={"code": refusal.code}
        ).formatted

    async def register(self, data: GraphQLRequestData, result: ExecutionResult) -> None:
        """Keep a sent query once it parsed and validated (as Apollo Server does)."""
        if not isinstance(data, PersistedRequestData) or data.register_hash is None:
            return
        refused = {PARSE_FAILED_CODE, VALIDATION_FAILED_CODE}
        if any((e.extensions or {}).get("code") in refused for e in result.errors or ()):
            return
        assert data.query is not None
        try:
            await self.redis().set(KEY_PREFIX + data.register_hash, data.query, ex=self.ttl_seconds)
        except REDIS_DOWN as exc:
            log.warning("persisted_query_register_skipped", error=repr(exc))


def not_in_list() -> PersistedQueryRefused:
    return _refused(
        400,
        NOT_IN_LIST_CODE,
        "只接受已登记（持久化查询清单中）的操作",
        "only the operations of the persisted-query manifest are accepted",
    )


def _requested_hash(persisted: Any) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise _refused(
            400, BAD_REQUEST_CODE, "不支持的持久化查询版本", "Unsupported persisted query version"
        )
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not _SHA256_HEX.fullmatch(sha.lower()):
        raise _refused(
            400,
            BAD_REQUEST_CODE,
            "persistedQuery.sha256Hash 应为64位十六进制",
            "persistedQuery.sha256Hash must be 64 hex digits",
        )
    return sha.lower()


def _with_query(
    data: GraphQLRequestData, query: str, *, register_hash: str | None
) -> PersistedRequestData:
    return PersistedRequestData(
        query=query,
        variables=data.variables,
        operation_name=data.operation_name,
        extensions=data.extensions,
        protocol=data.protocol,
        register_hash=register_hash,
    )


# --- the manifest ------------------------------------------------------------------------------


def load_manifest(path: Path) -> dict[str, str]:
    """The manifest's operations by id; each id is checked against its body."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("format") != MANIFEST_FORMAT or document.get("version") != 1:
        raise ValueError(f"{path}: not an {MANIFEST_FORMAT} version 1")
    operations: dict[str, str] = {}
    for operation in document["operations"]:
        body = operation["body"]
        if sha256_hex(body) != operation["id"]:
            raise ValueError(f"{path}: operation {operation.get('name')}: id is not sha256(body)")
        operations[operation["id"]] = body
    return operations


def build_manifest(contract_dir: Path) -> dict[str, Any]:
    """Every operation of the contract's `.graphql` files, each with the fragments it uses
    (transitively), printed by graphql-core in a stable form, sorted by name."""
    files = sorted(contract_dir.glob("*.graphql"))
    if not files:
        raise FileNotFoundError(f"no .graphql files in {contract_dir}")
    entries: list[dict[str, str]] = []
    for path in files:
        document = parse(path.read_text(encoding="utf-8"), no_location=True)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode) or definition.name is None:
                continue
            used = sorted(_fragments_used(definition, fragments), key=lambda f: f.name.value)
            body = print_ast(DocumentNode(definitions=(definition, *used)))
            entries.append(
                {
                    "id": sha256_hex(body),
                    "name": definition.name.value,
                    "type": definition.operation.value,
                    "body": body,
                }
            )
    entries.sort(key=lambda e: (e["name"], e["id"]))
    return {"format": MANIFEST_FORMAT, "version": 1, "operations": entries}


def _fragments_used(
    node: OperationDefinitionNode | FragmentDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> list[FragmentDefinitionNode]:
    found: dict[str, FragmentDefinitionNode] = {}
    pending: list[OperationDefinitionNode | FragmentDefinitionNode] = [node]
    while pending:
        for name in _spread_names([pending.pop()]):
            if name not in found:
                if name not in fragments:
                    raise ValueError(f"fragment {name} is used but not defined")
                found[name] = fragments[name]
                pending.append(fragments[name])
    return list(found.values())


def _spread_names(nodes: Iterable[OperationDefinitionNode | FragmentDefinitionNode]) -> set[str]:
    names: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            names.add(spread.name.value)

    for node in nodes:
        visit(node, Spreads())
    return names


def manifest_json(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def persisted_queries_for(
    settings: Settings, redis: Callable[[], aioredis.Redis]
) -> PersistedQueries | None:
    """The app's persisted queries from its settings (the manifest is read once, at start)."""
    if settings.persisted_queries == "off":
        # Still answers a hashed request with PERSISTED_QUERY_NOT_SUPPORTED, as the link expects.
        return PersistedQueries("off", redis, ttl_seconds=1, max_query_bytes=0)
    manifest = (
        load_manifest(settings.persisted_query_manifest)
        if settings.persisted_query_manifest is not None
        else None
    )
    return PersistedQueries(
        settings.persisted_queries,
        redis,
        ttl_seconds=settings.persisted_query_ttl_seconds,
        # What is registered is kept a week in the Redis every process relies on: no larger
        # than a GET may send (16 KB; the contract's largest operation is under 1 KB). At
        # the body's 256 KB, anyone could fill Redis with distinct commented documents.
        max_query_bytes=settings.max_query_string_bytes,
        manifest=manifest,
    )
