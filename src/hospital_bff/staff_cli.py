"""`hospital-bff staff ...`: the hospital's staff members and their sessions, from the shell.

The commands use the app's own store and services, in one transaction each, and leave an
audit row saying which shell user did what.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import typer
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.clock import Clock
from hospital_bff.config import Settings
from hospital_bff.production import production_problems
from hospital_bff.services import audit
from hospital_bff.services import staff as service
from hospital_bff.services.staff import StaffAdminError
from hospital_bff.store.models import StaffSession
from hospital_bff.tokens import TokenService

T = TypeVar("T")

staff_app = typer.Typer(
    help="Staff members who may use the staff tools, and their sessions (tokens).",
    no_args_is_help=True,
)


def _operator() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _run(work: Callable[[AsyncSession, Settings, datetime], Awaitable[T]]) -> T:
    """Run one unit of work against BFF_DATABASE_URL; a refusal exits 1 with its reason."""
    from hospital_bff.store.db import create_engine, session_factory
    from hospital_bff.store.migrate import upgrade

    settings = Settings()

    async def main() -> T:
        if settings.auto_migrate:
            # As the server does at start-up: a fresh demo database gets its tables.
            await asyncio.to_thread(upgrade, settings.sync_database_url)
        engine = create_engine(settings.database_url, pool_size=1)
        try:
            async with session_factory(engine)() as session, session.begin():
                return await work(session, settings, Clock(settings.tz).now())
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except StaffAdminError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@staff_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name, unique; the audit log shows it")],
    display_name: Annotated[str | None, typer.Option(help="Name shown to people")] = None,
    oidc_subject: Annotated[
        str | None, typer.Option(help="The member's `sub` at the hospital's OIDC provider")
    ] = None,
) -> None:
    """Add an active staff member."""

    async def work(session: AsyncSession, _s: Settings, now: datetime) -> str:
        row = await service.add_member(session, now, name, display_name, oidc_subject=oidc_subject)
        audit.record(session, now, "STAFF_ADDED", subject=_operator(), staff_id=row.id, name=name)
        return row.id

    typer.echo(f"added {name} ({_run(work)})")


@staff_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Disable a member; their sessions are revoked at once."""

    async def work(session: AsyncSession, _s: Settings, now: datetime) -> int:
        revoked = await service.disable_member(session, now, name)
        audit.record(session, now, "STAFF_DISABLED", subject=_operator(), name=name)
        return revoked

    typer.echo(f"disabled {name}; {_run(work)} session(s) revoked")


@staff_app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Enable a disabled member again (revoked sessions stay revoked)."""

    async def work(session: AsyncSession, _s: Settings, now: datetime) -> None:
        await service.enable_member(session, name)
        audit.record(session, now, "STAFF_ENABLED", subject=_operator(), name=name)

    _run(work)
    typer.echo(f"enabled {name}")


@staff_app.command("list")
def list_members() -> None:
    """List the members: name, display name, active or disabled, OIDC subject."""

    async def work(session: AsyncSession, _s: Settings, _now: datetime) -> list[str]:
        return [
            "\t".join(
                [
                    m.name,
                    m.display_name,
                    "active" if m.active else f"disabled {m.disabled_at:%Y-%m-%d %H:%M}",
                    m.oidc_subject or "-",
                ]
            )
            for m in await service.list_members(session)
        ]

    for line in _run(work):
        typer.echo(line)


@staff_app.command("sessions")
def sessions(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """List a member's sessions that have not expired: id, issued, expires, revoked."""

    async def work(session: AsyncSession, _s: Settings, now: datetime) -> list[str]:
        row = await service.member(session, name)
        records = (
            await session.exec(
                select(StaffSession)
                .where(StaffSession.staff_id == row.id, col(StaffSession.expires_at) > now)
                .order_by(col(StaffSession.issued_at))
            )
        ).all()
        return [
            f"{r.id}\t{r.issued_at:%Y-%m-%d %H:%M}\t{r.expires_at:%Y-%m-%d %H:%M}\t"
            + ("revoked" if r.revoked_at else "open")
            for r in records
        ]

    for line in _run(work):
        typer.echo(line)


def issue_token(name: str, ttl_hours: float | None) -> None:
    """`staff token` and the older `staff-token`: open a session and print its token."""

    async def work(session: AsyncSession, settings: Settings, now: datetime) -> str:
        ttl = service.ttl_from_hours(ttl_hours)
        # The CLI signs with BFF_STAFF_JWT_KEYS of its own environment: unset there, that is the
        # public demo key, and production would record a session for a token nobody can use
        # (or, on a server as misconfigured, anyone could forge).
        unsafe = [p for p in production_problems(settings) if p.startswith("BFF_STAFF_JWT_KEYS ")]
        if unsafe:
            raise StaffAdminError(f"BFF_ENV=production: {unsafe[0]}; no token issued")
        row = await service.find_member(session, name)
        if row is None:
            # Only the demo mode makes members on demand; a hospital adds them on purpose.
            if not settings.embedded_simulators:
                raise StaffAdminError(
                    f"no staff member named {name!r}; add one with `hospital-bff staff add`"
                )
            row = await service.add_member(session, now, name)
        tokens = TokenService.staff_from_settings(settings, Clock(settings.tz))
        record, issued = await service.open_session(session, tokens, now, row, ttl_seconds=ttl)
        audit.record(
            session,
            now,
            "STAFF_SESSION_OPENED",
            subject=_operator(),
            staff_id=row.id,
            staff_session=record.id,
            expires_at=issued.expires_at.isoformat(),
        )
        typer.echo(f"session {record.id}, expires {issued.expires_at.isoformat()}", err=True)
        return issued.token

    typer.echo(_run(work))


@staff_app.command("token")
def token(
    name: Annotated[str, typer.Argument(help="Login name of an active member")],
    ttl_hours: Annotated[
        float | None, typer.Option(help="Lifetime in hours (default BFF_STAFF_TOKEN_TTL_SECONDS)")
    ] = None,
) -> None:
    """Open a session and print its token (the session id goes to stderr)."""
    issue_token(name, ttl_hours)


@staff_app.command("revoke")
def revoke(
    session_id: Annotated[str | None, typer.Argument(help="The session to revoke")] = None,
    all_of: Annotated[
        str | None, typer.Option("--all", help="Revoke every open session of this member")
    ] = None,
) -> None:
    """Revoke one session, or every open session of a member (`--all NAME`)."""
    if (session_id is None) == (all_of is None):
        raise typer.BadParameter("give either SESSION_ID or --all NAME")

    async def work(session: AsyncSession, _s: Settings, now: datetime) -> int:
        if all_of is not None:
            count = await service.revoke_all(session, now, all_of)
            audit.record(session, now, "STAFF_SESSIONS_REVOKED", subject=_operator(), name=all_of)
            return count
        assert session_id is not None
        record = await service.revoke_session(session, now, session_id)
        audit.record(
            session,
            now,
            "STAFF_SESSION_REVOKED",
            subject=_operator(),
            staff_id=record.staff_id,
            staff_session=record.id,
        )
        return 1

    typer.echo(f"{_run(work)} session(s) revoked")
