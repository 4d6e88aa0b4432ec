"""`cnnquiz knowledge ...`: build, export, check and draw the question bank and concept graph."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import networkx as nx
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.tree import Tree

from adapters.cli.fail import fail, file_problem, output_problem
from knowledge.bank import Bank
from knowledge.build import CACHE_FILE as _CACHE_FILE
from knowledge.build import BuildError, build_bank, default_cache_dir, load_bank, write_compiled
from knowledge.model import Concept
from knowledge.ontology import OntologyError, load_concepts
from knowledge.packs import PackError, configured_pack_paths
from knowledge.sources import SourceError

app = typer.Typer(
    help="Build, inspect and export the question bank and concept graph.", no_args_is_help=True
)
console = Console()
errors = Console(stderr=True)

CacheDir = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Where the compiled bank lives (default: user cache dir)."),
]
ExtraPacks = Annotated[
    list[Path] | None,
    typer.Option("--pack", help="Also load this question pack (repeatable), e.g. to try it out."),
]
_STAGES = {
    "concepts": "Reading the concept ontology",
    "sources": "Parsing the source documents",
    "dedup": "Merging near-duplicate questions",
    "link": "Linking questions to concepts",
}


class Format(StrEnum):
    JSON = "json"


@contextmanager
def _friendly() -> Iterator[None]:
    """Turn content errors into a short red message and exit code 1 (never a traceback)."""
    try:
        yield
    except (BuildError, OntologyError, PackError) as exc:
        errors.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    except SourceError as exc:
        fail(f"error: {exc}")
    except OSError as exc:
        fail(f"error: {file_problem(exc)}")


def _packs(extra: list[Path] | None) -> list[Path]:
    """The shipped packs, those in PACKS_DIR, and any given with --pack."""
    from quizbot.settings import Settings

    return [*configured_pack_paths(Settings().packs_dir), *(extra or [])]


def _load(cache_dir: Path | None) -> Bank:
    return load_bank(cache_dir, pack_paths=_packs(None))


@app.command()
def build(cache_dir: CacheDir = None, pack: ExtraPacks = None) -> None:
    """Compile the bank from the sources, ontology and packs, and cache it for fast start-up."""
    started = time.perf_counter()
    with _friendly():
        with Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task(_STAGES["concepts"], total=None)

            def report(stage: str, done: int, total: int) -> None:
                bar.update(task, description=_STAGES.get(stage, stage), completed=done, total=total)

            bank = build_bank(pack_paths=_packs(pack), progress=report)
        path = (cache_dir or default_cache_dir()) / _CACHE_FILE
        write_compiled(bank, path)
    variants = sum(len(q.variants) for q in bank.questions)
    console.print(
        f"[green]Built[/] {len(bank.questions)} questions from {variants} source questions, "
        f"{len(bank.concepts)} concepts in {time.perf_counter() - started:.1f}s -> {path}"
    )


@app.command()
def export(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.JSON,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to a file.")] = None,
    cache_dir: CacheDir = None,
) -> None:
    """Print the whole bank (concepts and questions) as JSON."""
    from knowledge.export import bank_to_dict

    if out is not None and (problem := output_problem(out)):
        fail(f"error: {problem}", 2)
    with _friendly():
        text = json.dumps(bank_to_dict(_load(cache_dir)), ensure_ascii=False, indent=2)
        if out is None:
            sys.stdout.write(text + "\n")
            return
        out.write_text(text + "\n", encoding="utf-8")
    errors.print(f"Wrote {out}")


@app.command()
def check(pack: ExtraPacks = None) -> None:
    """Check the ontology, sources, items (fairness gates included), links and near-duplicates."""
    from knowledge.check import check_bank

    with _friendly():
        report = check_bank(pack_paths=_packs(pack))
    for f in report.warnings:
        # soft_wrap: a file:line must stay whole so editors and terminals can follow it
        console.print(
            f"[yellow]warning[/] [dim]{f.kind}[/] {escape(f.message)}",
            highlight=False,
            soft_wrap=True,
        )
    for f in report.errors:
        console.print(
            f"[red]error[/] [dim]{f.kind}[/] {escape(f.message)}", highlight=False, soft_wrap=True
        )
    for name, rate in report.guess_rates.items():
        console.print(f"[dim]guesser[/] {name}: right on {rate:.0%} of items", highlight=False)
    summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.stats.items())
    colour = "green" if report.ok else "red"
    console.print(
        f"[{colour}]{len(report.errors)} error(s)[/], {len(report.warnings)} warning(s)"
        + (f" ({summary})" if summary else "")
    )
    raise typer.Exit(report.exit_code)


def find_concept(concepts: list[Concept], query: str) -> tuple[Concept | None, list[str]]:
    """The concept an id, name or alias names, fuzzy like a chat topic ("res net", "skip
    conections"); else None and up to five close concept names."""
    from quizbot.errors import UnknownTopic
    from quizbot.topics import TopicMatcher

    try:
        found = TopicMatcher(concepts).resolve(query)
    except UnknownTopic as exc:
        return None, list(exc.suggestions)
    return next(c for c in concepts if c.id == found), []


def _tree(graph: nx.DiGraph, names: Callable[[str], str], root: str) -> Tree:
    tree = Tree(f"[bold]{names(root)}[/]")
    shown: set[str] = set()

    def grow(node: str, branch: Tree) -> None:
        for pre in sorted(graph.successors(node), key=names):
            if pre in shown:
                branch.add(f"[dim]{names(pre)} (see above)[/]")
                continue
            shown.add(pre)
            grow(pre, branch.add(names(pre)))

    grow(root, tree)
    return tree


@app.command()
def path(concept: Annotated[str, typer.Argument(help="Concept id, name or alias.")]) -> None:
    """Show what a concept builds on: its prerequisite chains down to the foundations."""
    from knowledge.graph import build_graph, chains

    with _friendly():
        concepts = load_concepts()
    found, suggestions = find_concept(concepts, concept)
    if found is None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        errors.print(f"[red]error:[/] no concept called {concept!r}.{hint}", highlight=False)
        raise typer.Exit(2)
    graph = build_graph(concepts)
    by_id = {c.id: c for c in concepts}

    def names(cid: str) -> str:
        return by_id[cid].name

    console.print(f"[bold]{found.name}[/] ({found.kind}): {found.definition}", highlight=False)
    if not found.prerequisites:
        console.print("It is a foundation: it has no prerequisites.")
        return
    all_chains = chains(graph, found.id)
    shortest = min(all_chains, key=len)
    console.print(_tree(graph, names, found.id))
    console.print(
        f"{len(all_chains)} chain(s) to the foundations; shortest: "
        + " → ".join(names(c) for c in shortest),
        highlight=False,
    )


@app.command()
def graph(
    out: Annotated[Path, typer.Option("--out", "-o", help="map.png, map.svg or map.graphml")],
    around: Annotated[
        str | None,
        typer.Option("--around", help="Only this concept's neighbourhood (id, name or alias)."),
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", min=1, max=6, help="Steps each way with --around.")
    ] = 2,
) -> None:
    """Draw the concept map as a layered graph coloured by kind, or one concept's
    neighbourhood (--around), or export it as GraphML."""
    from knowledge.graph import build_graph, draw, neighbourhood

    if out.suffix.lower() not in {".png", ".svg", ".graphml"}:
        errors.print(f"[red]error:[/] cannot write {out.name}: use .png, .svg or .graphml")
        raise typer.Exit(2)
    if problem := output_problem(out):
        fail(f"error: {problem}", 2)
    with _friendly():
        concepts = load_concepts()
    whole = build_graph(concepts)
    centre = None
    if around is not None:
        found, suggestions = find_concept(concepts, around)
        if found is None:
            hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
            errors.print(f"[red]error:[/] no concept called {around!r}.{hint}", highlight=False)
            raise typer.Exit(2)
        centre = found.id
        whole = neighbourhood(whole, centre, depth)
    with _friendly():
        written = draw(whole, out, centre=centre)
    console.print(f"Wrote {written}")
