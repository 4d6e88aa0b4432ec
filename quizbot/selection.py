"""What to ask next: due reviews, then the right challenge near the player's fringe; no loops."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from knowledge.bank import Bank
from quizbot.asking.choice import make_choice_ask
from quizbot.asking.computed import COMPUTED_CONCEPTS, make_computed_ask
from quizbot.asking.concept import make_concept_ask
from quizbot.asking.open import make_open_ask
from quizbot.asking.spec import AskSpec
from quizbot.mastery import DEFAULT_BKT
from quizbot.picks import (
    KIND_ORDER,
    RANK,
    Candidate,
    Pick,
    candidates,
    concept_candidates,
    fringe,
    frontier,
    gather,
    level_of,
    loop_key,
    nearest,
    next_ring,
    pick_from_key,
    pick_key,
    prompt_key,
    review_key,
)
from quizbot.rating import PLAYER_START, fit, in_placement
from quizbot.replies import AskKind

__all__ = [
    "RANK",
    "Pick",
    "Player",
    "Recent",
    "build_ask",
    "candidates",
    "frontier",
    "level_of",
    "loop_key",
    "nearest",
    "next_ring",
    "pick_diagnostic",
    "pick_follow_up",
    "pick_key",
    "pick_next",
    "prompt_key",
    "review_key",
]

RECENT_WINDOW = 20  # "never more than twice in 20 asks"
SESSION_GAP = timedelta(hours=6)  # asks older than this belong to an earlier session
MAX_REPEATS = 2
KIND_SHARE = 1 / 3  # after placement, at most about a third of asks name a concept (or sum)
KIND_WINDOW = 9
COMPUTED_EVERY = 6  # a computed question comes up at least this often when one fits
BEYOND_COST = 0.05


@dataclass(frozen=True, slots=True)
class Player:
    """What selection knows of a player: skill rating and how many graded answers built it."""

    rating: float = PLAYER_START
    answers: int = 0

    @property
    def placing(self) -> bool:
        return in_placement(self.answers)


RatingLookup = Callable[[Collection[str]], Mapping[str, float]]
SeenLookup = Callable[[Collection[str]], AbstractSet[str]]


def _no_ratings(keys: Collection[str]) -> Mapping[str, float]:
    return {}


class Recent:
    """The player's latest asks (newest first) and the no-loop rules over them."""

    def __init__(self, keys: Sequence[str] = (), kinds: Sequence[str] = ()) -> None:
        window = [loop_key(k) for k in keys[:RECENT_WINDOW]]
        self.last = window[0] if window else None
        self.counts = Counter(window)
        # Loop keys that may not come up now: the last one, and any already asked twice.
        self.blocked = {k for k, n in self.counts.items() if n >= MAX_REPEATS}
        if self.last is not None:
            self.blocked.add(self.last)
        self.kinds = list(kinds[:KIND_WINDOW])

    def allows(self, key: str) -> bool:
        """Not the prompt just asked, and not already twice in the last 20 asks."""
        return self.allows_loop(loop_key(key))

    def allows_loop(self, loop: str) -> bool:
        return loop not in self.blocked

    def share(self, kind: AskKind) -> float:
        return self.kinds.count(kind.value) / len(self.kinds) if self.kinds else 0.0

    def computed_lately(self) -> bool:
        return AskKind.COMPUTED.value in self.kinds[:COMPUTED_EVERY]


class _Seen:
    """Which candidate keys the player was already asked, looked up once per batch."""

    def __init__(self, seen: AbstractSet[str] | SeenLookup) -> None:
        self._lookup: SeenLookup = seen if callable(seen) else (lambda keys: seen & set(keys))
        self._looked: set[str] = set()
        self._asked: set[str] = set()

    def look(self, cands: Iterable[Candidate]) -> None:
        """Look up every candidate not looked up yet, in one query."""
        missing = {c.key for c in cands} - self._looked
        if missing:
            self._asked |= self._lookup(missing)
            self._looked |= missing

    def fresh(self, cands: Sequence[Candidate], recent: Recent) -> list[Candidate]:
        """The candidates never asked (they come back when due) that would not loop."""
        self.look(cands)
        asked, blocked = self._asked, recent.blocked
        return [c for c in cands if c.key not in asked and c.loop not in blocked]


def _best(
    cands: Sequence[Candidate],
    player: Player,
    ratings: RatingLookup,
    recent: Recent,
    rng: random.Random,
    *,
    beyond: Sequence[Candidate] = (),
) -> Pick | None:
    """The candidate nearest the right challenge, with a session's mix of kinds.

    `beyond` are candidates one step past the fringe: taken when they fit clearly better
    (a strong player is not held on the fringe's few easy questions).
    """
    if not cands and not beyond:
        return None
    placing = player.placing
    if not placing:
        for kind in (AskKind.CONCEPT, AskKind.COMPUTED):  # neither takes over a session
            if recent.share(kind) >= KIND_SHARE:
                value = kind.value
                near = [c for c in cands if c.pick.kind != value]
                far = [c for c in beyond if c.pick.kind != value]
                if near or far:
                    cands, beyond = near, far
    known = ratings({c.key for c in (*cands, *beyond)})
    cost = partial(fit, player.rating, placement=placing)
    draw = rng.random
    # Ties (equal fit) go to a bank question, then a computed one, then naming a concept:
    # they test the idea rather than the word.
    scored = [
        (
            round(cost(known.get(c.key, c.prior)) + extra, 3),
            KIND_ORDER[c.pick.kind],
            draw(),
            c.pick,
        )
        for group, extra in ((cands, 0.0), (beyond, BEYOND_COST))
        for c in group
    ]
    if not placing and not recent.computed_lately():
        sums = [s for s in scored if s[3].kind == "computed" and s[0] < 0.15]
        if sums:
            scored = sums
    return min(scored, key=lambda s: s[:3])[3]


def _on_topic(
    bank: Bank,
    topic: str,
    *,
    seen: _Seen,
    recent: Recent,
    player: Player,
    ratings: RatingLookup,
    rng: random.Random,
) -> Pick:
    """Something new on a chosen topic; when it runs out, say so and go to its neighbours."""
    fresh = seen.fresh(concept_candidates(bank, topic), recent)
    # The player chose the topic: its questions (gradable ones, then flashcards) and sums
    # come before naming it from a definition.
    pick = _best([c for c in fresh if c.pick.kind != "concept"], player, ratings, recent, rng)
    if pick is not None:
        return pick
    flash = seen.fresh(concept_candidates(bank, topic, flashcards=True), recent)
    if flash:
        return rng.choice(flash).pick
    pick = _best(fresh, player, ratings, recent, rng)
    if pick is not None:
        return pick
    name = bank.concept(topic).name
    done = len(bank.questions_for(topic))
    for other in nearest(bank, topic):
        pick = _best(
            seen.fresh(concept_candidates(bank, other), recent), player, ratings, recent, rng
        )
        if pick is not None:
            what = f"all {done} questions done" if done else "no more questions"
            note = f"{name[:1].upper()}{name[1:]}: {what} — next: {bank.concept(other).name}."
            return Pick(pick.kind, pick.concept_id, pick.question_id, pick.difficulty, note)
    return _practice(bank, [topic], recent, rng)


def _practice(bank: Bank, concepts: Sequence[str], recent: Recent, rng: random.Random) -> Pick:
    """Everything was asked: practise something on `concepts` that is not looping."""
    allowed = [c.pick for c in gather(bank, concepts) if recent.allows_loop(c.loop)]
    if allowed:
        return rng.choice(allowed)
    return Pick("concept", rng.choice(list(concepts)))


def pick_next(
    bank: Bank,
    *,
    mastery: Mapping[str, float],
    due_keys: Sequence[str],
    seen: AbstractSet[str] | SeenLookup,
    topic: str | None,
    rng: random.Random,
    recent: Recent | None = None,
    player: Player | None = None,
    ratings: RatingLookup = _no_ratings,
) -> Pick:
    """The next thing to ask a player.

    Args:
        bank: the question bank (must hold at least one concept).
        mastery: the player's mastery per concept id (missing = never seen).
        due_keys: review keys whose spaced-repetition card is due, most overdue first.
        seen: review keys the player was already asked (they come back when due), or a
            lookup that returns which of the given keys were (only candidates are looked up).
        topic: a resolved concept id to stay on, or None.
        rng: randomness for ties.
        recent: the player's latest asks, for the no-loop rules and the mix of kinds.
        player: the player's rating (a new player is placed by their first answers).
        ratings: looks up the learned ratings of review keys (missing = their prior).

    Returns:
        A due review (on the topic, when one is given) that does not loop; else the fresh
        question, naming or computed ask on the frontier (or the topic) whose expected
        success is nearest the target; else practice, so there is always a next question.
    """
    if not bank.concepts:
        raise ValueError("the question bank has no concepts")
    recent = recent or Recent()
    player = player or Player()
    asked = _Seen(seen)
    for key in due_keys:
        pick = pick_from_key(bank, key)
        if pick is None or not recent.allows(key):
            continue
        if topic is None or pick.concept_id == topic:
            return pick
    if topic is not None:
        return _on_topic(
            bank, topic, seen=asked, recent=recent, player=player, ratings=ratings, rng=rng
        )
    where = fringe(bank, mastery)
    for here, beyond in where.rounds:
        asked.look([*here, *beyond])  # one lookup for both
        pick = _best(
            asked.fresh(here, recent),
            player,
            ratings,
            recent,
            rng,
            beyond=asked.fresh(beyond, recent),
        )
        if pick is not None:
            return pick
    flash = asked.fresh(gather(bank, where.pool or where.unknown, flashcards=True), recent)
    if flash:
        return rng.choice(flash).pick
    weakest = sorted(bank.concepts, key=lambda c: (mastery.get(c, 0.0), c))[:5]
    return _practice(bank, weakest, recent, rng)


def pick_follow_up(
    bank: Bank, concept_id: str, mastery: Mapping[str, float], exclude: set[str]
) -> str | None:
    """The prerequisite of `concept_id` this player has mastered least.

    Args:
        bank: the question bank.
        concept_id: the concept of the question just missed.
        mastery: the player's mastery per concept (missing = the BKT prior).
        exclude: concept ids not to pick (already visited by this walk).

    Returns:
        A prerequisite concept id, or None at the foundation. Ties go to the prerequisite the
        ontology lists first: curators list the most essential one first (ResNet's is the
        skip connection), so a new player walks down the main chain.
    """
    if concept_id not in bank.concepts:
        return None
    prerequisites = bank.prerequisites(concept_id)
    options = [i for i, p in enumerate(prerequisites) if p in bank.concepts and p not in exclude]
    if not options:
        return None
    best = min(options, key=lambda i: (mastery.get(prerequisites[i], DEFAULT_BKT.p_init), i))
    return prerequisites[best]


def pick_diagnostic(
    bank: Bank,
    concept_id: str,
    *,
    ceiling: str,
    seen_in_walk: set[str],
    recent: Recent,
    rng: random.Random,
) -> Pick | None:
    """The easiest gradable ask on a prerequisite, never harder than the question missed.

    `seen_in_walk` holds the keys already asked in this walk (review or loop keys). Ties are
    broken at random, so new players do not all meet the same follow-up. None when
    everything on the concept was already asked in this walk or would loop.
    """
    top = RANK.get(ceiling, 1)

    def usable(pick: Pick) -> bool:
        key = pick_key(pick)
        asked = key in seen_in_walk or loop_key(key) in seen_in_walk
        return not asked and recent.allows(key)

    picks = [c.pick for c in concept_candidates(bank, concept_id) if usable(c.pick)]
    fitting = [p for p in picks if RANK[level_of(bank, p)] <= top]
    # A question or a sum tests the idea; naming the concept only when neither fits.
    fitting = [p for p in fitting if p.kind != "concept"] or [
        p for p in picks if p.kind == "concept"
    ]
    if not fitting:
        # Nothing gradable is left: a worked flashcard on the concept still teaches it.
        cards = [
            c.pick for c in concept_candidates(bank, concept_id, flashcards=True) if usable(c.pick)
        ]
        return rng.choice(cards) if cards else None
    lowest = min(RANK[level_of(bank, p)] for p in fitting)
    return rng.choice([p for p in fitting if RANK[level_of(bank, p)] == lowest])


def build_ask(bank: Bank, pick: Pick, rng: random.Random) -> AskSpec:
    """Turn a pick into a concrete ask.

    Args:
        bank: the question bank.
        pick: what to ask.
        rng: randomness for distractors, shuffling and generated numbers.

    Returns:
        The question's authored multiple-choice item (an open question when it has none), a
        concept-naming ask, or a computed ask at the pick's level.
    """
    if pick.kind == "question" and pick.question_id is not None:
        question = bank.question(pick.question_id)
        if question is not None:
            spec = make_choice_ask(bank, question)
            return spec if spec is not None else make_open_ask(bank, question)
    if pick.kind == "computed" and pick.concept_id in COMPUTED_CONCEPTS:
        return make_computed_ask(rng, pick.concept_id, pick.difficulty or "easy")
    return make_concept_ask(bank, pick.concept_id, rng)
