"""Parser for Markdown documents with `### Q12. Question?` headings and short answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from knowledge.model import RawQuestion
from knowledge.parsers.base import ParseError, clean_inline, format_answer

_HEADING = re.compile(r"^#{1,6}\s*Q\s*(\d+)\s*[.:)]?\s*(.+?)\s*$")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")


def parse(text: str, source_id: str, manifest: Mapping[str, Any]) -> list[RawQuestion]:
    """One RawQuestion per `Q<n>` heading; the body up to the next heading is its answer."""
    items: list[tuple[str, str, list[str]]] = []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            items.append((f"Q{heading.group(1)}", clean_inline(heading.group(2)), []))
        elif items and not _RULE.match(line):
            items[-1][2].append(line)
    if not items:
        raise ParseError(f"{source_id}: no '### Q<n>.' headings found")
    return [
        RawQuestion(source=source_id, ref=ref, text=question, answer=format_answer(body))
        for ref, question, body in items
    ]
