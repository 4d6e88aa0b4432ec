"""AskSpec: everything needed to show and later grade one ask, persisted with the ask."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from quizbot.replies import AskKind, Choice

CHOICE_IDS = ("a", "b", "c", "d")


@dataclass(frozen=True, slots=True)
class AskSpec:
    """A generated question, frozen at ask time so a later answer grades the same way.

    `correct` is the right choice id for CHOICE / CONCEPT asks, the canonical typed answer
    for COMPUTED asks ("10" or "10x10"), and "" for OPEN flashcards. `accepted` lists typed
    answers that also count (concept aliases, numeric spellings are normalised in grading).
    `rationale` runs beside `choices`: why each wrong option is wrong ("" for the right one).
    `key_points` are what a good answer to an OPEN question covers.
    """

    kind: AskKind
    prompt: str
    concept_id: str
    difficulty: str  # "easy" | "medium" | "hard"
    answer_text: str  # the right answer as the verdict shows it
    explanation: str  # one line
    choices: tuple[Choice, ...] = ()
    correct: str = ""
    accepted: tuple[str, ...] = field(default=())
    question_id: str | None = None
    source: str | None = None
    hint: str | None = None
    rationale: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()

    def why_wrong(self, choice_id: str) -> str | None:
        """What makes the option `choice_id` wrong, when the item says."""
        for choice, why in zip(self.choices, self.rationale, strict=False):
            if choice.id == choice_id and choice.id != self.correct:
                return why or None
        return None

    def shuffled(self, seed: str) -> AskSpec:
        """The same ask with its options in an order fixed by `seed` (the ask's id), relettered.

        Options are authored right-first, so every ask must shuffle; seeding by the ask keeps
        a stored ask's buttons meaning the same thing after a restart.
        """
        if not self.choices:
            return self
        order = list(range(len(self.choices)))
        random.Random(seed).shuffle(order)
        ids = CHOICE_IDS[: len(order)]
        choices = tuple(
            Choice(cid, self.choices[i].text) for cid, i in zip(ids, order, strict=True)
        )
        old = [c.id for c in self.choices]
        correct = ids[order.index(old.index(self.correct))] if self.correct in old else self.correct
        rationale = tuple(self.rationale[i] for i in order) if self.rationale else ()
        return replace(self, choices=choices, correct=correct, rationale=rationale)

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["kind"] = self.kind.value
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> AskSpec:
        data = json.loads(raw)
        data["kind"] = AskKind(data["kind"])
        data["choices"] = tuple(Choice(**c) for c in data.get("choices", ()))
        data["accepted"] = tuple(data.get("accepted", ()))
        data["rationale"] = tuple(data.get("rationale", ()))
        data["key_points"] = tuple(data.get("key_points", ()))
        return cls(**data)
