"""Load the source documents through their manifests and parse them into raw questions."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.model import RawQuestion
from knowledge.parsers import ParseError, get_parser

logger = logging.getLogger(__name__)

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
_REQUIRED = ("id", "title", "format", "original_file")


class SourceError(ValueError):
    """A manifest is missing, malformed, or disagrees with its document."""


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One source document with its manifest (`manifest` holds format-specific settings)."""

    id: str
    title: str
    format: str
    original_file: str
    path: Path
    text: str
    manifest: Mapping[str, Any] = field(default_factory=dict, repr=False)


def load_sources(directory: Path | None = None) -> list[SourceDoc]:
    """Read every `<stem>.yaml` manifest in `directory` (sorted by name) and its document.

    Every `.txt` document in the directory must be described by a manifest, so a new
    document cannot be silently left out of the bank.
    """
    directory = directory or SOURCES_DIR
    docs: list[SourceDoc] = []
    for manifest_path in sorted(directory.glob("*.yaml")):
        try:
            manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SourceError(f"{manifest_path}: invalid YAML: {exc}") from exc
        if not isinstance(manifest, dict):
            raise SourceError(f"{manifest_path}: manifest must be a mapping")
        missing = [key for key in _REQUIRED if not manifest.get(key)]
        if missing:
            raise SourceError(f"{manifest_path}: manifest lacks {', '.join(missing)}")
        path = directory / str(manifest["original_file"])
        if not path.is_file():
            raise SourceError(f"{manifest_path}: document {path.name} not found")
        docs.append(
            SourceDoc(
                id=str(manifest["id"]),
                title=str(manifest["title"]),
                format=str(manifest["format"]),
                original_file=str(manifest["original_file"]),
                path=path,
                text=path.read_text(encoding="utf-8"),
                manifest=manifest,
            )
        )
    described = {doc.path.name for doc in docs}
    orphans = sorted(p.name for p in directory.glob("*.txt") if p.name not in described)
    if orphans:
        raise SourceError(f"{directory}: documents without a manifest: {', '.join(orphans)}")
    ids = [doc.id for doc in docs]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise SourceError(f"{directory}: duplicate source ids {duplicated}")
    return docs


def parse_source(doc: SourceDoc) -> list[RawQuestion]:
    """Parse one document with its format's parser; check the manifest's expected count."""
    try:
        questions = get_parser(doc.format)(doc.text, doc.id, doc.manifest)
    except ParseError as exc:  # callers report SourceError as a finding, not a traceback
        raise SourceError(f"{doc.original_file}: {exc}") from exc
    expected = doc.manifest.get("expected_count")
    if expected is not None and len(questions) != expected:
        raise SourceError(
            f"{doc.original_file}: parsed {len(questions)} questions, manifest expects {expected}"
        )
    logger.debug("parsed %s: %d questions", doc.id, len(questions))
    return questions


def load_raw_questions(directory: Path | None = None) -> list[RawQuestion]:
    """All raw questions of all sources, in manifest order then document order."""
    return [q for doc in load_sources(directory) for q in parse_source(doc)]
