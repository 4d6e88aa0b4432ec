"""Content-word stems: whether a text gives away a name by sharing a word root with it."""

from __future__ import annotations

import re

from knowledge.linker import tokens

# Function words and words too general to give a name away.
STOPWORDS = frozenset(
    """a an the of to in on for by with as at from into onto over under than then that this these
    those it its is are was were be been being and or not no nor but so if each every any all
    one two three per which what who whom whose when where why how can could may might must
    should would will shall do does did done has have had their there they them we you your our
    his her he she i me my more most less least very much many such other same own only also
    just out up down off both either neither between within without about across after before
    while until via""".split()
)
_SUFFIXES = (
    "izations", "ization", "ations", "ation", "ically", "ness", "ments", "ment", "ities", "ity",
    "ings", "ing", "able", "ible", "ally", "ive", "ers", "er", "est", "ed", "ly", "al", "es",
    "s", "e", "y",
)  # fmt: skip
_MIN_STEM = 3
_WORD = re.compile(r"[a-z][a-z0-9]*")


def stem(word: str) -> str:
    """A crude root: lower case, one common suffix off, never shorter than three letters."""
    low = word.lower()
    for suffix in _SUFFIXES:
        if low.endswith(suffix) and len(low) - len(suffix) >= _MIN_STEM:
            return low[: -len(suffix)]
    return low


def content_stems(text: str) -> set[str]:
    """Stems of the text's content words (the linker's tokens, stopwords and digits out)."""
    out: set[str] = set()
    for norm, raw in tokens(text):
        for word in {norm, raw.lower()}:
            if _WORD.fullmatch(word) and word not in STOPWORDS and len(word) >= _MIN_STEM:
                out.add(stem(word))
    return out


def shared_stems(text: str, labels: tuple[str, ...] | list[str]) -> set[str]:
    """Stems that `text` shares with any label (a prefix match counts: 'pool' ~ 'pooling')."""
    mine = content_stems(text)
    theirs = {s for label in labels for s in content_stems(label)}
    return {a for a in mine for b in theirs if a == b or a.startswith(b) or b.startswith(a)}
