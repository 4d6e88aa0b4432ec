"""Reviewed dedup overrides: question sets merged or kept apart by hand (knowledge/merges.yaml)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.model import RawQuestion
from knowledge.yamlfile import YamlProblem, load_with_lines

DEFAULT_PATH = Path(__file__).with_name("merges.yaml")


def ref_of(question: RawQuestion) -> str:
    """How content files name one source phrasing: '<source id> <source ref>'."""
    return f"{question.source} {question.ref}"


@dataclass(frozen=True)
class Overrides:
    """`merge`: each set becomes one question. `apart`: each set's members stay distinct."""

    merge: tuple[frozenset[str], ...] = ()
    apart: tuple[frozenset[str], ...] = ()
    lines: dict[frozenset[str], int] = field(default_factory=dict, compare=False)

    def reviewed(self, first: Iterable[str], second: Iterable[str]) -> bool:
        """Whether a merge or apart set names a phrasing of each question."""
        a, b = set(first), set(second)
        return any(s & a and s & b for s in (*self.merge, *self.apart))


def load_overrides(path: Path | None = None) -> Overrides:
    """Read the overrides file (no file: no overrides).

    Raises:
        YamlProblem: listing each malformed entry as `file:line: what`.
    """
    path = path or DEFAULT_PATH
    if not path.is_file():
        return Overrides()
    data = load_with_lines(path)
    problems: list[str] = []
    sets: dict[str, list[frozenset[str]]] = {"merge": [], "apart": []}
    lines: dict[frozenset[str], int] = {}
    if not isinstance(data, dict) or set(data) - {"merge", "apart", "__line__"}:
        raise YamlProblem([f"{path}:1: expected a mapping with 'merge' and 'apart' lists"])
    for key in ("merge", "apart"):
        entries = data.get(key) or []
        if not isinstance(entries, list):
            problems.append(f"{path}:{data['__line__']}: '{key}' must be a list")
            continue
        for entry in entries:
            sets[key].append(_parse_entry(entry, key, path, problems, lines))
    if problems:
        raise YamlProblem(problems)
    return Overrides(tuple(sets["merge"]), tuple(sets["apart"]), lines)


def _parse_entry(
    entry: Any, key: str, path: Path, problems: list[str], lines: dict[frozenset[str], int]
) -> frozenset[str]:
    line = entry.get("__line__", 0) if isinstance(entry, dict) else 0
    refs = entry.get("refs") if isinstance(entry, dict) else None
    why = entry.get("why") if isinstance(entry, dict) else None
    if not isinstance(why, str) or not why.strip():
        problems.append(f"{path}:{line}: say 'why' this {key} was decided")
    if not isinstance(refs, list) or len(refs) < 2 or not all(isinstance(r, str) for r in refs):
        problems.append(f"{path}:{line}: each '{key}' entry needs 'refs': two or more refs")
        return frozenset()
    found = frozenset(r.strip() for r in refs)
    lines[found] = line
    return found


def check_refs(overrides: Overrides, known: set[str], path: Path | None = None) -> list[str]:
    """Refs that name no source phrasing (a typo, or a source that changed)."""
    where = path or DEFAULT_PATH
    return [
        f"{where}:{overrides.lines.get(s, 0)}: unknown ref '{ref}'"
        for s in (*overrides.merge, *overrides.apart)
        for ref in sorted(s - known)
    ]
