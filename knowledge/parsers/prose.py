"""Parser for prose answers with no question text: the manifest supplies our questions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.model import RawQuestion
from knowledge.parsers.base import ParseError, clean_inline, require


def parse(text: str, source_id: str, manifest: Mapping[str, Any]) -> list[RawQuestion]:
    """Segment the paragraphs into one item per manifest question and pair them.

    Each manifest entry names the opening words of the first paragraph of its segment
    (`opens_with`); a segment runs until the next entry's paragraph. Paragraphs before the
    first segment (title, subtitle) are dropped. Anchors that are missing, ambiguous or out
    of order are errors, so an edited document can never silently shift the pairing.
    """
    entries = require(manifest, "questions", source_id)
    if not isinstance(entries, list) or not entries:
        raise ParseError(f"{source_id}: manifest 'questions' must be a non-empty list")
    paragraphs = [clean_inline(line) for line in text.splitlines() if line.strip()]
    starts: list[int] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping) or not entry.get("opens_with") or not entry.get("text"):
            raise ParseError(f"{source_id}: question {number} needs 'opens_with' and 'text'")
        anchor = clean_inline(str(entry["opens_with"]))
        hits = [i for i, p in enumerate(paragraphs) if p.startswith(anchor)]
        if len(hits) != 1:
            found = "no paragraph" if not hits else f"{len(hits)} paragraphs"
            raise ParseError(f"{source_id}: question {number}: {found} open with {anchor!r}")
        if starts and hits[0] <= starts[-1]:
            raise ParseError(f"{source_id}: question {number}: segment {anchor!r} is out of order")
        starts.append(hits[0])
    bounds = [*starts, len(paragraphs)]
    return [
        RawQuestion(
            source=source_id,
            ref=f"item {number}",
            text=clean_inline(str(entry["text"])),
            answer="\n".join(paragraphs[bounds[number - 1] : bounds[number]]),
            derived=True,
        )
        for number, entry in enumerate(entries, start=1)
    ]
