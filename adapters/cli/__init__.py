"""The `cnnquiz` command line: one typer app with a sub-app per area."""

from __future__ import annotations

import typer

from adapters.cli import db_cmd, drops_cmd, knowledge_cmd, play_cmd, run_cmd

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
