"""A small synthetic bank for `scale_bench.py`: a few questions on each of many concepts."""

from __future__ import annotations

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question


def synthetic_bank(concepts: int = 120) -> Bank:
    levels = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)
    cs = [
        Concept(f"c{i}", f"concept {i}", "technique", f"Definition {i}.") for i in range(concepts)
    ]
    qs = [
        Question(f"q{i}-{j}", f"Question {i}-{j}?", f"Gist {i}-{j}.", f"Gist {i}-{j}", lvl, (c.id,))
        for i, c in enumerate(cs)
        for j, lvl in enumerate(levels)
    ]
    return Bank.from_parts(cs, qs)
