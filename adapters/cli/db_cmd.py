"""`cnnquiz db ...`: apply migrations, show the schema revision, rebuild the boards."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.cli.fail import fail
from quizbot.errors import QuizError
from quizbot.rating import level, prior
from quizbot.settings import Settings
from quizbot.storage import db
from quizbot.storage.trouble import explain
from quizbot.storage.uow import question_ratings
from quizbot.storage.uow import rebuild_scores as rebuild_all

T = TypeVar("T")
app = typer.Typer(help="Database schema and maintenance.", no_args_is_help=True)
out = Console()

UrlOption = typer.Option(None, "--url", help="Database URL (default: DATABASE_URL or SQLite).")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="db")


def db_url(url: str | None) -> str:
    return db.normalize_url(url or Settings().database_url)


def _shown(url: str) -> str:
    """The URL without its password; never the raw string, which may hold one."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "the configured database URL"


def run_db(work: Callable[[], Awaitable[T]], url: str) -> T:
    async def main() -> T:
        return await work()

    try:
        return asyncio.run(main())
    except QuizError as exc:  # DatabaseProblem: already says what to fix
        fail(exc.message)
    except (DBAPIError, OSError, ImportError, ArgumentError) as exc:
        fail(explain(exc, url).message)


def require_schema(url: str) -> None:
    """Stop with one line when the database has not been migrated (its tables are missing)."""
    if run_db(lambda: db.current_revision(url), url) is None:
        fail("The database has no cnnquiz tables yet: run `cnnquiz db upgrade` (or start the bot).")


async def with_sessions(
    url: str, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    """Run `work` on a session factory for `url`, disposing of the engine afterwards."""
    engine = db.make_engine(url)
    try:
        return await work(db.make_sessions(engine))
    finally:
        await engine.dispose()


@app.command()
def upgrade(url: str | None = UrlOption) -> None:
    """Apply pending migrations (the bot also does this on start)."""
    target = db_url(url)

    async def work() -> str | None:
        await db.upgrade(target)
        return await db.current_revision(target)

    revision = run_db(work, target)
    out.print(f"Database {_shown(target)} is at revision [bold]{revision}[/bold].")


@app.command()
def current(url: str | None = UrlOption) -> None:
    """Show the schema revision the database is at."""
    target = db_url(url)
    revision = run_db(lambda: db.current_revision(target), target)
    out.print(revision or "empty (no migrations applied)")


@app.command("rebuild-scores")
def rebuild_scores(url: str | None = UrlOption) -> None:
    """Recompute every leaderboard from the answer log and the points ledger."""
    target = db_url(url)

    replayed = run_db(lambda: with_sessions(target, rebuild_all), target)
    out.print(f"Boards rebuilt from {replayed} answers.")


@app.command("questions")
def questions(
    url: str | None = UrlOption,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """Each question's calibrated difficulty (learned from answers) beside its source label."""
    from knowledge.build import load_configured_bank  # heavy; only this command needs it
    from knowledge.packs import PackError

    target = db_url(url)

    rows = run_db(lambda: with_sessions(target, question_ratings), target)
    try:
        bank = load_configured_bank(Settings().packs_dir)
    except PackError as exc:
        fail(f"error: {exc}")
    table = Table("question", "source level", "calibrated", "rating", "answers", "right")
    for key, rating, answers, right in rows:
        question = bank.question(key)
        text = question.text if question else key
        labelled = (
            question.difficulty.value if question and question.difficulty else key.split(":")[-1]
        )
        if labelled not in ("easy", "medium", "hard"):
            labelled = "easy"  # naming a concept
        row = {
            "key": key,
            "question": text,
            "source_level": labelled,
            "prior": prior(labelled),
            "calibrated": level(rating),
            "rating": round(rating, 1),
            "answers": answers,
            "right": right,
        }
        if as_json:
            print(json.dumps(row))
        else:
            table.add_row(
                text[:70], labelled, level(rating), f"{rating:.0f}", str(answers), str(right)
            )
    if not as_json:
        if rows:
            out.print(table)
        else:
            out.print("No scored answers yet: every question is still at its source level.")
