"""The `cnnquiz` command line: one typer app with a sub-app per area."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperOption

from adapters.cli import db_cmd, drops_cmd, knowledge_cmd, play_cmd, run_cmd

_display_type = TyperOption.display_type_rich


def _flag_without_type(self: TyperOption, ctx: Any) -> str | None:
    # Typer's help shows "--json <bool>" for a flag that takes no value ("--json true" fails).
    return None if self.is_flag else _display_type(self, ctx)


TyperOption.display_type_rich = _flag_without_type  # type: ignore[method-assign]

app = typer.Typer(
    name="cnnquiz",
    help="Drill CNN interview questions through a concept graph, in the terminal or in chat.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(knowledge_cmd.app, name="knowledge")
run_cmd.register(app)
play_cmd.register(app)
db_cmd.register(app)
drops_cmd.register(app)


def main() -> None:
    app()
