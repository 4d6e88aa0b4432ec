"""Drop question choice: weakest concept, no repeats within the window, difficulty by weekday."""

from __future__ import annotations

import random
from datetime import date

import pytest

from quizbot.drops.choice import build_drop_ask, choose_drop
from quizbot.replies import AskKind
from quizbot.storage.repos.drop_inputs import MasterySums
from tests.unit.drops.fakes import CONCEPT_IDS, small_bank

MONDAY, WEDNESDAY, FRIDAY = 0, 2, 4


def _strong_except(weak: str) -> dict[str, float]:
    return {c: (0.1 if c == weak else 0.9) for c in CONCEPT_IDS}


def test_picks_the_channels_weakest_concept() -> None:
    bank = small_bank()
    for weak in ("pooling", "kernel"):
        pick = choose_drop(
            bank, mastery=_strong_except(weak), recent={}, weekday=WEDNESDAY, rng=random.Random(1)
        )
        assert pick.concept_id == weak


def test_difficulty_rotates_from_easy_monday_to_hard_friday() -> None:
    bank = small_bank()
    mastery = _strong_except("stride")
    monday = choose_drop(bank, mastery=mastery, recent={}, weekday=MONDAY, rng=random.Random(2))
    friday = choose_drop(bank, mastery=mastery, recent={}, weekday=FRIDAY, rng=random.Random(2))
    assert (monday.difficulty, friday.difficulty) == ("easy", "hard")


def test_no_repeat_in_the_window_until_the_bank_runs_out() -> None:
    bank = small_bank()
    recent: dict[str, date] = {}
    rng = random.Random(3)
    keys = []
    for i in range(len(bank.questions)):
        pick = choose_drop(bank, mastery={}, recent=recent, weekday=i % 7, rng=rng)
        keys.append(pick.key)
        recent[pick.key] = date(2026, 1, 1 + i)
    assert len(set(keys)) == len(bank.questions)
    # Exhausted: the least recently dropped question comes back first.
    again = choose_drop(bank, mastery={}, recent=recent, weekday=0, rng=rng)
    assert again.key == keys[0]


def test_reported_questions_are_left_out_unless_nothing_else_is_left() -> None:
    bank = small_bank()
    mastery = _strong_except("pooling")
    weakest = choose_drop(bank, mastery=mastery, recent={}, weekday=MONDAY, rng=random.Random(5))
    flagged = {weakest.key}
    other = choose_drop(
        bank, mastery=mastery, recent={}, weekday=MONDAY, rng=random.Random(5), flagged=flagged
    )
    assert other.key != weakest.key
    every = {q.id for q in bank.questions}
    last = choose_drop(bank, mastery={}, recent={}, weekday=0, rng=random.Random(5), flagged=every)
    assert last.key in every  # a channel still gets its drop when everything is reported


def test_mastery_sums_count_players_without_a_row_at_the_prior() -> None:
    # Two players: both met pooling (0.9 and 0.5), one met kernel (0.8).
    sums = MasterySums(2, {"pooling": (1.4, 2), "kernel": (0.8, 1)})
    avg = sums.average(default=0.2)
    assert avg == pytest.approx({"pooling": 0.7, "kernel": 0.5})
    assert MasterySums(0, {}).average(default=0.2) == {}


def test_build_drop_ask_makes_a_gradable_multiple_choice() -> None:
    bank = small_bank()
    pick = choose_drop(bank, mastery={}, recent={}, weekday=0, rng=random.Random(4))
    spec = build_drop_ask(bank, pick, random.Random(4))
    assert spec.kind in (AskKind.CHOICE, AskKind.CONCEPT)
    assert spec.correct in {c.id for c in spec.choices}
