"""Parser for plain-text `Q17. Question` headings followed by long multi-paragraph answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from knowledge.model import RawQuestion
from knowledge.parsers.base import FENCE, ParseError, clean_inline, format_answer, unique_ref

# Tolerates "Q10. . Explain", "Q47, What", "Q46 . Preprocessing", "Q6.Explain", "Q23 What".
_Q_HEADING = re.compile(r"^Q(\d+)(?:\s*[.,:;)])*\s*(\S.*?)\s*$")
# A heading that lost its "Q" ("39. The Role of Bias ..."); only trusted in sequence.
_BARE_HEADING = re.compile(r"^(\d+)\s*[.)]\s*([A-Z].*?)\s*$")
_MAX_LABEL_WORDS = 6
_QUESTION_WORDS = frozenset(
    "what how why when where which who whose is are do does did can could should would will "
    "explain describe discuss list define compare contrast name give state outline determine "
    "calculate derive identify mention summarize summarise".split()
)


@dataclass
class _Item:
    number: int
    heading: str
    body: list[str] = field(default_factory=list)


def parse(text: str, source_id: str, manifest: Mapping[str, Any]) -> list[RawQuestion]:
    """One RawQuestion per heading; everything up to the next heading is its answer.

    Headings that are topics rather than questions ("Q29. AlexNet Architecture Overview:")
    are not asked as written: the manifest's `rephrase` map gives our question for each
    such ref (marked derived), and a topic heading without one is a ParseError. The map may
    also override a real question. Text glued after a heading's last "?" ("... map? Stride:")
    is moved to the start of the answer.
    """
    given = manifest.get("rephrase") or {}
    if not isinstance(given, Mapping):
        raise ParseError(f"{source_id}: manifest 'rephrase' must map refs to questions")
    rephrase = {str(k): str(v) for k, v in given.items()}
    items = _split(text)
    if not items:
        raise ParseError(f"{source_id}: no 'Q<n>.' headings found")
    refs = _unique_refs(items)
    unknown = sorted(set(rephrase) - set(refs))
    if unknown:
        raise ParseError(f"{source_id}: manifest rephrases unknown headings {unknown}")
    out: list[RawQuestion] = []
    for ref, item in zip(refs, items, strict=True):
        question, glued = _split_heading(clean_inline(item.heading))
        body = [glued, *item.body] if glued else item.body
        derived = ref in rephrase
        original = question if derived else None
        if derived:
            question = clean_inline(rephrase[ref])
        elif not _is_question(question):
            raise ParseError(
                f"{source_id}: heading {ref} {question!r} is a topic, not a question; "
                "add our question for it under 'rephrase' in the manifest"
            )
        out.append(
            RawQuestion(
                source=source_id,
                ref=ref,
                text=question,
                answer=format_answer(body),
                derived=derived,
                original=original,
            )
        )
    return out


def _split(text: str) -> list[_Item]:
    items: list[_Item] = []
    in_code = False
    previous = ""
    for line in text.splitlines():
        if FENCE.match(line):
            in_code = not in_code
        heading = None if in_code else _heading(line, previous, items)
        if heading:
            items.append(heading)
        elif items:
            items[-1].body.append(line)
        previous = line
    return items


def _heading(line: str, previous: str, items: list[_Item]) -> _Item | None:
    match = _Q_HEADING.match(line)
    if match:
        return _Item(int(match.group(1)), match.group(2))
    bare = _BARE_HEADING.match(line)
    if bare and items and not previous.strip() and int(bare.group(1)) == items[-1].number + 1:
        return _Item(int(bare.group(1)), bare.group(2))
    return None


def _unique_refs(items: list[_Item]) -> list[str]:
    seen: set[str] = set()
    return [unique_ref(f"Q{item.number}", seen) for item in items]


def _split_heading(heading: str) -> tuple[str, str]:
    """Split "What is Stride? ... map? Stride:" into the question and the glued answer label.

    Only a short trailing label ending in ":" is split off; "Pooling? Explain their
    characteristics." is one question in two sentences and stays whole.
    """
    cut = heading.rfind("?")
    rest = heading[cut + 1 :].strip() if cut != -1 else ""
    if not rest.endswith(":") or len(rest.split()) > _MAX_LABEL_WORDS:
        return heading, ""
    return heading[: cut + 1], rest


def _is_question(heading: str) -> bool:
    """A question mark, or any sentence opening with a question or task word ("Determine")."""
    if heading.endswith("?"):
        return True
    sentences = re.split(r"(?<=[.!?])\s+", heading)
    return any(s.split()[0].lower() in _QUESTION_WORDS for s in sentences if s.split())
