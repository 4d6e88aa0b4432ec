"""Parser for a copied web page: glued numbers, repeated questions, Answer markers, chrome."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from knowledge.model import RawQuestion
from knowledge.parsers.base import ParseError, clean_inline, format_answer

# "1What is a convolution operation in a CNN?": the list number is glued to the question.
_NUMBERED = re.compile(r"^(\d{1,3})[.)]?\s*([A-Z].*\?)$")
_ANSWER_MARKER = re.compile(r"^answer\s*:?$", re.IGNORECASE)
_MAX_QUESTION_CHARS = 250
# Site chrome ("Python Basics", "Start for free") is short and unpunctuated; answers are not.
_MIN_UNPUNCTUATED_PROSE = 80


@dataclass
class _Item:
    ref: str
    text: str
    answer: list[str] = field(default_factory=list)
    repeated: bool = False
    answering: bool = False


def parse(text: str, source_id: str, manifest: Mapping[str, Any]) -> list[RawQuestion]:
    """Questions from the first numbered one until the page's navigation begins.

    After a numbered question the page repeats it and prints an `Answer` marker; answer
    lines follow until the next question. Bare question lines after the answers are kept
    as unanswered questions ("item 4"). The first line that is neither a question nor
    answer prose (or matches the manifest's optional `stop_at` regex) ends the questions,
    so navigation links never become questions.
    """
    stop_at = re.compile(str(manifest["stop_at"])) if manifest.get("stop_at") else None
    items: list[_Item] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if stop_at and stop_at.search(line):
            break
        numbered = _NUMBERED.match(line)
        if numbered:
            items.append(_Item(f"Q{numbered.group(1)}", clean_inline(numbered.group(2))))
            continue
        if not items:
            continue  # page title and blurb before the first question
        current = items[-1]
        if not current.answering and not current.answer:
            if not current.repeated and clean_inline(line).casefold() == current.text.casefold():
                current.repeated = True
                continue
            if _ANSWER_MARKER.match(line):
                current.answering = True
                continue
        if line.endswith("?") and len(line) <= _MAX_QUESTION_CHARS:
            items.append(_Item(f"item {len(items) + 1}", clean_inline(line)))
            continue
        if current.answering and _is_prose(line):
            current.answer.append(line)
            continue
        break
    if not items:
        raise ParseError(f"{source_id}: no numbered questions found")
    return [
        RawQuestion(source=source_id, ref=i.ref, text=i.text, answer=format_answer(i.answer))
        for i in items
    ]


def _is_prose(line: str) -> bool:
    return line.endswith((".", "!", ")", ":", '"')) or len(line) >= _MIN_UNPUNCTUATED_PROSE
