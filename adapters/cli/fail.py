"""One red line on stderr and a non-zero exit: how every command reports trouble."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `message` (never markup: paths may hold brackets) and exit with `code`."""
    err.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
    raise typer.Exit(code)


def file_problem(exc: OSError) -> str:
    """An OSError as a sentence about the file, without the raw `[Errno N]`."""
    name = str(exc.filename) if exc.filename else "the file"
    if isinstance(exc, FileNotFoundError):
        parent = Path(name).parent
        if exc.filename and not parent.exists():
            return f"the folder {parent} does not exist; create it or choose another path"
        return f"{name} does not exist"
    if isinstance(exc, PermissionError):
        return f"no permission to use {name}"
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a folder; name a file"
    if isinstance(exc, NotADirectoryError):
        return f"part of {name} is a file, not a folder"
    return f"cannot use {name} ({exc.strerror or type(exc).__name__})"


def output_problem(path: Path) -> str | None:
    """Why `path` cannot be written, checked before any work is done; None when it can."""
    if path.is_dir():
        return f"{path} is a folder; name a file, e.g. {path / 'out'}"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist; create it or choose another path"
    return None
