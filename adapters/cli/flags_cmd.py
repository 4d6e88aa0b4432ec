"""`cnnquiz knowledge flags [--clear ID]`: questions players reported, and clearing them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from adapters.cli.db_cmd import UrlOption, db_url, require_schema, run_db, with_sessions
from quizbot.settings import Settings
from quizbot.storage.uow import clear_question_flags, question_flags

out = Console()


def register(knowledge: typer.Typer) -> None:
    knowledge.command("flags")(flags)


def flags(
    clear: str | None = typer.Option(
        None, "--clear", metavar="ID", help="Clear the open reports on this question id."
    ),
    show_all: bool = typer.Option(False, "--all", help="Also list questions already cleared."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    url: str | None = UrlOption,
) -> None:
    """Questions players flagged, with counts; drops skip them until cleared (--clear ID)."""
    target = db_url(url)
    require_schema(target)
    if clear is not None:
        key = clear.strip()
        now = datetime.now(UTC)
        n = run_db(
            lambda: with_sessions(target, lambda s: clear_question_flags(s, key, now)), target
        )
        if not n:
            out.print(
                f"[yellow]No open reports on {key!r}[/]; `cnnquiz knowledge flags` lists them."
            )
            raise typer.Exit(1)
        out.print(f"Cleared {n} report{'s' if n > 1 else ''} on {key}: drops may use it again.")
        return
    from knowledge.build import load_configured_bank  # heavy; only the listing needs it
    from knowledge.packs import PackError
    from quizbot.study.flagging import label_of

    rows = run_db(
        lambda: with_sessions(target, lambda s: question_flags(s, open_only=not show_all)), target
    )
    try:
        bank = load_configured_bank(Settings().packs_dir)
    except PackError as exc:
        out.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    table = Table("id", "open", "all", "last", "question", "reasons")
    for row in rows:
        label = label_of(bank, row.key)
        if as_json:
            data = {
                "id": row.key,
                "question": label,
                "open": row.open,
                "total": row.total,
                "last_at": row.last_at.isoformat(),
                "reasons": list(row.reasons),
            }
            print(json.dumps(data, ensure_ascii=False))
            continue
        when = row.last_at.strftime("%Y-%m-%d")
        reasons = "\n".join(row.reasons) or "—"
        table.add_row(row.key, str(row.open), str(row.total), when, label[:70], reasons)
    if not as_json:
        if rows:
            out.print(table)
        else:
            out.print("No open reports on questions.")
