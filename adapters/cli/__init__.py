"""The `cnnquiz` command line: one typer app with a sub-app per area."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

import typer
from typer.core import TyperOption

from adapters.cli import db_cmd, drops_cmd, flags_cmd, knowledge_cmd, play_cmd, run_cmd

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


def _show_version(wanted: bool) -> None:
    if not wanted:
        return
    try:
        number = version("cnnquiz")
    except PackageNotFoundError:  # run from a source tree that was never installed
        number = "unknown (not installed)"
    typer.echo(f"cnnquiz {number}")
    raise typer.Exit()


@app.callback()
def _root(
    _version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Drill CNN interview questions through a concept graph, in the terminal or in chat."""


app.add_typer(knowledge_cmd.app, name="knowledge")
flags_cmd.register(knowledge_cmd.app)
run_cmd.register(app)
play_cmd.register(app)
db_cmd.register(app)
drops_cmd.register(app)


def main() -> None:
    app()
