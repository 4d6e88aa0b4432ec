"""Source parsers, one per document format, looked up by the name a manifest gives."""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.parsers import leveled_list, markdown_q, prose, q_headings, web_dump
from knowledge.parsers.base import ParseError, Parser

PARSERS: Mapping[str, Parser] = {
    "markdown_q": markdown_q.parse,
    "leveled_list": leveled_list.parse,
    "prose": prose.parse,
    "q_headings": q_headings.parse,
    "web_dump": web_dump.parse,
}


def get_parser(name: str) -> Parser:
    """Return the parser registered under `name`, or raise ParseError listing the known ones."""
    try:
        return PARSERS[name]
    except KeyError:
        raise ParseError(f"unknown source format {name!r}; known: {sorted(PARSERS)}") from None


__all__ = ["PARSERS", "ParseError", "Parser", "get_parser"]
