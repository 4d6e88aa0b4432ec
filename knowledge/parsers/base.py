"""Shared parser contract and text clean-up helpers (inline markup, answer blocks)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from knowledge.model import RawQuestion


class ParseError(ValueError):
    """A source document (or its manifest) does not have the shape its parser expects."""


class Parser(Protocol):
    def __call__(
        self, text: str, source_id: str, manifest: Mapping[str, Any]
    ) -> list[RawQuestion]: ...


_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_INLINE_MATH = re.compile(r"\$([^$\n]*\\[^$\n]*)\$")
_LATEX_SYMBOLS = {r"\times": "×", r"\cdot": "·", r"\approx": "≈", r"\leq": "≤", r"\geq": "≥"}
_BULLET = re.compile(r"^\s*[*\-•+]\s+(?:(\d+[.)])\s+)?(.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")  # a code fence line
# A line ending like this closes its sentence; anything else may continue after a page break.
_TERMINAL = tuple(".!?:;)\"'”’")


def clean_inline(text: str) -> str:
    """Strip inline Markdown emphasis and LaTeX math delimiters; collapse whitespace."""
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    text = _INLINE_MATH.sub(lambda m: _latex_to_text(m.group(1)), text)
    return " ".join(text.split())


def _latex_to_text(math: str) -> str:
    for macro, symbol in _LATEX_SYMBOLS.items():
        math = math.replace(macro, symbol)
    return math


def format_answer(lines: Iterable[str]) -> str | None:
    """Turn an answer's raw lines into clean text, one line per paragraph or list item.

    Bullets become "- item" (numbered bullets "- 1. x" become "1. x"), fenced code blocks
    are kept verbatim with their fences, and a sentence broken across a blank line (a page
    break in the original) is joined back together.
    """
    out: list[str] = []
    in_code = False
    last_is_prose = False
    for raw in lines:
        if FENCE.match(raw):
            in_code = not in_code
            out.append(raw.strip())
            last_is_prose = False
            continue
        if in_code:
            out.append(raw.rstrip())
            continue
        if not raw.strip():
            continue
        bullet = _BULLET.match(raw)
        if bullet and bullet.group(2).strip():
            number, body = bullet.group(1), clean_inline(bullet.group(2))
            out.append(f"{number} {body}" if number else f"- {body}")
            last_is_prose = False
            continue
        line = clean_inline(raw)
        if last_is_prose and not out[-1].endswith(_TERMINAL) and line[:1].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        last_is_prose = True
    if in_code:
        out.append("```")
    text = "\n".join(out).strip()
    return text or None


def require(manifest: Mapping[str, Any], key: str, source_id: str) -> Any:
    """Return a manifest entry or raise a ParseError naming the source and the key."""
    if key not in manifest:
        raise ParseError(f"{source_id}: manifest has no {key!r}")
    return manifest[key]


def unique_ref(ref: str, seen: set[str]) -> str:
    """`ref`, or `ref#2`, `ref#3`... when a source repeats a number; records the result."""
    unique, n = ref, 2
    while unique in seen:
        unique, n = f"{ref}#{n}", n + 1
    seen.add(unique)
    return unique
