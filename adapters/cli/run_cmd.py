"""`cnnquiz run [discord|slack]`: every configured platform plus the drop scheduler, one loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console

from adapters.cli.fail import fail
from knowledge.packs import PackError
from quizbot.errors import QuizError
from quizbot.logs import RedactSecrets, configure_logging, secret_values
from quizbot.settings import Settings

logger = logging.getLogger(__name__)
err = Console(stderr=True)


class Platform(StrEnum):
    DISCORD = "discord"
    SLACK = "slack"


def chosen_platforms(
    settings: Settings, platform: Platform | None, http: bool = False
) -> list[Platform]:
    """The platforms to start: the one asked for, else every one that can run this way.

    Slack joins a plain `cnnquiz run` (the Procfile's worker) only in Socket Mode; an app set
    up for HTTP mode is served by the `web:` process (`cnnquiz run slack --http`) instead.
    """
    if platform is not None:
        return [platform]
    found = []
    if settings.discord_configured:
        found.append(Platform.DISCORD)
    if (settings.slack_bot_token is not None or settings.slack_oauth) and missing_credentials(
        settings, Platform.SLACK, http
    ) is None:
        found.append(Platform.SLACK)
    return found


def missing_credentials(settings: Settings, platform: Platform, http: bool) -> str | None:
    if platform is Platform.DISCORD and not settings.discord_configured:
        return "Set DISCORD_TOKEN to run the Discord bot."
    if platform is Platform.SLACK:
        if settings.slack_oauth:
            if not http:
                return "Installing into many workspaces (SLACK_CLIENT_ID) needs --http."
            if settings.slack_signing_secret is None:
                return "Set SLACK_SIGNING_SECRET to run the Slack app in HTTP mode."
            return None
        if settings.slack_bot_token is None:
            return "Set SLACK_BOT_TOKEN to run the Slack app."
        if http and settings.slack_signing_secret is None:
            return "Set SLACK_SIGNING_SECRET to run the Slack app in HTTP mode."
        if not http and settings.slack_app_token is None:
            return "Set SLACK_APP_TOKEN for Socket Mode, or use --http with SLACK_SIGNING_SECRET."
    return None


class PlatformFailed(RuntimeError):
    """A chat platform stopped with an error; the message is one line, secrets scrubbed."""


def _one_line(platform: str, exc: BaseException, settings: Settings) -> str:
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    line = f"{platform} stopped: {type(exc).__name__}" + (f": {text}" if text else "")
    return RedactSecrets(secret_values(settings)).scrub(line)


async def _serve(
    settings: Settings, platforms: list[Platform], http: bool, port: int, host: str = "0.0.0.0"
) -> None:
    from quizbot.bootstrap import bootstrap

    # Signals first: a stop during start-up (migrating, compiling the bank) is a clean stop too.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    stopper = asyncio.create_task(stop.wait())
    booting = asyncio.create_task(bootstrap(settings))
    await asyncio.wait([booting, stopper], return_when=asyncio.FIRST_COMPLETED)
    if not booting.done():
        booting.cancel()
        await asyncio.gather(booting, return_exceptions=True)
        logger.info("stopped before start-up finished")
        return
    stopper.cancel()
    runtime = booting.result()  # a database that cannot be used raises its one-line QuizError
    runner = None
    if runtime.drops is not None:
        from quizbot.drops.runner import DropRunner

        # Rebuilds its jobs whenever a schedule changes or an adapter registers a publisher.
        runner = DropRunner(runtime.drops)
        await runner.start()
    jobs: dict[Platform, Callable[[], Coroutine[Any, Any, Any]]] = {}
    if Platform.DISCORD in platforms:
        from adapters.discord.app import run_discord

        jobs[Platform.DISCORD] = lambda: run_discord(runtime, settings)
    if Platform.SLACK in platforms:
        from adapters.slack import app as slack_app

        if http:
            jobs[Platform.SLACK] = lambda: slack_app.run_slack_http(runtime, settings, port, host)
        else:
            jobs[Platform.SLACK] = lambda: slack_app.run_slack_socket(runtime, settings)
    tasks = {asyncio.create_task(job()): name for name, job in jobs.items()}
    logger.info("running platforms=%s", ",".join(p.value for p in platforms))
    stopper = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not stopper and not task.cancelled() and task.exception() is not None:
                exc = task.exception()
                assert exc is not None
                raise PlatformFailed(_one_line(tasks[task].value, exc, settings)) from None
    finally:
        for task in [*tasks, stopper]:
            task.cancel()
        await asyncio.gather(*tasks, stopper, return_exceptions=True)
        if runner is not None:
            await runner.aclose()
        await runtime.aclose()
        logger.info("stopped")


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        platform: Platform | None = typer.Argument(
            None, help="Run only this platform (default: every platform with credentials)."
        ),
        http: bool = typer.Option(False, "--http", help="Slack: serve HTTP, not Socket Mode."),
        port: int = typer.Option(3000, "--port", help="Slack HTTP mode port."),
        host: str = typer.Option(
            "0.0.0.0",
            "--host",
            help="Slack HTTP mode address to listen on (127.0.0.1: local only).",
        ),
    ) -> None:
        """Start the chat bots and the daily-drop scheduler in one event loop."""
        settings = Settings()
        configure_logging(settings)
        platforms = chosen_platforms(settings, platform, http)
        if not platforms and settings.slack_bot_token and settings.slack_signing_secret:
            err.print(
                "[yellow]Slack is set up for HTTP mode.[/] Run [bold]cnnquiz run slack --http "
                "--port PORT[/] (the Procfile's web: process), or set SLACK_APP_TOKEN for "
                "Socket Mode."
            )
            raise typer.Exit(1)
        if not platforms:
            err.print(
                "[yellow]No chat platform is configured.[/] Set DISCORD_TOKEN, or SLACK_BOT_TOKEN "
                "with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (--http).\n"
                "To play without a chat platform, run [bold]cnnquiz play[/]."
            )
            raise typer.Exit(1)
        for p in platforms:
            problem = missing_credentials(settings, p, http)
            if problem:
                err.print(f"[red]{problem}[/]")
                raise typer.Exit(2)
        try:
            asyncio.run(_serve(settings, platforms, http, port, host))
        except QuizError as exc:  # the database cannot be used: say what to fix, no traceback
            fail(exc.message)
        except PackError as exc:  # PACKS_DIR packs are checked at start-up
            fail(f"error: {exc}")
        except PlatformFailed as exc:
            fail(str(exc))
        except KeyboardInterrupt:  # where signal handlers cannot be installed
            raise typer.Exit(130) from None
