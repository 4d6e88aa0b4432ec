"""The bank as plain JSON-able data (the export shape, also used for the compiled cache)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.bank import Bank
from knowledge.model import ChoiceItem, Concept, Difficulty, Distractor, Question, Variant

FORMAT = "cnnquiz-bank/1"


def concept_to_dict(c: Concept) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "aliases": list(c.aliases),
        "kind": c.kind,
        "definition": c.definition,
        "prerequisites": list(c.prerequisites),
        "confusable": list(c.confusable),
    }


def question_to_dict(q: Question) -> dict[str, Any]:
    choice = q.choice
    return {
        "id": q.id,
        "text": q.text,
        "answer": q.answer,
        "gist": q.gist,
        "difficulty": q.difficulty.value if q.difficulty else None,
        "concepts": list(q.concepts),
        "asked": q.asked_as.value,
        "choice": None
        if choice is None
        else {
            "correct": choice.correct,
            "distractors": [{"text": d.text, "why": d.why} for d in choice.distractors],
        },
        "key_points": list(q.key_points),
        "reviewed": q.reviewed,
        "variants": [
            {
                "source": v.source,
                "ref": v.ref,
                "text": v.text,
                "derived": v.derived,
                "answer": v.answer,
                "disputed": v.disputed,
            }
            for v in q.variants
        ],
        "derived": q.derived,
        "answer_variant": q.answer_variant,
    }


def _choice_from(data: Mapping[str, Any] | None) -> ChoiceItem | None:
    if data is None:
        return None
    distractors = tuple(Distractor(d["text"], d["why"]) for d in data["distractors"])
    return ChoiceItem(data["correct"], distractors)


def bank_to_dict(bank: Bank) -> dict[str, Any]:
    """`{"concepts": [...], "questions": [...]}` plus the format, the bank's fingerprint and
    the sources' titles."""
    return {
        "format": FORMAT,
        "fingerprint": bank.fingerprint,
        "sources": [{"id": sid, "title": title} for sid, title in sorted(bank.sources.items())],
        "concepts": [concept_to_dict(c) for c in sorted(bank.concepts.values(), key=_by_id)],
        "questions": [question_to_dict(q) for q in bank.questions],
    }


def _by_id(c: Concept) -> str:
    return c.id


def bank_from_dict(data: Mapping[str, Any]) -> Bank:
    """Inverse of `bank_to_dict`; raises KeyError/TypeError/ValueError on a malformed document."""
    concepts = [
        Concept(
            id=c["id"],
            name=c["name"],
            kind=c["kind"],
            definition=c["definition"],
            aliases=tuple(c["aliases"]),
            prerequisites=tuple(c["prerequisites"]),
            confusable=tuple(c.get("confusable", ())),
        )
        for c in data["concepts"]
    ]
    questions = [
        Question(
            id=q["id"],
            text=q["text"],
            answer=q["answer"],
            gist=q["gist"],
            difficulty=Difficulty(q["difficulty"]) if q["difficulty"] else None,
            concepts=tuple(q["concepts"]),
            variants=tuple(
                Variant(
                    v["source"],
                    v["ref"],
                    v["text"],
                    bool(v.get("derived", False)),
                    answer=v.get("answer"),
                    disputed=v.get("disputed"),
                )
                for v in q["variants"]
            ),
            derived=bool(q.get("derived", False)),
            answer_variant=q.get("answer_variant"),
            reviewed=bool(q.get("reviewed", False)),
            choice=_choice_from(q.get("choice")),
            key_points=tuple(q.get("key_points", ())),
        )
        for q in data["questions"]
    ]
    sources = {str(s["id"]): str(s["title"]) for s in data.get("sources", ())}
    return Bank.from_parts(
        concepts, questions, fingerprint=str(data.get("fingerprint", "")), sources=sources
    )
