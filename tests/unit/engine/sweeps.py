"""Seeded sweeps over every computed concept and level: asks made once, all failures listed."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Sequence

from quizbot.asking.computed import COMPUTED_CONCEPTS, make_computed_ask
from quizbot.asking.spec import AskSpec

LEVELS = ("easy", "medium", "hard")
CONCEPTS = sorted(COMPUTED_CONCEPTS)
SEEDS = 120  # asks per concept and level in a sweep
SHOWN = 40  # failures listed in full; the rest are counted


@functools.cache
def _generated(concept: str, level: str, count: int) -> tuple[AskSpec, ...]:
    return tuple(make_computed_ask(random.Random(seed), concept, level) for seed in range(count))


def asks(concept: str, level: str, count: int = SEEDS) -> tuple[AskSpec, ...]:
    """The asks for seeds 0 to count − 1; generated once per run and shared (they are frozen)."""
    return _generated(concept, level, max(count, SEEDS))[:count]


def every_ask_passes(
    check: Callable[[str, str, AskSpec], None],
    *,
    concepts: Sequence[str] = CONCEPTS,
    levels: Sequence[str] = LEVELS,
    count: int = SEEDS,
) -> None:
    """Run `check(concept, level, ask)` on every ask of the sweep; fail once, naming every failure.

    One test case per check instead of one per concept and level: the same asks are checked,
    and a failure still says which concept, level and seed, and why.
    """
    failures: list[str] = []
    for concept in concepts:
        for level in levels:
            for seed, spec in enumerate(asks(concept, level, count)):
                try:
                    check(concept, level, spec)
                except Exception as err:  # an assertion or a crash: list it and keep going
                    why = str(err) if isinstance(err, AssertionError) else repr(err)
                    failures.append(f"{concept} {level} seed {seed}: {why}")
    listed = "\n\n".join(failures[:SHOWN])
    more = f"\n\n... and {len(failures) - SHOWN} more" if len(failures) > SHOWN else ""
    assert not failures, f"{len(failures)} of the swept asks fail:\n\n{listed}{more}"
