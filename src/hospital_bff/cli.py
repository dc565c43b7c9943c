"""The `hospital-bff` command line."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hospital_bff.config import Settings
from hospital_bff import probe
from hospital_bff.local_urls import demo_urls, local_host, local_url
from hospital_bff.staff_cli import issue_token, staff_app

app = typer.Typer(
    help="hospital-bff: the GraphQL backend-for-frontend of a hospital's patient channel.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(staff_app, name="staff")

# The commands that run as services; the others answer on stdout, which scripts read.
_SERVICES = {"serve", "worker", "sim"}


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    """Every process logs the same way (BFF_LOG_LEVEL, BFF_LOG_JSON, BFF_ERROR_LOG_PATH),
    whichever command it runs, from its first line on."""
    from pydantic import ValidationError

    from hospital_bff.config import Settings
    from hospital_bff.logs import configure_logging_from

    try:
        settings = Settings()
    except ValidationError:
        return  # the command itself reports the bad setting
    configure_logging_from(settings, quiet_stdout=ctx.invoked_subcommand not in _SERVICES)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (needs PostgreSQL and Redis)")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
    reset: Annotated[
        bool,
        typer.Option(
            help="Start the demo afresh: forget the database (and BFF_REDIS_URL's database) "
            "and the simulators' records first"
        ),
    ] = False,
) -> None:
    """Run the API. With no configuration: the embedded default (SQLite file in ./.hospital-bff,
    in-process Redis stand-in and job workers, the simulators under /sim keeping their records
    in ./.hospital-bff/simulators, demo data), GraphiQL at http://HOST:PORT/graphql."""
    import uvicorn

    from hospital_bff.config import Settings
    from hospital_bff.going_away import GRACEFUL_SECONDS
    from hospital_bff.http_protocol import CoalescingHttpToolsProtocol
    from hospital_bff.production import refuse_unsafe_production

    settings = Settings()
    refuse_unsafe_production(settings)
    if settings.env == "demo" and settings.embedded_simulators:
        from hospital_bff.demo import EMBEDDED_SIMULATORS_DIR

        # The demo's simulators outlive a restart as its database does.
        os.environ.setdefault("BFF_SIMULATOR_STATE_DIR", str(EMBEDDED_SIMULATORS_DIR))
        settings = Settings()
    single_process = not settings.redis_url or settings.is_sqlite or settings.embedded_simulators
    if workers > 1 and single_process:
        # Each process would hold its own in-process Redis, simulators and SQLite writers.
        raise typer.BadParameter(
            "--workers > 1 needs BFF_REDIS_URL, PostgreSQL and BFF_EMBEDDED_SIMULATORS=false "
            "(run `hospital-bff sim` separately)",
            param_hint="--workers",
        )
    if reset:  # after every refusal: a start that fails forgets nothing
        _reset(settings)
    # Demo only: production names its public URL itself (refused above when it does not).
    if settings.env == "demo":
        for name, value in demo_urls(host, port, embedded=settings.embedded_simulators).items():
            os.environ.setdefault(name, value)
    # A server process keeps what it built at start for its whole life: out of the collector's
    # walks (gc_pauses.py). Not the app's default: a test process builds and drops many apps.
    os.environ.setdefault("BFF_GC_FREEZE_AFTER_START", "true")
    # Its pools' connections opened before it serves, not by its first burst (warm_pools.py).
    from hospital_bff.store.db import POOL_SIZE

    os.environ.setdefault("BFF_WARM_CONNECTIONS", str(POOL_SIZE))
    if settings.metrics_port is not None:
        _start_metrics_port(settings)
    probe.declare(settings.probe_file, "api", url=f"{local_url(host, port)}/readyz")
    if settings.graphiql:
        public_url = os.environ.get("BFF_PUBLIC_URL", settings.public_url)
        typer.echo(f"hospital-bff: GraphiQL at {public_url}/graphql")
    uvicorn.run(
        "hospital_bff.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level.lower(),
        # uvicorn's own lines go through our pipeline (JSON in production), not its config.
        log_config=None,
        # Its access lines are INFO: below that level uvicorn would still format each
        # request's line before the logger dropped it.
        access_log=_logs_info(settings.log_level),
        # Who the client is is decided in one place, client_address.py, by BFF_TRUSTED_PROXIES:
        # uvicorn's own X-Forwarded-For rewriting (on by default for loopback peers) is off.
        proxy_headers=False,
        # httptools, each answer's head and body in one write (http_protocol.py).
        http=CoalescingHttpToolsProtocol,
        ws="websockets-sansio",
        # A WebSocket message is bounded like an HTTP body (uvicorn's default is 16 MiB).
        ws_max_size=settings.max_body_bytes,
        # Longer than the clients' idle pools, so a client never sends on a connection the
        # server is closing at that instant (a ReadError the client cannot tell from a crash).
        timeout_keep_alive=75,
        # SIGTERM: WebSockets closed with 1001 (going_away.py), requests in flight get this
        # long, then the lifespan's shutdown; all within the 30 s an orchestrator waits.
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )


def _logs_info(level: str) -> bool:
    return logging.getLevelNamesMapping().get(level.upper(), logging.INFO) <= logging.INFO


def _reset(settings: Settings) -> None:
    from hospital_bff.demo import reset_demo

    for cleared in reset_demo(settings):
        typer.echo(f"hospital-bff: reset {cleared}")


def _start_metrics_port(settings: Settings) -> None:
    from hospital_bff.metrics_server import start_metrics_port, use_multiprocess_files

    use_multiprocess_files()
    start_metrics_port(settings)
    typer.echo(f"hospital-bff: metrics at http://{settings.metrics_host}:{settings.metrics_port}/")


@app.command()
def worker(
    processes: Annotated[int, typer.Option(help="Worker processes")] = 1,
    threads: Annotated[int, typer.Option(help="Threads per process")] = 8,
) -> None:
    """Run dramatiq workers against BFF_BROKER_URL (RabbitMQ amqp:// or redis://), with the
    scheduler of periodic sweeps."""
    from hospital_bff.config import Settings
    from hospital_bff.production import refuse_unsafe_production

    settings = Settings()
    refuse_unsafe_production(settings)
    metrics_port = settings.metrics_port is not None
    if metrics_port:
        from hospital_bff.metrics_server import use_multiprocess_files

        use_multiprocess_files()
    from hospital_bff.jobs.worker import run_worker

    raise typer.Exit(run_worker(processes=processes, threads=threads, metrics_port=metrics_port))


@app.command()
def sim(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8100,
    reset: Annotated[
        bool, typer.Option(help="Start afresh: forget the simulators' saved records first")
    ] = False,
) -> None:
    """Run the simulators (HIS, bank, WeChat, Alipay) alone, for BFF processes that point at
    them (BFF_HIS_BASE_URL=http://HOST:PORT/his, BFF_ALIPAY_GATEWAY_URL=.../alipay/gateway.do
    and so on), keeping their records in ./.hospital-bff/sim-server (BFF_SIMULATOR_STATE_DIR).
    A demo tool: refused under production."""
    import shutil

    import uvicorn

    from hospital_bff.config import Settings
    from hospital_bff.demo import STANDALONE_SIMULATORS_DIR
    from hospital_bff.going_away import GRACEFUL_SECONDS
    from hospital_bff.production import refuse_demo_tool

    settings = Settings()
    refuse_demo_tool(settings, "hospital-bff sim")
    os.environ.setdefault("BFF_SIM_PUBLIC_URL", local_url(host, port))
    os.environ.setdefault("BFF_SIMULATOR_STATE_DIR", str(STANDALONE_SIMULATORS_DIR))
    if reset:
        state_dir = Settings().simulator_state_dir
        if state_dir is not None:
            shutil.rmtree(state_dir, ignore_errors=True)
            typer.echo(f"hospital-bff: reset simulators {state_dir}")
    probe.declare(settings.probe_file, "sim", host=local_host(host), port=port)
    # Every line of this server's access log is a simulator call: shown at DEBUG only.
    quiet = Settings().log_level.upper() != "DEBUG"
    uvicorn.run(
        "hospital_bff.simulators.server:create_sim_server",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        access_log=not quiet,
    )


@app.command("probe")
def probe_command() -> None:
    """The container's health check: probe this container's process as it declared in
    BFF_PROBE_FILE (the image runs `python -m hospital_bff.probe`, the same, faster)."""
    raise typer.Exit(probe.main())


demo_app = typer.Typer(help="The demo's people and data.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@demo_app.command("people")
def demo_people() -> None:
    """Print every person of the demo HIS with today's ID numbers (the son's changes every
    year), as `verifyIdentity` takes them."""
    from hospital_bff.clock import Clock
    from hospital_bff.config import Settings
    from hospital_bff.demo import EMBEDDED_SIMULATORS_DIR
    from hospital_bff.production import refuse_demo_tool
    from hospital_bff.simulators.his.people import demo_people as people_of

    settings = Settings()
    refuse_demo_tool(settings, "hospital-bff demo people")
    state_dir = settings.simulator_state_dir or EMBEDDED_SIMULATORS_DIR
    people, source = people_of(state_dir, Clock(settings.tz).today())
    typer.echo(f"# the HIS's people in {source}")
    typer.echo("patient\tname\tsex\tbirth date\tID number\tphone\tinsurance\tcard")
    for p in people:
        row = (p.patient_id, p.name, p.sex, p.birth_date.isoformat(), p.id_number)
        typer.echo("\t".join((*row, p.phone or "-", p.insurance, p.card_number)))


@app.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
) -> None:
    """Upgrade the database (BFF_DATABASE_URL) to the latest schema with Alembic."""
    from hospital_bff.config import Settings
    from hospital_bff.store.migrate import upgrade

    upgrade(Settings().sync_database_url, revision)
    typer.echo("database is at " + revision)


@app.command("staff-token")
def staff_token(
    name: Annotated[str, typer.Argument(help="The staff member's name, recorded in the audit log")],
    ttl_hours: Annotated[float | None, typer.Option(help="Lifetime in hours")] = None,
) -> None:
    """Print a staff token: the same as `hospital-bff staff token NAME`."""
    issue_token(name, ttl_hours)


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema's SDL (the committed schema.graphql is this output)."""
    from hospital_bff.schema import schema

    typer.echo(schema.as_str())


@app.command("export-manifest")
def export_manifest(
    contract_dir: Annotated[
        Path | None,
        typer.Option(help="Folder of the clients' .graphql operations (default: the contract)"),
    ] = None,
) -> None:
    """Print the Apollo persisted-query manifest of the contract's operations (for
    BFF_PERSISTED_QUERY_MANIFEST and the apps' builds)."""
    from hospital_bff.persisted_queries import (
        DEFAULT_CONTRACT_DIR,
        build_manifest,
        manifest_json,
    )

    typer.echo(manifest_json(build_manifest(contract_dir or DEFAULT_CONTRACT_DIR)), nl=False)


if __name__ == "__main__":
    app()
