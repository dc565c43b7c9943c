"""The simulators' records kept across restarts, for demos (`hospital-bff serve` and
`hospital-bff sim` set `BFF_SIMULATOR_STATE_DIR`): a demo's reports, bills, suspensions, orders,
refunds and accepted WeChat subscriptions outlive the process, as the BFF's database does, so
the two never disagree. (WeChat sign-in codes and Alipay's are good for minutes: not kept.)

One JSON file a simulator in the directory, loaded when the app is built, written (atomically)
a moment after any request that may have changed something and at shutdown. An unreadable file
is logged and the simulator starts afresh. `hospital-bff serve --reset` deletes the directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import structlog
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from hospital_bff.simulators.bank.snapshot import dump_bank, load_bank
from hospital_bff.simulators.his.snapshot import dump_his, load_his
from hospital_bff.simulators.wechat_push_snapshot import dump_push, load_push

log = structlog.get_logger(__name__)

# Methods that never change a simulator's records.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The records are taken on the event loop (consistent, but the loop waits meanwhile): the
# autosave waits this many times as long as the last taking took before the next, so a large
# demo (thousands of patients in a burst) spends at most ~2% of the loop on it, not a third.
AUTOSAVE_SPACING = 50


@dataclass(frozen=True)
class Part:
    """One simulator's records: how to write them out and read them back."""

    name: str
    dump: Callable[[], bytes]
    load: Callable[[bytes], None]


class SimulatorStore:
    """The files of a directory that hold the simulators' records."""

    def __init__(self, directory: Path, parts: Sequence[Part]) -> None:
        self.directory = directory
        self.parts = tuple(parts)
        self.changed = False

    def path(self, part: Part) -> Path:
        return self.directory / f"{part.name}.json"

    def load(self) -> None:
        """Each simulator takes its saved records, if it has readable ones."""
        for part in self.parts:
            path = self.path(part)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            try:
                part.load(data)
            except ValueError as exc:
                log.warning("simulator_state_unreadable", path=str(path), error=str(exc)[:200])
            else:
                log.info("simulator_state_loaded", simulator=part.name, path=str(path))

    async def save(self) -> float:
        """Write every simulator's records: taken at one instant on the event loop (so each is
        consistent), written to disk in a thread. Returns the seconds the taking held the loop."""
        self.changed = False
        started = time.perf_counter()
        files = [(self.path(part), part.dump()) for part in self.parts]
        held = time.perf_counter() - started
        await asyncio.to_thread(self._write, files)
        return held

    def _write(self, files: list[tuple[Path, bytes]]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for path, data in files:
            temporary = path.with_suffix(".json.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, path)  # a crash mid-write leaves the previous file whole

    def track(self, app: ASGIApp) -> ASGIApp:
        """`app`, noting each finished request that may have changed its simulator."""

        async def tracked(scope: Scope, receive: Receive, send: Send) -> None:
            try:
                await app(scope, receive, send)
            finally:
                if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
                    self.changed = True

        return tracked

    @contextlib.asynccontextmanager
    async def autosave(self, every_seconds: float = 1.0) -> AsyncIterator[None]:
        """Save shortly after changes while the server runs, and once more when it stops."""

        async def loop() -> None:
            pause = every_seconds
            while True:
                await asyncio.sleep(pause)
                pause = every_seconds
                if self.changed:
                    try:
                        pause = max(every_seconds, AUTOSAVE_SPACING * await self.save())
                    except OSError as exc:
                        log.warning("simulator_state_not_saved", error=repr(exc))

        task = asyncio.get_running_loop().create_task(loop())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self.save()


def simulator_store(directory: Path | None, sims: Mapping[str, Starlette]) -> SimulatorStore | None:
    """The store of the HIS's, the bank's and WeChat push's records under `directory` (None:
    nothing is kept), with the saved records already loaded into them."""
    if directory is None:
        return None
    parts = []
    if "his" in sims:
        his = sims["his"].state.his
        parts.append(Part("his", partial(dump_his, his), partial(load_his, his)))
    if "bank" in sims:
        bank = sims["bank"].state.bank
        parts.append(Part("bank", partial(dump_bank, bank), partial(load_bank, bank)))
    if "wechat" in sims:
        push = sims["wechat"].state.wechat_push
        parts.append(Part("wechat_push", partial(dump_push, push), partial(load_push, push)))
    store = SimulatorStore(directory, parts)
    store.load()
    return store
