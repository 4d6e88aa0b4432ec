"""One-sentence gist of an answer, short enough to be a multiple-choice option."""

from __future__ import annotations

import re

MAX_CHARS = 200

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_INLINE = re.compile(r"`([^`]*)`")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_BULLET = re.compile(r"^\s*(?:[-*•+]\s+|\d+[.)]\s+|-\s*\d+[.)]\s*)")
_HEADING = re.compile(r"^\s*#+\s*")
# No sentence break after these (e.g. "e.g. images", "vs. average", "Fig. 2").
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|fig|approx|al|no)\.$", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
# "Dropout: Randomly ..." or a heading line "Accuracy:": a short label opening a list item.
_LABEL = re.compile(r"^([A-Z][^:.?!]{0,60}?)\s*:(?:\s|$)")
_MAX_LABEL_WORDS = 5
_ASKS_FOR_ONE = re.compile(r"^\s*what\s+is\b", re.IGNORECASE)
_LEAD_IN_END = frozenset("include includes including are is follows following".split())
_FILLER = frozenset(
    "a an the is are what why how of in on to for and or it its cnn cnns do does".split()
)


def _clean_line(line: str) -> str:
    line = _HEADING.sub("", line)
    line = _BULLET.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _INLINE.sub(r"\1", line)
    line = _EMPHASIS.sub(r"\2", line)
    return re.sub(r"\s+", " ", line).strip()


def _sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?](?=\s+[\"'(A-Z0-9])", paragraph):
        candidate = paragraph[start : m.end()].strip()
        if _ABBREV.search(candidate) or re.search(r"\d\.$", candidate):
            continue
        out.append(candidate)
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def _restates(sentence: str, question: str | None) -> bool:
    """True when the sentence is the question again (or another question)."""
    if sentence.rstrip().endswith("?"):
        return True
    if not question:
        return False
    words = {w for w in _WORD.findall(sentence.lower()) if w not in _FILLER}
    asked = {w for w in _WORD.findall(question.lower()) if w not in _FILLER}
    return words <= asked


def _shorten(sentence: str, limit: int) -> str:
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    for sep in ("; ", ", ", " – ", " - ", " ("):
        at = cut.rfind(sep)
        if at >= limit // 2:
            return cut[:at].rstrip(" ,;(") + "…"
    return cut[: cut.rfind(" ")].rstrip(" ,;(") + "…"


def _lower_first(item: str) -> str:
    """Lower-case a list item's first letter unless it starts an acronym or a name (ReLU)."""
    first = item.split(" ", 1)[0]
    return item if any(c.isupper() for c in first[1:]) else item[:1].lower() + item[1:]


def _bullet_items(lines: list[str]) -> list[str]:
    return [item for item in (_clean_line(x) for x in lines if _BULLET.match(x)) if item]


def _labels(lines: list[str], question: str | None) -> list[str]:
    """The labels of an answer written as "Label: explanation" items, when it is such a list.

    At least three labelled items, or two after a lead-in ending with ":" ("... performs two
    key functions:"). Not for "What is X?": a definition is wanted there, not a list.
    """
    if question and _ASKS_FOR_ONE.match(question):
        return []
    found: list[str] = []
    lead_in = False
    for line in filter(None, map(_clean_line, lines)):
        match = _LABEL.match(line)
        words = match.group(1).split() if match else []
        if words and words[-1].lower() in _LEAD_IN_END:  # "Common problems include:"
            match = None
        if match and len(words) <= _MAX_LABEL_WORDS:
            label = match.group(1).strip()
            if label.lower() not in {f.lower() for f in found}:
                found.append(label)
        elif line.endswith(":"):
            if found:  # a second list ("These problems can be addressed by:") answers more
                break
            lead_in = True
    return found if len(found) >= 3 or (len(found) == 2 and lead_in) else []


def gist(answer: str | None, question: str | None = None, limit: int = MAX_CHARS) -> str | None:
    """The first meaningful sentence of `answer`, markdown stripped, at most `limit` characters.

    Skips code, headings, lead-ins ending with ":" and any sentence that merely restates the
    question. An answer made only of bullets becomes the comma-joined list of its items, and
    one made of "Label: explanation" items the list of its labels.
    """
    if not answer or not answer.strip():
        return None
    text = _CODE_BLOCK.sub("\n\n", answer)
    lines = text.splitlines()
    if all(_BULLET.match(x) or not x.strip() for x in lines):
        items = [i.rstrip(".;, ") for i in _bullet_items(lines)]
        if items:
            if any(":" in i or len(i.split()) > 5 for i in items):
                joined = "; ".join(items)
            else:
                joined = ", ".join([items[0], *(_lower_first(i) for i in items[1:])])
            return _shorten(joined + ".", limit)
    labels = _labels(lines, question)
    if labels:  # "Dropout, Weight Decay (L2), Batch Normalization.", not the first item alone
        return _shorten(", ".join(labels) + ".", limit)
    fallback: str | None = None
    for line in filter(None, map(_clean_line, lines)):  # sources keep one paragraph per line
        for sentence in _sentences(line):
            if _restates(sentence, question) or sentence.endswith(":"):
                continue
            if len(_WORD.findall(sentence.lower())) < 3:
                fallback = fallback or sentence  # "MobileNet, Xception." is still an answer
                continue
            return _shorten(sentence, limit)
    return _shorten(fallback, limit) if fallback else None
