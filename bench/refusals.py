"""What one refusal at the shedding door costs the server: the figure the door's slowest pace of
returns is built on (shedding.py, REFUSAL_CPU_SECONDS).

Starts `hospital-bff serve` with the embedded default, the door's bound set to one request in
flight, and fills the door with a GraphQL request whose body never comes. Then wrk sends a
patient's `bookAppointment` of a slot with places (so the booking door passes it on, as while a
release sells) at 32 connections; every one is refused TRY_AGAIN. Prints refusals per second
and the server's CPU per refusal (needs `apt-get install wrk`).

    python bench/refusals.py --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from hospital_bff.clock import Clock

# The process and population fixtures live with the tests (tests/fixtures/).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.cluster import cpu_seconds, start_embedded
from fixtures.population import BOOK, make_population, size_schedule

ONE_IN_FLIGHT = {"BFF_SHED_MIN_IN_FLIGHT": "1", "BFF_SHED_MAX_IN_FLIGHT": "1"}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        start_embedded(Path(tmp), extra_env=ONE_IN_FLIGHT) as cluster,
    ):
        day = Clock().today() + timedelta(days=3)

        async def booker() -> tuple[str, str, str]:
            slots = await size_schedule(cluster.sim_his, f"sch-exp-yk-1-{day:%Y%m%d}-AM", 20, 25)
            one = (await make_population(cluster.settings, cluster.sim_his, 1, prefix="ref"))[0]
            return slots[0], one.patient_id, one.token

        slot, patient, token = asyncio.run(booker())
        url = cluster.servers[0]
        host, port = url.split("//")[1].split(":")
        body = json.dumps(
            {
                "query": BOOK,
                "variables": {
                    "input": {"patientId": patient, "slotId": slot, "idempotencyKey": "ref-1"}
                },
            }
        )
        script = Path(tmp) / "book.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        )
        # The door's one place: a request admitted before its body is read, the body never sent.
        with socket.create_connection((host, int(port))) as held:
            held.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n"
            )
            before = cpu_seconds(cluster.pids)
            wrk = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "-s", str(script)]
            out = subprocess.run(
                [*wrk, f"{url}/graphql"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            used = cpu_seconds(cluster.pids) - before
        sent = int(next(line for line in out.splitlines() if "requests in" in line).split()[0])
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average        {load} on {os.cpu_count()} cores")
        print(f"refusals            {sent} in {args.seconds} s: {sent / args.seconds:.0f}/s")
        print(f"server CPU          {used / sent * 1e6:.0f} us per refusal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
