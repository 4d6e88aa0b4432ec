"""AskSpec: everything needed to show and later grade one ask, persisted with the ask."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from quizbot.replies import AskKind, Choice


@dataclass(frozen=True, slots=True)
class AskSpec:
    """A generated question, frozen at ask time so a later answer grades the same way.

    `correct` is the right choice id for CHOICE / CONCEPT asks, the canonical typed answer
    for COMPUTED asks ("10" or "10x10"), and "" for OPEN flashcards. `accepted` lists typed
    answers that also count (concept aliases, numeric spellings are normalised in grading).
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
        return cls(**data)
