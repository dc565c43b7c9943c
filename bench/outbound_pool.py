"""What one outbound call costs our process, by how many connections the pool keeps.

A booking makes three HIS calls through the process's httpx client; in a burst the HIS client
keeps up to 32 connections (`JsonClient`'s bound). httpcore's own pool does more work per call
the more connections it keeps (datasources/outbound_pool.py says what); `PooledTransport`'s
should not. A server in another process answers a small JSON body over loopback; the pool is
warmed to K connections, then the calls are made by 1 caller (K - 1 connections idle at each
call) and by K callers at once. Prints the client's CPU per call for httpx's transport and
ours side by side, interleaved rounds.

    python bench/outbound_pool.py --calls 3000
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

from hospital_bff.datasources.http import LIMITS
from hospital_bff.datasources.outbound_pool import PooledTransport

SERVER = r"""
import asyncio, sys
BODY = b'{"code":0,"data":{"slotId":"slot-1","remaining":3}}'
ANSWER = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
          % len(BODY)) + BODY
async def handle(reader, writer):
    try:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(ANSWER)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


async def cpu_per_call(
    transport: Callable[[], httpx.AsyncBaseTransport], url: str, k: int, calls: int, callers: int
) -> float:
    async with httpx.AsyncClient(transport=transport()) as client:
        await asyncio.gather(*(client.get(url) for _ in range(k)))  # k connections kept

        async def caller(n: int) -> None:
            for _ in range(n):
                (await client.get(url)).json()

        started = time.process_time()
        await asyncio.gather(*(caller(calls // callers) for _ in range(callers)))
        return (time.process_time() - started) / (calls // callers * callers)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/his/slots/slot-1"
        transports: dict[str, Callable[[], httpx.AsyncBaseTransport]] = {
            "httpx's pool": lambda: httpx.AsyncHTTPTransport(limits=LIMITS),
            "PooledTransport": lambda: PooledTransport(limits=LIMITS),
        }
        heads = "  ".join(f"{name:>16}" for name in transports)
        print(f"{'connections kept':>16} {'callers':>7}  {heads}")
        for k in (1, 8, 32, 50):
            for callers in sorted({1, k}):
                figures: dict[str, list[float]] = {name: [] for name in transports}
                for _ in range(args.rounds):
                    for name, make in transports.items():
                        figures[name].append(
                            asyncio.run(cpu_per_call(make, url, k, args.calls, callers))
                        )
                cells = [f"{min(v) * 1e6:>10.0f} us/call" for v in figures.values()]
                print(f"{k:>16} {callers:>7}  " + "  ".join(cells))
        print("(the client's CPU per call, the best of the rounds; the server's is not counted)")
    finally:
        server.kill()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
