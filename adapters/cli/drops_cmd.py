"""`cnnquiz drop set|off|list|now`: manage channel drop schedules from the terminal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from adapters.cli.fail import fail
from knowledge.bank import Bank
from quizbot.drops.schedule import format_weekdays
from quizbot.drops.service import DropService
from quizbot.errors import QuizError
from quizbot.replies import Notice, PlayerRef
from quizbot.settings import Settings

T = TypeVar("T")
PLATFORMS = ("discord", "slack")
app = typer.Typer(
    help="Daily channel drops: schedule, pause, list, post now.", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)

PlatformOpt = typer.Option(..., "--platform", help="discord or slack.")
WorkspaceOpt = typer.Option(..., "--workspace", help="Discord guild id or Slack team id.")
UrlOpt = typer.Option(None, "--url", help="Database URL (default: DATABASE_URL or SQLite).")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="drop")


def _operator(platform: str, workspace: str) -> PlayerRef:
    """Whoever can reach the database from a shell administers drops."""
    name = platform.strip().lower()
    if name not in PLATFORMS:
        # A schedule under any other name would be stored and never posted.
        err.print(f'[red]"{platform}" is not a platform. Use --platform discord or slack.[/]')
        raise typer.Exit(2)
    if not workspace.strip():
        err.print("[red]Name the workspace, e.g. --workspace T0123 (a Slack team id).[/]")
        raise typer.Exit(2)
    return PlayerRef(name, workspace.strip(), "cli", "cnnquiz CLI", True)


def _run(url: str | None, call: Callable[[DropService], Awaitable[T]]) -> T:
    async def go() -> T:
        from quizbot.bootstrap import bootstrap

        settings = Settings()
        # No publishers here: the running bot posts; an empty bank skips the heavy load.
        runtime = await bootstrap(settings, database_url=url, bank=Bank.from_parts([], []))
        try:
            assert runtime.drops is not None  # bootstrap builds drops unless told not to
            return await call(runtime.drops)
        finally:
            await runtime.aclose()

    try:
        return asyncio.run(go())
    except QuizError as exc:
        fail(exc.message)


def _show(notice: Notice) -> None:
    out.print(notice.text)
    for line in notice.details:
        out.print(f"  {line}")


@app.command("set")
def set_(
    platform: str = PlatformOpt,
    workspace: str = WorkspaceOpt,
    channel: str = typer.Option(..., "--channel", help="Channel id to post drops to."),
    time: str = typer.Option(..., "--time", help="Local time, 24-hour HH:MM, e.g. 09:30."),
    tz: str = typer.Option(..., "--tz", help="IANA timezone, e.g. Europe/Berlin."),
    days: str = typer.Option("mon-fri", "--days", help='"mon-fri", "mon,wed,fri", "daily"...'),
    reveal: str = typer.Option("4h", "--reveal", help='Reveal delay ("4h", "90m") or "next".'),
    url: str | None = UrlOpt,
) -> None:
    """Create or change a channel's drop schedule."""
    who = _operator(platform, workspace)
    _show(_run(url, lambda d: d.drop_set(who, channel, time, tz, days, reveal)))


@app.command("off")
def off(
    platform: str = PlatformOpt,
    workspace: str = WorkspaceOpt,
    channel: str | None = typer.Option(None, "--channel", help="Default: every channel."),
    url: str | None = UrlOpt,
) -> None:
    """Pause drops in a channel (or the whole workspace)."""
    who = _operator(platform, workspace)
    _show(_run(url, lambda d: d.drop_off(who, channel)))


@app.command("now")
def now(
    platform: str = PlatformOpt,
    workspace: str = WorkspaceOpt,
    channel: str = typer.Option(..., "--channel", help="Channel id."),
    url: str | None = UrlOpt,
) -> None:
    """Ask the running bot to post today's drop in a channel now."""
    who = _operator(platform, workspace)
    _show(_run(url, lambda d: d.drop_now(who, channel)))


@app.command("list")
def list_(
    platform: str = PlatformOpt, workspace: str = WorkspaceOpt, url: str | None = UrlOpt
) -> None:
    """Show the workspace's drop schedules."""
    who = _operator(platform, workspace)
    rows = _run(url, lambda d: d.drop_list(who))
    if not rows:
        out.print("No drop schedules in this workspace.")
        return
    table = Table("channel", "time", "timezone", "days", "reveal", "state")
    for r in rows:
        reveal = "next drop" if r.reveal_after_minutes is None else f"{r.reveal_after_minutes} min"
        state = "active" if r.active else "paused"
        table.add_row(r.channel_id, r.time, r.timezone, format_weekdays(r.weekdays), reveal, state)
    out.print(table)
