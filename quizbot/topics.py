"""Topic matching: a typed topic ("res net", "skip conections") to a concept id, fuzzily."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from knowledge.model import Concept
from quizbot.errors import UnknownTopic
from quizbot.grading import normalise

MATCH_SCORE = 85  # rapidfuzz ratio a typed topic needs to resolve without an exact match
MAX_SUGGESTIONS = 5
MAX_TOPIC = 200


def _compact(text: str) -> str:
    return text.replace(" ", "")


class TopicMatcher:
    """Resolves topics over concept ids, names and aliases; suggests close matches."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self._names: dict[str, str] = {}
        self._keys: dict[str, str] = {}  # normalised spelling -> concept id
        self._compact: dict[str, str] = {}  # spelling without spaces -> concept id
        self._words: dict[str, str] = {}  # a one-word alias -> its concept's name ("conv")
        for concept in concepts:
            self._names[concept.id] = concept.name
            for spelling in (concept.id, concept.name, *concept.aliases):
                key = normalise(spelling)
                if key:
                    self._keys.setdefault(key, concept.id)
                    self._compact.setdefault(_compact(key), concept.id)
            for alias in concept.aliases:
                word = normalise(alias)
                if word and " " not in word and word != normalise(concept.name):
                    self._words.setdefault(word, normalise(concept.name))

    def resolve(self, text: str) -> str:
        """The concept id a typed topic names.

        Args:
            text: any concept id, name or alias, in any case, with small typos or spacing.

        Returns:
            The concept id.

        Raises:
            UnknownTopic: nothing fits; `suggestions` holds up to five close concept names.
        """
        key = normalise(text[:MAX_TOPIC])
        if not key:
            raise UnknownTopic("Name a topic, like resnet or pooling.", self._fallback())
        # Then with abbreviations spelled out: "conv output size" -> "convolution output size".
        expanded = " ".join(self._words.get(word, word) for word in key.split())
        for spelling in dict.fromkeys((key, expanded)):
            found = self._match(spelling)
            if found is not None:
                return found
        starts = {cid for spelling, cid in self._keys.items() if spelling.startswith(key)}
        if len(key) >= 3 and len(starts) == 1:
            return starts.pop()
        raise UnknownTopic(
            f"I don't know a topic called {text.strip()[:60]!r}.", self._suggestions(key)
        )

    def _match(self, key: str) -> str | None:
        """Exact, then without spaces, then a close spelling (rapidfuzz ratio)."""
        if key in self._keys:
            return self._keys[key]
        if _compact(key) in self._compact:
            return self._compact[_compact(key)]
        best = process.extractOne(key, list(self._keys), scorer=fuzz.ratio)
        if best is not None and best[1] >= MATCH_SCORE:
            return self._keys[best[0]]
        return None

    def _suggestions(self, key: str) -> tuple[str, ...]:
        scored = process.extract(key, list(self._keys), scorer=fuzz.WRatio, limit=30)
        out: list[str] = []
        for spelling, _score, _index in scored:
            name = self._names[self._keys[spelling]]
            if name not in out:
                out.append(name)
            if len(out) == MAX_SUGGESTIONS:
                break
        return tuple(out) or self._fallback()

    def _fallback(self) -> tuple[str, ...]:
        return tuple(sorted(self._names.values(), key=str.lower)[:MAX_SUGGESTIONS])

    def suggest(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(concept id, name) pairs for autocomplete: prefix matches first, then fuzzy ones.

        Args:
            prefix: what the player typed so far (may be empty).
            limit: at most this many pairs.

        Returns:
            Pairs ordered by relevance (alphabetically for an empty prefix).
        """
        key = normalise(prefix[:MAX_TOPIC])
        if not key:
            ordered = sorted(self._names, key=lambda cid: self._names[cid].lower())
            return [(cid, self._names[cid]) for cid in ordered[:limit]]
        scored: list[tuple[int, int, str, str]] = []  # (bucket, length, spelling, id)
        for spelling, cid in self._keys.items():
            if spelling.startswith(key) or _compact(spelling).startswith(_compact(key)):
                is_name = spelling in (normalise(cid), normalise(self._names[cid]))
                scored.append((0 if is_name else 1, len(spelling), spelling, cid))
            elif key in spelling:
                scored.append((2, len(spelling), spelling, cid))
        fuzzy = process.extract(key, list(self._keys), scorer=fuzz.WRatio, limit=limit * 2)
        scored += [(3, -int(score), s, self._keys[s]) for s, score, _i in fuzzy if score >= 60]
        ranked: list[str] = []
        for *_rank, cid in sorted(scored):
            if cid not in ranked:
                ranked.append(cid)
        return [(cid, self._names[cid]) for cid in ranked[:limit]]
