"""Elo-style ratings: a question's difficulty and a player's skill, learned from each other."""

from __future__ import annotations

import math

# The sources' easy / medium / hard label is a question's prior rating. A new player starts
# just above "easy", so the first ask is easy and every right answer moves them up.
PRIOR: dict[str, float] = {"easy": 900.0, "medium": 1150.0, "hard": 1400.0}
PLAYER_START = 1000.0
SCALE = 400.0
# Placement: a new player's rating moves fast for their first answers (a strong candidate
# reaches medium within two or three asks and hard within about six), then settles.
PLACEMENT_ANSWERS = 8
K_PLACEMENT = 200.0
K_PLAYER = 40.0
K_QUESTION = 16.0
# The next question is chosen near this chance of success (a tutor's "desirable difficulty").
TARGET = (0.70, 0.85)
PLACEMENT_TARGET = 0.5


def expected(player: float, question: float) -> float:
    """Chance that a player of rating `player` answers a question of rating `question` right."""
    return 1.0 / (1.0 + math.pow(10.0, (question - player) / SCALE))


def prior(difficulty: str | None) -> float:
    return PRIOR.get(difficulty or "medium", PRIOR["medium"])


def in_placement(answers: int) -> bool:
    return answers < PLACEMENT_ANSWERS


def updated(player: float, answers: int, question: float, correct: bool) -> tuple[float, float]:
    """(new player rating, change to the question's rating) after one graded answer.

    Args:
        player: the player's rating before the answer.
        answers: graded answers the player had before this one (placement moves faster).
        question: the question's rating before the answer.
        correct: the grade.
    """
    e = expected(player, question)
    score = 1.0 if correct else 0.0
    k = K_PLACEMENT if in_placement(answers) else K_PLAYER
    return player + k * (score - e), -K_QUESTION * (score - e)


def fit(player: float, question: float, placement: bool) -> float:
    """How far a question is from the right challenge for a player (0 is ideal, lower is better).

    During placement the aim is a coin flip, so ratings find the player's level fast;
    afterwards anything inside TARGET is ideal and the distance outside it is the cost.
    """
    e = expected(player, question)
    if placement:
        return abs(e - PLACEMENT_TARGET)
    low, high = TARGET
    return max(low - e, e - high, 0.0)


def level(rating: float) -> str:
    """The easy / medium / hard label a rating falls nearest to."""
    return min(PRIOR, key=lambda name: abs(PRIOR[name] - rating))
