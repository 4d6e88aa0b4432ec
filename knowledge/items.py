"""Authored question items (knowledge/items/*.yaml): our model answers and fair multiple choice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.model import AskedAs, ChoiceItem, Difficulty, Distractor
from knowledge.yamlfile import LINE, YamlProblem, load_with_lines

ITEMS_DIR = Path(__file__).with_name("items")
_KEYS = frozenset(
    {"ref", "prompt", "difficulty", "answer", "gist", "choice", "key_points", "disputed", LINE}
)
_MIN_POINTS, _MAX_POINTS = 3, 6


@dataclass(frozen=True, slots=True)
class Dispute:
    """A source's answer that is wrong or incomplete, and why it is never the model answer."""

    ref: str
    why: str


@dataclass(frozen=True, slots=True)
class Item:
    """Everything we author for one canonical question, found through one of its source refs."""

    ref: str
    answer: str
    gist: str
    key_points: tuple[str, ...] = ()
    choice: ChoiceItem | None = None
    prompt: str | None = None
    difficulty: Difficulty | None = None
    disputed: tuple[Dispute, ...] = ()
    where: str = ""  # file:line, for messages

    @property
    def asked_as(self) -> AskedAs:
        return AskedAs.CHOICE if self.choice is not None else AskedAs.OPEN


def item_paths(directory: Path | None = None) -> list[Path]:
    return sorted((directory or ITEMS_DIR).glob("*.yaml"))


def load_items(paths: Iterable[Path] | None = None) -> dict[str, Item]:
    """Every item by its ref, from `paths` (default: knowledge/items/*.yaml).

    Raises:
        YamlProblem: every malformed item in every file, each as `file:line: what`.
    """
    problems: list[str] = []
    items: dict[str, Item] = {}
    for path in item_paths() if paths is None else paths:
        try:
            data = load_with_lines(path)
        except YamlProblem as exc:
            problems += exc.problems
            continue
        entries = data.get("items") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            problems.append(f"{path}:1: expected a mapping with an 'items' list")
            continue
        for entry in entries:
            item = _parse(entry, path, problems)
            if item is None:
                continue
            if item.ref in items:
                problems.append(f"{item.where}: ref '{item.ref}' already has an item")
                continue
            items[item.ref] = item
    if problems:
        raise YamlProblem(problems)
    return items


def _text(entry: dict[str, Any], key: str, where: str, problems: list[str]) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' must be non-empty text")
        return None
    return " ".join(value.split()) if key != "answer" else value.strip()


def _parse(entry: Any, path: Path, problems: list[str]) -> Item | None:
    if not isinstance(entry, dict):
        problems.append(f"{path}:1: every item must be a mapping")
        return None
    where = f"{path}:{entry[LINE]}"
    before = len(problems)
    unknown = sorted(set(entry) - _KEYS, key=str)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(map(str, unknown))}")
    ref, answer, gist = (_text(entry, k, where, problems) for k in ("ref", "answer", "gist"))
    for key, value in (("ref", ref), ("answer", answer), ("gist", gist)):
        if value is None and not any(p.startswith(f"{where}: '{key}'") for p in problems):
            problems.append(f"{where}: missing '{key}'")
    difficulty = entry.get("difficulty")
    if difficulty is not None and difficulty not in {d.value for d in Difficulty}:
        problems.append(f"{where}: 'difficulty' must be easy, medium or hard")
    choice = _choice(entry.get("choice"), where, problems) if "choice" in entry else None
    points = _strings(entry.get("key_points"), "key_points", where, problems)
    if points and not _MIN_POINTS <= len(points) <= _MAX_POINTS:
        problems.append(f"{where}: give {_MIN_POINTS} to {_MAX_POINTS} key points")
    if choice is None and not points and "choice" not in entry:
        problems.append(f"{where}: an open question needs 'key_points'")
    disputed = _disputes(entry.get("disputed"), where, problems)
    if len(problems) > before or ref is None or answer is None or gist is None:
        return None
    return Item(
        ref=ref,
        answer=answer,
        gist=gist,
        key_points=points,
        choice=choice,
        prompt=_text(entry, "prompt", where, problems),
        difficulty=Difficulty(difficulty) if difficulty else None,
        disputed=disputed,
        where=where,
    )


def _strings(value: Any, key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: '{key}' must be a list of non-empty texts")
        return ()
    return tuple(" ".join(v.split()) for v in value)


def _choice(value: Any, where: str, problems: list[str]) -> ChoiceItem | None:
    if not isinstance(value, dict) or set(value) - {"correct", "distractors", LINE}:
        problems.append(f"{where}: 'choice' needs exactly 'correct' and 'distractors'")
        return None
    here = f"{where.rsplit(':', 1)[0]}:{value[LINE]}"
    correct = _text(value, "correct", here, problems)
    raw = value.get("distractors")
    if correct is None or not isinstance(raw, list) or len(raw) != 3:
        problems.append(f"{here}: a choice needs a 'correct' text and three 'distractors'")
        return None
    distractors: list[Distractor] = []
    for d in raw:
        spot = f"{here.rsplit(':', 1)[0]}:{d[LINE]}" if isinstance(d, dict) else here
        if not isinstance(d, dict) or set(d) - {"text", "why", LINE}:
            problems.append(f"{spot}: each distractor needs exactly 'text' and 'why'")
            continue
        text, why = _text(d, "text", spot, problems), _text(d, "why", spot, problems)
        if text is None or why is None:
            problems.append(f"{spot}: a distractor needs 'text' and a one-line 'why'")
            continue
        distractors.append(Distractor(text, why))
    return ChoiceItem(correct, tuple(distractors)) if len(distractors) == 3 else None


def _disputes(value: Any, where: str, problems: list[str]) -> tuple[Dispute, ...]:
    if value is None:
        return ()
    out: list[Dispute] = []
    if not isinstance(value, list):
        problems.append(f"{where}: 'disputed' must be a list of {{ref, why}}")
        return ()
    for d in value:
        if not isinstance(d, dict) or set(d) - {"ref", "why", LINE}:
            problems.append(f"{where}: each 'disputed' entry needs exactly 'ref' and 'why'")
            continue
        ref, why = _text(d, "ref", where, problems), _text(d, "why", where, problems)
        if ref and why:
            out.append(Dispute(ref, why))
        else:
            problems.append(f"{where}: a 'disputed' entry needs 'ref' and 'why'")
    return tuple(out)
