"""Parser for bare numbered question lists grouped under Easy / Medium / Hard headings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from knowledge.model import Difficulty, RawQuestion
from knowledge.parsers.base import ParseError, clean_inline, unique_ref

_LEVEL = re.compile(r"^#{0,6}\s*(easy|medium|hard)\s*:?\s*$", re.IGNORECASE)
_OTHER_HEADING = re.compile(r"^#{1,6}\s")
_ITEM = re.compile(r"^\s*(\d+)\s*[.)]\s*(\S.*?)\s*$")


def parse(text: str, source_id: str, manifest: Mapping[str, Any]) -> list[RawQuestion]:
    """One RawQuestion per numbered line, labelled with the level heading above it.

    The ref keeps the number as printed ("Hard 21"), because the source's numbering has
    glitches (the Hard list goes 1, 21, 22, ...) and the ref must point back into it; a
    number repeated under one heading gets a "#2" suffix so refs stay unique.
    """
    level: Difficulty | None = None
    seen: set[str] = set()
    out: list[RawQuestion] = []
    for line in text.splitlines():
        heading = _LEVEL.match(line)
        if heading:
            level = Difficulty(heading.group(1).lower())
            continue
        if _OTHER_HEADING.match(line):
            level = None
            continue
        item = _ITEM.match(line)
        if not item:
            continue
        label = level.value.capitalize() if level else "Item"
        ref = unique_ref(f"{label} {item.group(1)}", seen)
        out.append(
            RawQuestion(
                source=source_id, ref=ref, text=clean_inline(item.group(2)), difficulty=level
            )
        )
    if not out:
        raise ParseError(f"{source_id}: no numbered questions found")
    return out
