"""The `hospital-bff` command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hospital_bff.config import Settings
from hospital_bff.staff_cli import issue_token, staff_app

app = typer.Typer(
    help="hospital-bff: the GraphQL backend-for-frontend of a hospital's patient channel.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(staff_app, name="staff")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (needs PostgreSQL and Redis)")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Run the API. With no configuration: the embedded default (SQLite file in ./.hospital-bff,
    in-process Redis stand-in and job workers, the simulators under /sim, demo data), GraphiQL
    at http://HOST:PORT/graphql."""
    import uvicorn

    from hospital_bff.config import Settings
    from hospital_bff.production import refuse_unsafe_production

    settings = Settings()
    refuse_unsafe_production(settings)
    single_process = not settings.redis_url or settings.is_sqlite or settings.embedded_simulators
    if workers > 1 and single_process:
        # Each process would hold its own in-process Redis, simulators and SQLite writers.
        raise typer.BadParameter(
            "--workers > 1 needs BFF_REDIS_URL, PostgreSQL and BFF_EMBEDDED_SIMULATORS=false "
            "(run `hospital-bff sim` separately)",
            param_hint="--workers",
        )
    # Demo only: production names its public URL itself (refused above when it does not).
    if settings.env == "demo" and "BFF_PUBLIC_URL" not in os.environ:
        os.environ["BFF_PUBLIC_URL"] = f"http://{host}:{port}"
        if settings.embedded_simulators:
            for name in ("HIS", "BANK", "WECHAT"):
                os.environ.setdefault(
                    f"BFF_{name}_BASE_URL", f"http://{host}:{port}/sim/{name.lower()}"
                )
            os.environ.setdefault(
                "BFF_ALIPAY_GATEWAY_URL", f"http://{host}:{port}/sim/alipay/gateway.do"
            )
    # A server process keeps what it built at start for its whole life: out of the collector's
    # walks (gc_pauses.py). Not the app's default: a test process builds and drops many apps.
    os.environ.setdefault("BFF_GC_FREEZE_AFTER_START", "true")
    if settings.metrics_port is not None:
        _start_metrics_port(settings)
    if settings.graphiql:
        typer.echo(f"hospital-bff: GraphiQL at http://{host}:{port}/graphql")
    uvicorn.run(
        "hospital_bff.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level.lower(),
        ws="websockets-sansio",
        # A WebSocket message is bounded like an HTTP body (uvicorn's default is 16 MiB).
        ws_max_size=settings.max_body_bytes,
        # Longer than the clients' idle pools, so a client never sends on a connection the
        # server is closing at that instant (a ReadError the client cannot tell from a crash).
        timeout_keep_alive=75,
    )


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
) -> None:
    """Run the simulators (HIS, bank, WeChat, Alipay) alone, for BFF processes that point at
    them (BFF_HIS_BASE_URL=http://HOST:PORT/his, BFF_ALIPAY_GATEWAY_URL=.../alipay/gateway.do
    and so on). A demo tool: refused under production."""
    import uvicorn

    from hospital_bff.config import Settings
    from hospital_bff.production import refuse_demo_tool

    refuse_demo_tool(Settings(), "hospital-bff sim")
    os.environ.setdefault("BFF_SIM_PUBLIC_URL", f"http://{host}:{port}")
    uvicorn.run(
        "hospital_bff.simulators.server:create_sim_server", factory=True, host=host, port=port
    )


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
