"""Synthetic question corpus for the dedup benchmark: paraphrases and mixes of real questions.

Every generated question carries its ground-truth group in `ref` ("g<group>.<variant>"), so
a benchmark can score the clustering as well as time it; refs of real-question seeds start
with "r" (their truth is unknown across seeds: two sources may ask the same thing). Groups
are seeded from the real questions and from templates filled with concept names (single
concepts and pairs), so the number of distinct questions grows with N while each group keeps
1-8 phrasings, as in a real, growing bank. Usage: python bench/gen_corpus.py 5000 > out.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import yaml

from knowledge.model import RawQuestion
from knowledge.sources import load_raw_questions

CONCEPTS = Path(__file__).resolve().parents[1] / "knowledge" / "concepts.yaml"

# One intent, several phrasings; {a} and {b} are concept names.
SINGLE = {
    "define": [
        "What is {a}?",
        "What is {a} in CNNs?",
        "Explain the concept of {a}.",
        "Can you explain what is meant by {a} in the context of CNNs?",
        "Describe {a} in a convolutional neural network.",
        "{A}: what is it?",
        "Define {a}.",
    ],
    "why": [
        "Why is {a} used in CNNs?",
        "What is the purpose of {a}?",
        "What are the advantages of {a}?",
        "Why is {a} important in CNN training?",
        "Discuss the benefits of {a} in convolutional neural networks.",
    ],
    "apply": [
        "What are the applications of {a}?",
        "Where is {a} useful?",
        "Applications of {a} in CNNs?",
        "In which use cases is {a} applied?",
    ],
    "problems": [
        "What are the limitations of {a}?",
        "What are the drawbacks of {a} in CNNs?",
        "Discuss the challenges of {a}.",
    ],
    "types": [
        "What are the different types of {a}?",
        "List the common kinds of {a}.",
        "Types of {a} in CNN?",
    ],
}
PAIR = {
    "compare": [
        "What is the difference between {a} and {b}?",
        "Compare {a} and {b} in CNNs.",
        "{A} vs {b}: how do they differ?",
        "Can you explain the difference between {a} and {b} in the context of CNNs?",
    ],
    "how": [
        "How is {a} used together with {b}?",
        "How can {a} be combined with {b} in a CNN?",
        "How do you apply {a} alongside {b}?",
    ],
}
SYNONYMS = [
    ("CNNs", "convolutional neural networks"),
    ("CNN", "ConvNet"),
    ("convolutional neural network", "CNN"),
    ("What are", "Which are"),
    ("Explain", "Describe"),
    ("advantages", "benefits"),
    ("used", "employed"),
]
SOURCES = 20


def _concept_names() -> list[str]:
    data = yaml.safe_load(CONCEPTS.read_text(encoding="utf-8"))["concepts"]
    return sorted({c["name"] for c in data})


def _fill(template: str, a: str, b: str = "") -> str:
    return template.format(a=a, b=b, A=a[:1].upper() + a[1:])


def _swap(text: str, rng: random.Random) -> str:
    old, new = rng.choice(SYNONYMS)
    return text.replace(old, new, 1) if old in text and rng.random() < 0.5 else text


def _seeds(rng: random.Random) -> Iterator[list[str]]:
    """Endless stream of groups: each a list of phrasings of one question."""
    real = load_raw_questions()
    for q in real:  # real questions first, each paraphrased lightly ("r" marks them)
        yield ["r", q.text, _swap(q.text, rng)]
    names = _concept_names()
    singles = [(i, n) for i in SINGLE for n in names]
    rng.shuffle(singles)
    for intent, name in singles:
        yield [_fill(t, name) for t in SINGLE[intent]]
    while True:
        intent = rng.choice(list(PAIR))
        a, b = rng.sample(names, 2)
        yield [_fill(t, a, b) for t in PAIR[intent]]


def generate(n: int, seed: int = 0) -> list[RawQuestion]:
    """`n` questions; variants of one group come from distinct synthetic sources."""
    rng = random.Random(seed)
    out: list[RawQuestion] = []
    seen_pairs: set[str] = set()
    for group, phrasings in enumerate(_seeds(rng)):
        mark = ""
        if phrasings[0] == "r":
            mark, phrasings = "r", phrasings[1:]
        key = phrasings[0]
        if key in seen_pairs:
            continue
        seen_pairs.add(key)
        size = min(len(phrasings), rng.randint(1, 8))
        chosen = rng.sample(phrasings, size)
        sources = rng.sample(range(SOURCES), size)
        for variant, (text, src) in enumerate(zip(chosen, sources, strict=True)):
            out.append(RawQuestion(f"syn-{src:02d}", f"{mark}g{group}.{variant}", _swap(text, rng)))
            if len(out) == n:
                return out
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    for q in generate(n):
        print(json.dumps(asdict(q)))


if __name__ == "__main__":
    main()
