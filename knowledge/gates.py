"""Content gates over a built bank: reviewed answers, fair items, guessers, reviewed merges."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from knowledge.bank import Bank
from knowledge.itemlint import MAX_GUESS_RATE, Scored, guess_rates, lint
from knowledge.merges import Overrides
from knowledge.packs import SOURCE_PREFIX


@dataclass(frozen=True)
class GateReport:
    """What the gates found: `errors` block a release, `warnings` ask for a look."""

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    rates: dict[str, float] = field(default_factory=dict)
    choice_items: int = 0


def _from_sources(bank: Bank, qid: str) -> bool:
    question = bank.question(qid)
    return question is not None and any(
        not v.source.startswith(SOURCE_PREFIX) for v in question.variants
    )


def run_gates(bank: Bank, overrides: Overrides) -> GateReport:
    """Every question answered (sources' ones reviewed), every item fair, merges reviewed."""
    errors: list[str] = []
    warnings: list[str] = []
    scored: list[Scored] = []
    for q in bank.questions:
        if not q.answer:
            errors.append(f"{q.id} {q.text!r} has no model answer")
        elif not q.reviewed and _from_sources(bank, q.id):
            errors.append(f"{q.id} {q.text!r} has no reviewed item in knowledge/items/")
        elif not q.reviewed:
            warnings.append(f"{q.id} {q.text!r} is asked open: no multiple-choice item written")
        if q.choice is not None:
            item = Scored(q.id, q.text, q.choice.options)
            scored.append(item)
            errors += [f"{q.id} {q.text!r}: {p}" for p in lint(item)]
    rates = guess_rates(scored)
    errors += [
        f"a knowledge-free guesser ({name}) is right on {rate:.0%} of items "
        f"(at most {MAX_GUESS_RATE:.0%})"
        for name, rate in rates.items()
        if rate > MAX_GUESS_RATE
    ]
    warnings += unreviewed_pairs(bank, overrides)
    return GateReport(tuple(errors), tuple(warnings), rates, len(scored))


def unreviewed_pairs(bank: Bank, overrides: Overrides) -> list[str]:
    """Questions sharing a primary concept that no merge or apart decision covers."""
    by_concept: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for q in bank.questions:
        by_concept[q.primary_concept].append((q.text, {f"{v.source} {v.ref}" for v in q.variants}))
    return [
        f"not reviewed as a pair (knowledge/merges.yaml): {a!r} / {b!r}"
        for questions in by_concept.values()
        for (a, refs_a), (b, refs_b) in itertools.combinations(questions, 2)
        if not overrides.reviewed(refs_a, refs_b)
    ]
