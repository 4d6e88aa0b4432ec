"""Load the curated concept ontology from YAML and validate it as a whole."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from knowledge.linker import contains_phrase, normalize
from knowledge.model import Concept
from knowledge.stems import shared_stems
from knowledge.yamlfile import LINE, LineLoader

DEFAULT_PATH = Path(__file__).with_name("concepts.yaml")

KINDS = frozenset(
    {
        "architecture",
        "layer",
        "operation",
        "training",
        "technique",
        "task",
        "metric",
        "data",
        "math",
        "concept",
    }
)
_REQUIRED = ("id", "name", "kind", "definition")
_OPTIONAL = ("aliases", "prerequisites", "confusable")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|vs|etc|cf|approx)\.", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")
_MAX_CYCLES = 20


class OntologyError(ValueError):
    """The ontology file is invalid; `problems` lists every issue found."""

    def __init__(self, problems: list[str], source: str = "concepts.yaml") -> None:
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{listing}")


def load_concepts(path: Path | None = None) -> list[Concept]:
    """Read and validate the ontology (default: knowledge/concepts.yaml).

    Raises:
        OntologyError: listing every problem (concept id and YAML line) when invalid.
    """
    path = path or DEFAULT_PATH
    return parse_concepts(path.read_text(encoding="utf-8"), source=str(path))


def parse_concepts(text: str, source: str = "concepts.yaml") -> list[Concept]:
    """Parse and validate ontology YAML text; see `load_concepts`."""
    try:
        data = yaml.load(text, Loader=LineLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        raise OntologyError([f"not valid YAML: {exc}"], source) from exc
    entries = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise OntologyError(["expected a top-level 'concepts:' list"], source)

    problems: list[str] = []
    concepts: list[Concept] = []
    lines: dict[str, int] = {}
    for index, entry in enumerate(entries):
        concept = _parse_entry(entry, index, problems)
        if concept is None:
            continue
        if concept.id in lines:
            first = lines[concept.id]
            problems.append(
                f"{concept.id} (line {entry[LINE]}): duplicate id, first at line {first}"
            )
            continue
        lines[concept.id] = entry[LINE]
        concepts.append(concept)

    problems += _check_labels(concepts, lines)
    graph_problems, graph = _check_graph(concepts, lines)
    problems += graph_problems
    if not graph_problems:
        problems += _check_confusables(concepts, lines, graph)
    if problems:
        raise OntologyError(problems, source)
    return concepts


def _where(entry: dict[str, Any], index: int) -> str:
    cid = entry.get("id")
    return f"{cid if isinstance(cid, str) else f'entry #{index + 1}'} (line {entry[LINE]})"


def _str_list(entry: dict[str, Any], key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = entry.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: '{key}' must be a list of non-empty strings")
        return ()
    return tuple(v.strip() for v in value)


def _parse_entry(entry: object, index: int, problems: list[str]) -> Concept | None:
    if not isinstance(entry, dict):
        problems.append(f"entry #{index + 1}: expected a mapping, got {type(entry).__name__}")
        return None
    where = _where(entry, index)
    before = len(problems)
    for key in _REQUIRED:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: missing or empty '{key}'")
    unknown = sorted(set(entry) - {*_REQUIRED, *_OPTIONAL, LINE}, key=str)
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    aliases = _str_list(entry, "aliases", where, problems)
    prerequisites = _str_list(entry, "prerequisites", where, problems)
    confusable = _str_list(entry, "confusable", where, problems)
    if len(problems) > before:
        return None

    cid, kind, definition = entry["id"].strip(), entry["kind"].strip(), entry["definition"].strip()
    if not _ID.match(cid):
        problems.append(f"{where}: id must be kebab-case (a-z, 0-9, single hyphens)")
    if kind not in KINDS:
        problems.append(f"{where}: unknown kind '{kind}' (allowed: {', '.join(sorted(KINDS))})")
    if not definition.endswith((".", "?", "!")) or _SENTENCE_BREAK.search(
        _ABBREVIATIONS.sub("", definition)
    ):
        problems.append(f"{where}: definition must be exactly one sentence")
    return Concept(
        id=cid,
        name=entry["name"].strip(),
        kind=kind,
        definition=definition,
        aliases=aliases,
        prerequisites=prerequisites,
        confusable=confusable,
    )


def _check_labels(concepts: list[Concept], lines: dict[str, int]) -> list[str]:
    """Names and aliases must be unique across concepts and absent from own definitions."""
    problems: list[str] = []
    owner: dict[tuple[str, ...], tuple[str, str]] = {}
    for c in concepts:
        where = f"{c.id} (line {lines[c.id]})"
        definition = normalize(c.definition)
        seen: set[str] = set()
        for label in (c.name, *c.aliases):
            if label.casefold() in seen:
                problems.append(f"{where}: '{label}' listed twice")
                continue
            seen.add(label.casefold())
            key = normalize(label)
            if not key:
                problems.append(f"{where}: '{label}' has no letters or digits")
                continue
            other = owner.get(key)
            if other is not None and other[0] != c.id:
                problems.append(
                    f"{where}: '{label}' clashes with '{other[1]}' of concept {other[0]}"
                )
            owner.setdefault(key, (c.id, label))
            if contains_phrase(definition, key):
                problems.append(f"{where}: definition gives away its own name '{label}'")
        leaked = shared_stems(c.definition, [c.name, *c.aliases])
        if leaked:
            roots = ", ".join(sorted(leaked))
            problems.append(f"{where}: definition shares a word root with its name ({roots})")
    return problems


def _check_confusables(
    concepts: list[Concept], lines: dict[str, int], graph: nx.DiGraph
) -> list[str]:
    """Confusables are other concepts of the same kind, neither broader nor narrower."""
    problems: list[str] = []
    by_id = {c.id: c for c in concepts}
    for c in concepts:
        where = f"{c.id} (line {lines[c.id]})"
        for other in c.confusable:
            peer = by_id.get(other)
            if peer is None or other == c.id:
                problems.append(f"{where}: confusable '{other}' is not another concept")
            elif peer.kind != c.kind:
                problems.append(f"{where}: confusable '{other}' is a {peer.kind}, not a {c.kind}")
            elif nx.has_path(graph, c.id, other) or nx.has_path(graph, other, c.id):
                problems.append(f"{where}: confusable '{other}' is a prerequisite chain away")
    return problems


def _check_graph(concepts: list[Concept], lines: dict[str, int]) -> tuple[list[str], nx.DiGraph]:
    problems: list[str] = []
    ids = {c.id for c in concepts}
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    for c in concepts:
        where = f"{c.id} (line {lines[c.id]})"
        if len(set(c.prerequisites)) != len(c.prerequisites):
            problems.append(f"{where}: a prerequisite is listed twice")
        for pre in c.prerequisites:
            if pre == c.id:
                problems.append(f"{where}: lists itself as a prerequisite")
            elif pre not in ids:
                problems.append(f"{where}: unknown prerequisite id '{pre}'")
            else:
                graph.add_edge(c.id, pre)
    cycles = []
    for cycle in itertools.islice(nx.simple_cycles(graph), _MAX_CYCLES):
        first = cycle.index(min(cycle))  # rotate so the report is deterministic
        cycles.append(cycle[first:] + cycle[:first])
    for cycle in sorted(cycles):
        problems.append(f"prerequisite cycle: {' -> '.join([*cycle, cycle[0]])}")
    return problems, graph
