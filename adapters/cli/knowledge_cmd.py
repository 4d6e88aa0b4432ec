"""`cnnquiz knowledge ...`: build, export, check and draw the question bank and concept graph."""

from __future__ import annotations

import typer

app = typer.Typer(help="Build, inspect and export the question bank and concept graph.")
