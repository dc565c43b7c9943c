"""The `hospital-bff` command line."""

from __future__ import annotations

import os
from typing import Annotated

import typer

app = typer.Typer(
    help="hospital-bff: the GraphQL backend-for-frontend of a hospital's patient channel.",
    no_args_is_help=True,
    add_completion=False,
)


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

    settings = Settings()
    single_process = not settings.redis_url or settings.is_sqlite or settings.embedded_simulators
    if workers > 1 and single_process:
        # Each process would hold its own in-process Redis, simulators and SQLite writers.
        raise typer.BadParameter(
            "--workers > 1 needs BFF_REDIS_URL, PostgreSQL and BFF_EMBEDDED_SIMULATORS=false "
            "(run `hospital-bff sim` separately)",
            param_hint="--workers",
        )
    if "BFF_PUBLIC_URL" not in os.environ:
        os.environ["BFF_PUBLIC_URL"] = f"http://{host}:{port}"
        if settings.embedded_simulators:
            for name in ("HIS", "BANK", "WECHAT"):
                os.environ.setdefault(
                    f"BFF_{name}_BASE_URL", f"http://{host}:{port}/sim/{name.lower()}"
                )
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


@app.command()
def worker(
    processes: Annotated[int, typer.Option(help="Worker processes")] = 1,
    threads: Annotated[int, typer.Option(help="Threads per process")] = 8,
) -> None:
    """Run dramatiq workers against BFF_BROKER_URL (RabbitMQ amqp:// or redis://), with the
    scheduler of periodic sweeps."""
    from hospital_bff.jobs.worker import run_worker

    raise typer.Exit(run_worker(processes=processes, threads=threads))


@app.command()
def sim(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8100,
) -> None:
    """Run the simulators (HIS, bank, WeChat) alone, for BFF processes that point at them
    (BFF_HIS_BASE_URL=http://HOST:PORT/his and so on)."""
    import uvicorn

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
) -> None:
    """Print a session token with the STAFF role (for the staff tools)."""
    from hospital_bff.clock import Clock
    from hospital_bff.config import Settings
    from hospital_bff.tokens import TokenService

    settings = Settings()
    tokens = TokenService(
        {kid: key.get_secret_value() for kid, key in settings.jwt_keys.items()},
        settings.jwt_active_kid,
        settings.jwt_ttl_seconds,
        Clock(settings.tz),
    )
    typer.echo(tokens.issue(name, "STAFF", None).token)


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema's SDL (the committed schema.graphql is this output)."""
    from hospital_bff.schema import schema

    typer.echo(schema.as_str())


if __name__ == "__main__":
    app()
