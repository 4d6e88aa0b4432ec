"""Assemble the bank (sources -> dedup -> concept links -> gists) and cache it compiled."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from knowledge.bank import Bank
from knowledge.export import FORMAT, bank_from_dict, bank_to_dict
from knowledge.items import ITEMS_DIR, item_paths, load_items
from knowledge.merges import DEFAULT_PATH as MERGES_PATH
from knowledge.merges import load_overrides
from knowledge.model import Concept, Question, RawQuestion
from knowledge.ontology import DEFAULT_PATH, load_concepts
from knowledge.packs import default_pack_paths, load_packs
from knowledge.sources import SOURCES_DIR, load_sources, parse_source

if TYPE_CHECKING:  # dedup pulls in scikit-learn: imported only when a build is needed
    from knowledge.dedup import Group, NearMiss
    from knowledge.linker import ConceptLinker

logger = logging.getLogger(__name__)

# Bump when the compiled shape or the build rules change so cached banks are rebuilt.
CODE_VERSION = "2026-12-01.1"
CONCEPTS_PATH = DEFAULT_PATH
CACHE_FILE = "bank.json"

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class BuildError(ValueError):
    """The bank cannot be built; `problems` names every offending question or file."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("cannot build the question bank:\n" + "\n".join(self.problems))


@dataclass(frozen=True)
class Compiled:
    """A bank plus what a strict build would reject or flag."""

    bank: Bank
    unlinked: tuple[str, ...] = ()
    near_misses: tuple[NearMiss, ...] = field(default=())
    raw_count: int = 0
    item_problems: tuple[str, ...] = ()
    refs: frozenset[str] = frozenset()  # every raw question's '<source> <ref>'


@dataclass(frozen=True)
class Inputs:
    """Where the content comes from (defaults: the packaged sources, ontology and packs)."""

    sources_dir: Path = SOURCES_DIR
    concepts_path: Path = CONCEPTS_PATH
    pack_paths: tuple[Path, ...] = ()
    merges_path: Path = MERGES_PATH
    items_dir: Path = ITEMS_DIR

    @classmethod
    def resolve(
        cls,
        sources_dir: Path | None = None,
        concepts_path: Path | None = None,
        pack_paths: Sequence[Path] | None = None,
        *,
        items_dir: Path | None = None,
        merges_path: Path | None = None,
    ) -> Inputs:
        packs = default_pack_paths() if pack_paths is None else list(pack_paths)
        return cls(
            Path(sources_dir or SOURCES_DIR),
            Path(concepts_path or CONCEPTS_PATH),
            tuple(packs),
            Path(merges_path or MERGES_PATH),
            Path(items_dir or ITEMS_DIR),
        )

    def files(self) -> list[Path]:
        sources = sorted(p for p in self.sources_dir.iterdir() if p.is_file())
        merges = [self.merges_path] if self.merges_path.is_file() else []
        items = item_paths(self.items_dir) if self.items_dir.is_dir() else []
        return [*sources, self.concepts_path, *merges, *items, *self.pack_paths]


def fingerprint(inputs: Inputs) -> str:
    """Hash of every input file's name and bytes, the build code and CODE_VERSION."""
    h = hashlib.sha256(f"{FORMAT}\0{CODE_VERSION}\0".encode())
    package = Path(__file__).resolve().parent
    code = sorted(package.rglob("*.py"))  # parsers, dedup, linker, gist: all shape the bank
    for path in [*inputs.files(), *code]:
        name = path.relative_to(package) if path.is_relative_to(package) else Path(path.name)
        h.update(str(name).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:32]


def _link(group: Group, linker: ConceptLinker) -> tuple[str, ...]:
    if group.explicit_concepts:  # a pack's author knows best
        return group.explicit_concepts
    linked = linker.link(group.text, group.answer)
    for member in group.members:
        if linked:
            break
        linked = linker.link(member.text, member.answer)
    return tuple(linked)


def compile_bank(
    inputs: Inputs, progress: Progress | None = None, concepts: Sequence[Concept] | None = None
) -> Compiled:
    """Build without failing on unlinked questions (they are reported, and left out)."""
    from knowledge.attach import dispute_problems, item_for, make_question
    from knowledge.dedup import cluster
    from knowledge.linker import ConceptLinker

    report = progress or (lambda stage, done, total: None)
    report("concepts", 0, 1)
    concepts = list(concepts) if concepts is not None else load_concepts(inputs.concepts_path)
    report("sources", 0, 1)
    docs = load_sources(inputs.sources_dir)
    titles = {doc.id: doc.title for doc in docs}
    raw: list[RawQuestion] = [q for doc in docs for q in parse_source(doc)]
    if inputs.pack_paths:
        raw += load_packs(list(inputs.pack_paths), {c.id for c in concepts}, titles)
    report("dedup", 0, 1)
    result = cluster(raw, overrides=load_overrides(inputs.merges_path))
    linker = ConceptLinker(concepts)
    items = load_items(item_paths(inputs.items_dir))
    used: set[str] = set()
    questions: list[Question] = []
    unlinked: list[str] = []
    item_problems: list[str] = []
    total = len(result.groups)
    for done, group in enumerate(result.groups, start=1):
        item, clash = item_for(group, items)
        item_problems += clash
        if item is not None:
            used.add(item.ref)
            item_problems += dispute_problems(group, item)
        links = _link(group, linker)
        if not links:
            where = ", ".join(f"{m.source} {m.ref}" for m in group.members)
            unlinked.append(f"{group.id} {group.text!r} ({where}) links to no concept")
        else:
            questions.append(make_question(group, links, item))
        report("link", done, total)
    item_problems += [
        f"{item.where}: ref '{ref}' names no source question"
        for ref, item in items.items()
        if ref not in used
    ]
    bank = Bank.from_parts(concepts, questions, fingerprint(inputs), titles)
    logger.info("bank built: %d raw -> %d canonical questions", len(raw), len(result.groups))
    refs = frozenset(f"{q.source} {q.ref}" for q in raw)
    return Compiled(bank, tuple(unlinked), result.near_misses, len(raw), tuple(item_problems), refs)


def build_bank(
    sources_dir: Path | None = None,
    concepts_path: Path | None = None,
    pack_paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
) -> Bank:
    """Raw questions -> dedup -> concept links -> gists -> Bank.

    Raises:
        BuildError: some question links to no concept, or an authored item names no
            question (each one is named).
        YamlProblem: an item or overrides file cannot be read (as file:line).
    """
    compiled = compile_bank(Inputs.resolve(sources_dir, concepts_path, pack_paths), progress)
    if compiled.unlinked or compiled.item_problems:
        raise BuildError([*compiled.unlinked, *compiled.item_problems])
    return compiled.bank


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("cnnquiz"))


def write_compiled(bank: Bank, path: Path) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(bank_to_dict(bank), out, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_compiled(path: Path, expected_fingerprint: str) -> Bank | None:
    """The compiled bank at `path` if it is intact and current, else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("fingerprint") != expected_fingerprint:
            return None
        return bank_from_dict(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def load_configured_bank(packs_dir: Path | None) -> Bank:
    """The bank with the shipped packs and those in `packs_dir` (PACKS_DIR), as the bot loads
    it, so a command that only reads it does not rebuild the cache without them."""
    from knowledge.packs import configured_pack_paths

    return load_bank(pack_paths=configured_pack_paths(packs_dir), isolate=True)


_CHILD = """
import json, sys
from pathlib import Path
from knowledge.build import build_bank, write_compiled
args = json.load(sys.stdin)
paths = [Path(p) for p in args["packs"]] if args["packs"] is not None else None
sources = Path(args["sources"]) if args["sources"] else None
concepts = Path(args["concepts"]) if args["concepts"] else None
write_compiled(build_bank(sources, concepts, paths), Path(args["out"]))
"""


def _rebuild_elsewhere(
    sources_dir: Path | None,
    concepts_path: Path | None,
    pack_paths: Sequence[Path] | None,
    path: Path,
) -> bool:
    """Build and cache the bank in a child interpreter, so the libraries the build needs
    (scikit-learn, scipy) never load into this long-running one. False if that failed: the
    caller then builds here, which also reports any content error in full."""
    args = {
        "sources": str(sources_dir) if sources_dir else None,
        "concepts": str(concepts_path) if concepts_path else None,
        "packs": [str(p) for p in pack_paths] if pack_paths is not None else None,
        "out": str(path),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=json.dumps(args),
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.info("could not rebuild the bank in a child process (%s); rebuilding here", exc)
        return False
    if done.returncode != 0:
        logger.info("rebuilding the bank in a child process failed; rebuilding here")
        return False
    return True


def load_bank(
    cache_dir: Path | None = None,
    *,
    sources_dir: Path | None = None,
    concepts_path: Path | None = None,
    pack_paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
    isolate: bool = False,
) -> Bank:
    """The compiled bank if its fingerprint matches the inputs, else rebuild and cache it.

    `isolate`: rebuild in a child process (a bot keeps its memory small: the build's
    libraries stay out of it); progress reports need the build in this process.
    """
    inputs = Inputs.resolve(sources_dir, concepts_path, pack_paths)
    path = (cache_dir or default_cache_dir()) / CACHE_FILE
    current = fingerprint(inputs)
    cached = read_compiled(path, current)
    if cached is not None:
        return cached
    logger.info("compiled bank missing or stale at %s; rebuilding", path)
    if isolate and progress is None:
        if _rebuild_elsewhere(sources_dir, concepts_path, pack_paths, path):
            rebuilt = read_compiled(path, current)
            if rebuilt is not None:
                return rebuilt
    bank = build_bank(sources_dir, concepts_path, pack_paths, progress)
    try:
        write_compiled(bank, path)
    except OSError as exc:  # a read-only cache must not stop the bot
        logger.warning("could not write compiled bank to %s: %s", path, exc)
    return bank
