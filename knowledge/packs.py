"""Admin-written YAML question packs: load and validate, with file:line in every error."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from knowledge.model import Difficulty, RawQuestion
from knowledge.yamlfile import YamlProblem, compose

PACKS_DIR = Path(__file__).resolve().parent / "packs"
SOURCE_PREFIX = "pack:"

_STR = "tag:yaml.org,2002:str"
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_PACK_KEYS = ("id", "title", "questions")
_QUESTION_KEYS = ("text", "answer", "difficulty", "concepts", "ref")
_LEVELS = ", ".join(d.value for d in Difficulty)


class PackError(ValueError):
    """One or more packs are invalid; `problems` lists every one as "file:line: what"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in question packs:\n" + "\n".join(problems))


def default_pack_paths(directory: Path | None = None) -> list[Path]:
    """The packs loaded by default: `knowledge/packs/*.yaml` (examples/ is not included)."""
    directory = directory or PACKS_DIR
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def configured_pack_paths(packs_dir: Path | None) -> list[Path]:
    """The shipped packs, then those in `packs_dir` (the PACKS_DIR setting) when one is set.

    Raises:
        PackError: `packs_dir` is not a folder.
    """
    if packs_dir is None:
        return default_pack_paths()
    folder = packs_dir.expanduser()
    if not folder.is_dir():
        raise PackError([f"{folder}: PACKS_DIR is not a folder (set it to your packs' folder)"])
    return [*default_pack_paths(), *default_pack_paths(folder)]


def load_packs(
    paths: list[Path],
    concept_ids: Collection[str] | None = None,
    titles: dict[str, str] | None = None,
) -> list[RawQuestion]:
    """Load every pack, in the given order; raise PackError listing all problems at once.

    Args:
        paths: pack files to read.
        concept_ids: when given, concept ids a question names must be among them.
        titles: when given, receives each pack's title (or "question pack <id>") by source.

    Returns:
        One RawQuestion per pack entry, `source` = "pack:<pack id>".
    """
    problems: list[str] = []
    questions: list[RawQuestion] = []
    owners: dict[str, Path] = {}
    for path in paths:
        pack = _Pack(path, concept_ids, problems)
        loaded = pack.load()
        if pack.source in owners:
            problems.append(
                f"{path}:1: pack id {pack.source.removeprefix(SOURCE_PREFIX)!r} is also used by "
                f"{owners[pack.source]}"
            )
        owners.setdefault(pack.source, path)
        if titles is not None:
            titles[pack.source] = (
                pack.title or f"question pack {pack.source.removeprefix(SOURCE_PREFIX)}"
            )
        questions.extend(loaded)
    if problems:
        raise PackError(problems)
    return questions


@dataclass
class _Pack:
    path: Path
    concept_ids: Collection[str] | None
    problems: list[str]
    source: str = field(init=False)
    title: str = field(init=False, default="")
    found: list[tuple[int, str]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.source = SOURCE_PREFIX + self.path.stem

    def fail(self, node: Node | None, message: str, line: int | None = None) -> None:
        if line is None:
            line = node.start_mark.line + 1 if node is not None else 1
        self.found.append((line, f"{self.path}:{line}: {message}"))

    def load(self) -> list[RawQuestion]:
        """Parse and validate the pack; its problems are added to `problems` in line order."""
        questions = self._load()
        self.problems.extend(message for _, message in sorted(self.found, key=lambda f: f[0]))
        return questions

    def _load(self) -> list[RawQuestion]:
        try:
            root = compose(self.path)  # not UTF-8, not YAML, nested absurdly: file:line
        except YamlProblem as exc:
            self.found += [(0, problem) for problem in exc.problems]
            return []
        items = self._questions_node(root)
        if items is None:
            return []
        if not items.value:
            self.fail(items, "pack has no questions")
        seen_refs: dict[str, int] = {}
        seen_texts: dict[str, int] = {}
        out: list[RawQuestion] = []
        for number, node in enumerate(items.value, start=1):
            question = self._question(node, number)
            if question is None:
                continue
            line = node.start_mark.line + 1
            if question.ref in seen_refs:
                self.fail(
                    node, f"ref {question.ref!r} already used on line {seen_refs[question.ref]}"
                )
            if question.text.casefold() in seen_texts:
                earlier = seen_texts[question.text.casefold()]
                self.fail(node, f"same question text as line {earlier}")
            seen_refs.setdefault(question.ref, line)
            seen_texts.setdefault(question.text.casefold(), line)
            out.append(question)
        return out

    def _questions_node(self, root: Node | None) -> SequenceNode | None:
        if root is None:
            self.fail(None, "pack is empty; expected a list of questions")
            return None
        if isinstance(root, SequenceNode):
            return root
        if not isinstance(root, MappingNode):
            self.fail(root, "a pack must be a list of questions or a mapping with 'questions'")
            return None
        fields = self._fields(root, _PACK_KEYS, "pack")
        if "id" in fields:
            pack_id = self._text(fields["id"], "'id'")
            if pack_id is not None and not _SLUG.match(pack_id):
                self.fail(
                    fields["id"], f"'id' must be lowercase words joined by '-' (got {pack_id!r})"
                )
            elif pack_id is not None:
                self.source = SOURCE_PREFIX + pack_id
        if "title" in fields:
            self.title = self._text(fields["title"], "'title'") or ""
        node = fields.get("questions")
        if node is None:
            self.fail(root, "missing 'questions' (a list of questions)")
            return None
        if not isinstance(node, SequenceNode):
            self.fail(node, "'questions' must be a list")
            return None
        return node

    def _question(self, node: Node, number: int) -> RawQuestion | None:
        where = f"question {number}"
        if not isinstance(node, MappingNode):
            self.fail(node, f"{where}: expected a mapping with 'text' and 'answer'")
            return None
        fields = self._fields(node, _QUESTION_KEYS, where)
        before = len(self.found)
        text = answer = None
        for key in ("text", "answer"):
            if key not in fields:
                self.fail(node, f"{where}: missing {key!r}")
        if "text" in fields:
            text = self._text(fields["text"], f"{where}: 'text'")
        if "answer" in fields:
            answer = self._text(fields["answer"], f"{where}: 'answer'", numbers_ok=True)
        difficulty = self._difficulty(fields.get("difficulty"), where)
        concepts = self._concepts(fields.get("concepts"), where)
        ref = f"P{number}"
        if "ref" in fields:
            ref = self._text(fields["ref"], f"{where}: 'ref'", numbers_ok=True) or ref
        if len(self.found) > before or text is None:
            return None
        return RawQuestion(
            source=self.source,
            ref=ref,
            text=" ".join(text.split()),
            answer=answer,
            difficulty=difficulty,
            concepts=concepts,
        )

    def _fields(self, node: MappingNode, allowed: tuple[str, ...], where: str) -> dict[str, Node]:
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in allowed:
                self.fail(key_node, f"{where}: unknown key {key!r} (allowed: {', '.join(allowed)})")
            elif key in fields:
                self.fail(key_node, f"{where}: key {key!r} given twice")
            else:
                fields[key] = value_node
        return fields

    def _text(self, node: Node, what: str, numbers_ok: bool = False) -> str | None:
        tags = (_STR, *_NUMBERS) if numbers_ok else (_STR,)
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            self.fail(node, f"{what} must be text")
            return None
        value = " ".join(str(node.value).split()) if node.tag != _STR else str(node.value).strip()
        if not value:
            self.fail(node, f"{what} is empty")
            return None
        return value

    def _difficulty(self, node: Node | None, where: str) -> Difficulty | None:
        if node is None:
            return None
        value = self._text(node, f"{where}: 'difficulty'")
        if value is None:
            return None
        try:
            return Difficulty(value.lower())
        except ValueError:
            self.fail(node, f"{where}: 'difficulty' must be one of {_LEVELS} (got {value!r})")
            return None

    def _concepts(self, node: Node | None, where: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, SequenceNode):
            self.fail(node, f"{where}: 'concepts' must be a list of concept ids")
            return ()
        ids: list[str] = []
        for item in node.value:
            concept = self._text(item, f"{where}: concept id")
            if concept is None:
                continue
            if not _SLUG.match(concept):
                self.fail(
                    item, f"{where}: {concept!r} is not a concept id (like 'skip-connection')"
                )
            elif self.concept_ids is not None and concept not in self.concept_ids:
                self.fail(item, f"{where}: unknown concept {concept!r}")
            elif concept in ids:
                self.fail(item, f"{where}: concept {concept!r} listed twice")
            else:
                ids.append(concept)
        return tuple(ids)
