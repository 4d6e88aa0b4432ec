"""Which key points of a model answer a typed interview answer covers (names, keywords, fuzzy)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from knowledge.model import Concept

TOKEN = re.compile(r"[a-z0-9]+")
# Words that carry grammar, not content: prose has many of them, a pasted keyword list few.
FUNCTION_WORDS = frozenset(
    """a an the is are was were be been being am it its it's this that these those to of in
    on at by for from with without as and or but so because since while which who whom whose
    what when where why how than then thus hence therefore each every all any some no not nor
    only also just into onto through over under about after before between both either neither
    can could would should will shall may might must do does did done has have had having
    their they them there here we you your our i me my he she his her one ones such very more
    most less least much many other another same if else whether until unless up down out off
    too again once per via instead rather even still yet already if's let lets""".split()
)
CONCEPT_WEIGHT = 2  # a concept named (or an alias of it) weighs two plain keywords
COVERED_SHARE = 0.5  # share of a key point's weighted terms an answer must hit
MIN_HITS = 2  # weighted terms hit, at least (a named concept alone counts as two)
FUZZY_RATIO = 85  # rapidfuzz ratio for a misspelt keyword ("gradeint")
SHARED_PREFIX = 6  # "connectivity" and "connected" share "connec": same word family
MIN_PROSE_WORDS = 5  # shorter answers are not judged for keyword stuffing
MIN_FUNCTION_SHARE = 0.2  # English prose runs at 35-55 % function words; a list near 0
MIN_FUNCTION_KINDS = 3  # "x and y and z and w" is still a list


@dataclass(frozen=True, slots=True)
class Coverage:
    """Per key point, whether the answer covered it; `stuffed` when the answer reads as a
    list of keywords rather than an explanation (it then covers nothing)."""

    covered: tuple[bool, ...]
    stuffed: bool = False

    @property
    def count(self) -> int:
        return sum(self.covered)

    @property
    def total(self) -> int:
        return len(self.covered)

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


def _stem(token: str) -> str:
    """A crude stem, the same for "image", "images" and "imaging", or "reuse" and "reused"."""
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(token) <= len(suffix) + 3 or not token.endswith(suffix):
            continue
        if suffix == "es" and not token[:-2].endswith(("s", "x", "z", "ch", "sh")):
            continue
        token = token[: -len(suffix)] + ("y" if suffix == "ies" else "")
        break
    return token[:-1] if len(token) > 4 and token.endswith("e") else token


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower().replace("’", "'"))


def _phrase_in(phrase: str, tokens: Sequence[str]) -> bool:
    """Whether the words of `phrase` occur in a row in `tokens` (stems compared)."""
    words = [_stem(t) for t in _tokens(phrase)]
    if not words:
        return False
    stems = [_stem(t) for t in tokens]
    n = len(words)
    return any(stems[i : i + n] == words for i in range(len(stems) - n + 1))


def _fuzzy_phrase_in(phrase: str, text: str) -> bool:
    """A longer name misspelt in the answer still counts ("batch normalisation")."""
    flat = " ".join(_tokens(phrase))
    return len(flat) >= 8 and fuzz.partial_ratio(flat, " ".join(_tokens(text))) >= 90


def _word_in(word: str, stems: set[str]) -> bool:
    if word in stems:
        return True
    for stem in stems:
        if len(word) >= SHARED_PREFIX and stem[:SHARED_PREFIX] == word[:SHARED_PREFIX]:
            return True
        if len(word) >= 5 and fuzz.ratio(word, stem) >= FUZZY_RATIO:
            return True
    return False


def is_stuffed(text: str) -> bool:
    """True when the text reads as a pasted list of terms rather than sentences."""
    tokens = _tokens(text)
    if len(tokens) < MIN_PROSE_WORDS:
        return False
    grammar = [t for t in tokens if t in FUNCTION_WORDS]
    if len(grammar) / len(tokens) < MIN_FUNCTION_SHARE:
        return True
    return len(tokens) >= 2 * MIN_PROSE_WORDS and len(set(grammar)) < MIN_FUNCTION_KINDS


class PointMatcher:
    """Matches answers against key points through concept names and aliases, and keywords."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self._names: list[tuple[str, tuple[str, ...]]] = []
        self._cache: dict[str, tuple[list[tuple[str, ...]], list[str]]] = {}
        for concept in concepts:
            names = tuple(n for n in (concept.name, *concept.aliases) if len(n) >= 3)
            if names:
                self._names.append((concept.id, names))

    def _terms(self, point: str) -> tuple[list[tuple[str, ...]], list[str]]:
        """(the names of each concept the point mentions, its other content words)."""
        known = self._cache.get(point)
        if known is None:
            known = self._cache[point] = self._find_terms(point)
        return known

    def _find_terms(self, point: str) -> tuple[list[tuple[str, ...]], list[str]]:
        tokens = _tokens(point)
        named: list[tuple[str, ...]] = []
        used: set[str] = set()
        for _cid, names in self._names:
            hit = next((n for n in names if _phrase_in(n, tokens)), None)
            if hit is not None:
                named.append(names)
                used.update(_stem(t) for t in _tokens(hit))
        keywords: list[str] = []
        for token in tokens:
            stem = _stem(token)
            if token in FUNCTION_WORDS or stem in used or stem in keywords:
                continue
            if len(token) >= 3 or (token.isdigit() and len(token) >= 2):
                keywords.append(stem)
        return named, keywords

    def covers(self, answer: str, point: str) -> bool:
        """Whether `answer` covers one key point: at least half its weighted terms named."""
        named, keywords = self._terms(point)
        tokens = _tokens(answer)
        stems = {_stem(t) for t in tokens}
        total = CONCEPT_WEIGHT * len(named) + len(keywords)
        if total == 0:
            return False
        hit = sum(
            CONCEPT_WEIGHT
            for names in named
            if any(_phrase_in(n, tokens) or _fuzzy_phrase_in(n, answer) for n in names)
        )
        hit += sum(1 for word in keywords if _word_in(word, stems))
        # One shared word ("point", "image") is never enough when the point has more.
        return hit / total >= COVERED_SHARE and hit >= min(MIN_HITS, total)

    def coverage(self, answer: str, points: Sequence[str]) -> Coverage:
        """Which of `points` the answer covers; nothing when it is a list of keywords."""
        if is_stuffed(answer):
            return Coverage(tuple(False for _ in points), stuffed=True)
        return Coverage(tuple(self.covers(answer, p) for p in points))
