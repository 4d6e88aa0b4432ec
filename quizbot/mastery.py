"""Bayesian Knowledge Tracing: a player's probability of knowing a concept, updated per answer."""

from __future__ import annotations

from dataclasses import dataclass

KNOWN = 0.85  # mastery at or above this counts as "known" (frontier, follow-ups, stats)

_FLOOR = 0.001
_CEILING = 0.999


@dataclass(frozen=True, slots=True)
class BKTParams:
    """The four BKT parameters: prior, learning rate, slip and guess probabilities."""

    p_init: float = 0.2
    p_learn: float = 0.15
    p_slip: float = 0.1
    p_guess: float = 0.25


DEFAULT_BKT = BKTParams()


def update_mastery(p_known: float | None, correct: bool, params: BKTParams = DEFAULT_BKT) -> float:
    """Posterior probability that the player knows the concept after one answer.

    Args:
        p_known: current mastery, or None when the player never met the concept.
        correct: whether the answer was right.
        params: BKT parameters.

    Returns:
        The new mastery, strictly inside (0, 1).
    """
    p = params.p_init if p_known is None else min(max(p_known, _FLOOR), _CEILING)
    slip, guess = params.p_slip, params.p_guess
    if correct:
        posterior = p * (1 - slip) / (p * (1 - slip) + (1 - p) * guess)
        # The learning transition is credited only after a right answer, so a miss never
        # raises mastery (plain BKT would lift a very low prior even on a wrong answer).
        posterior += (1 - posterior) * params.p_learn
    else:
        posterior = p * slip / (p * slip + (1 - p) * (1 - guess))
    return min(max(posterior, _FLOOR), _CEILING)
