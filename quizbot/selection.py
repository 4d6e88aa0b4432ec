"""What to ask next: due reviews, then the right challenge near the player's fringe; no loops."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from knowledge.bank import Bank
from quizbot.asking.choice import can_ask_as_choice, make_choice_ask
from quizbot.asking.computed import COMPUTED_CONCEPTS, DIFFICULTIES, make_computed_ask
from quizbot.asking.concept import make_concept_ask
from quizbot.asking.open import make_open_ask
from quizbot.asking.spec import AskSpec
from quizbot.mastery import DEFAULT_BKT, KNOWN
from quizbot.rating import PLAYER_START, fit, in_placement, prior
from quizbot.replies import AskKind

PickKind = Literal["question", "concept", "computed"]
RANK = {"easy": 0, "medium": 1, "hard": 2}
RECENT_WINDOW = 20  # "never more than twice in 20 asks"
SESSION_GAP = timedelta(hours=6)  # asks older than this belong to an earlier session
MAX_REPEATS = 2
KIND_SHARE = 1 / 3  # after placement, at most about a third of asks name a concept (or sum)
KIND_WINDOW = 9
COMPUTED_EVERY = 6  # a computed question comes up at least this often when one fits
_KIND_ORDER = {"question": 0, "computed": 1, "concept": 2}
BEYOND_COST = 0.05


@dataclass(frozen=True, slots=True)
class Pick:
    """What to ask: a bank question, a concept-naming ask or a computed ask on a concept.

    `note` is shown above the card (a topic that ran out says so and where it goes next).
    """

    kind: PickKind
    concept_id: str
    question_id: str | None = None
    difficulty: str | None = None  # computed asks: the level to generate
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Player:
    """What selection knows of a player: skill rating and how many graded answers built it."""

    rating: float = PLAYER_START
    answers: int = 0

    @property
    def placing(self) -> bool:
        return in_placement(self.answers)


RatingLookup = Callable[[Iterable[str]], Mapping[str, float]]


def _no_ratings(keys: Iterable[str]) -> Mapping[str, float]:
    return {}


def review_key(spec: AskSpec) -> str:
    """The spaced-repetition (and scoring) key of an ask.

    A bank question's id; "concept:<id>" for naming a concept; "computed:<id>:<level>" for a
    generated question, since every draw is new but one generator at one level is one skill.
    """
    if spec.question_id:
        return spec.question_id
    if spec.kind is AskKind.COMPUTED:
        return f"computed:{spec.concept_id}:{spec.difficulty}"
    return f"concept:{spec.concept_id}"


def pick_key(pick: Pick) -> str:
    """The review key an ask built from `pick` will have."""
    if pick.kind == "question" and pick.question_id:
        return pick.question_id
    if pick.kind == "computed":
        return f"computed:{pick.concept_id}:{pick.difficulty or 'easy'}"
    return f"concept:{pick.concept_id}"


def loop_key(key: str) -> str:
    """What counts as "the same prompt" for the no-loop rules (a computed level is not)."""
    if key.startswith("computed:"):
        return ":".join(key.split(":")[:2])
    return key


def prompt_key(kind: str, concept_id: str, question_id: str | None) -> str:
    """The loop key of a stored ask, from its kind, concept and question."""
    return question_id or f"{kind}:{concept_id}"


def _pick_from_key(bank: Bank, key: str) -> Pick | None:
    prefix, _, rest = key.partition(":")
    if prefix in ("concept", "computed"):
        concept, _, level = rest.partition(":")
        if concept not in bank.concepts:
            return None
        if prefix == "concept":
            return Pick("concept", concept)
        if concept not in COMPUTED_CONCEPTS:
            return None
        return Pick("computed", concept, difficulty=level if level in DIFFICULTIES else "easy")
    question = bank.question(key)
    if question is None or question.primary_concept not in bank.concepts:
        return None
    return Pick("question", question.primary_concept, question.id)


def level_of(bank: Bank, pick: Pick) -> str:
    """The difficulty an ask from `pick` will have."""
    if pick.kind == "question" and pick.question_id:
        question = bank.question(pick.question_id)
        if question is not None and question.difficulty is not None:
            return question.difficulty.value
        return "medium"
    if pick.kind == "computed":
        return pick.difficulty or "easy"
    return "easy"  # naming a concept, picked or typed, is the easy step on it


def frontier(bank: Bank, mastery: Mapping[str, float]) -> list[str]:
    """Concepts not yet known whose prerequisites are all known (the outer fringe), sorted."""

    def known(cid: str) -> bool:
        return mastery.get(cid, 0.0) >= KNOWN

    return sorted(
        cid
        for cid, concept in bank.concepts.items()
        if not known(cid) and all(known(p) for p in concept.prerequisites)
    )


def next_ring(bank: Bank, ring: Sequence[str], mastery: Mapping[str, float]) -> list[str]:
    """Unknown concepts one step past `ring`: every prerequisite known or on the ring."""
    inner = set(ring)

    def reached(cid: str) -> bool:
        return cid in inner or mastery.get(cid, 0.0) >= KNOWN

    return sorted(
        cid
        for cid, concept in bank.concepts.items()
        if cid not in inner
        and mastery.get(cid, 0.0) < KNOWN
        and concept.prerequisites
        and all(reached(p) for p in concept.prerequisites)
    )


_PER_BANK: dict[int, tuple[Bank, dict[str, tuple[Pick, ...]]]] = {}


def _concept_candidates(bank: Bank, cid: str) -> tuple[Pick, ...]:
    """One concept's candidates, built once per bank (banks are immutable)."""
    entry = _PER_BANK.get(id(bank))
    if entry is None or entry[0] is not bank:
        if len(_PER_BANK) > 8:
            _PER_BANK.clear()
        entry = _PER_BANK[id(bank)] = (bank, {})
    cache = entry[1]
    got = cache.get(cid)
    if got is None:
        out = [Pick("question", cid, q.id) for q in bank.questions_for(cid) if can_ask_as_choice(q)]
        out.append(Pick("concept", cid))
        if cid in COMPUTED_CONCEPTS:
            out += [Pick("computed", cid, difficulty=level) for level in DIFFICULTIES]
        got = cache[cid] = tuple(out)
    return got


def candidates(bank: Bank, concepts: Iterable[str]) -> list[Pick]:
    """Everything gradable that could be asked on `concepts`: questions, naming, computed."""
    out: list[Pick] = []
    for cid in concepts:
        out += _concept_candidates(bank, cid)
    return out


def _flashcards(bank: Bank, concepts: Iterable[str]) -> list[Pick]:
    return [
        Pick("question", cid, q.id)
        for cid in concepts
        for q in bank.questions_for(cid)
        if not can_ask_as_choice(q)
    ]


class Recent:
    """The player's latest asks (newest first) and the no-loop rules over them."""

    def __init__(self, keys: Sequence[str] = (), kinds: Sequence[str] = ()) -> None:
        window = [loop_key(k) for k in keys[:RECENT_WINDOW]]
        self.last = window[0] if window else None
        self.counts = Counter(window)
        self.kinds = list(kinds[:KIND_WINDOW])

    def allows(self, key: str) -> bool:
        """Not the prompt just asked, and not already twice in the last 20 asks."""
        lk = loop_key(key)
        return lk != self.last and self.counts[lk] < MAX_REPEATS

    def share(self, kind: AskKind) -> float:
        return self.kinds.count(kind.value) / len(self.kinds) if self.kinds else 0.0

    def computed_lately(self) -> bool:
        return AskKind.COMPUTED.value in self.kinds[:COMPUTED_EVERY]


def _best(
    bank: Bank,
    picks: Sequence[Pick],
    player: Player,
    ratings: RatingLookup,
    recent: Recent,
    rng: random.Random,
    *,
    beyond: Sequence[Pick] = (),
) -> Pick | None:
    """The candidate nearest the right challenge, with a session's mix of kinds.

    `beyond` are candidates one step past the fringe: taken when they fit clearly better
    (a strong player is not held on the fringe's few easy questions).
    """
    near = len(picks)
    picks = [*picks, *beyond]
    if not picks:
        return None
    if not player.placing:
        for kind in (AskKind.CONCEPT, AskKind.COMPUTED):  # neither takes over a session
            others = [p for p in picks if p.kind != kind.value]
            if others and recent.share(kind) >= KIND_SHARE:
                picks = others
    keys = [pick_key(p) for p in picks]
    known = ratings(keys)

    def cost(pick: Pick, key: str) -> float:
        rating = known.get(key, prior(level_of(bank, pick)))
        return fit(player.rating, rating, player.placing)

    # Ties (equal fit) go to a bank question, then a computed one, then naming a concept:
    # they test the idea rather than the word.
    scored = [
        (
            round(cost(p, k) + (BEYOND_COST if i >= near else 0.0), 3),
            _KIND_ORDER[p.kind],
            rng.random(),
            p,
        )
        for i, (p, k) in enumerate(zip(picks, keys, strict=True))
    ]
    if not player.placing and not recent.computed_lately():
        sums = [s for s in scored if s[3].kind == "computed" and s[0] < 0.15]
        if sums:
            scored = sums
    return min(scored, key=lambda s: s[:3])[3]


def _fresh(picks: Iterable[Pick], seen: set[str], recent: Recent) -> list[Pick]:
    return [p for p in picks if pick_key(p) not in seen and recent.allows(pick_key(p))]


def nearest(bank: Bank, concept_id: str) -> list[str]:
    """Other concepts by distance in the graph (either direction), nearest first."""
    graph = bank.graph.to_undirected(as_view=True)
    order: list[str] = []
    frontier_: list[str] = [concept_id]
    seen = {concept_id}
    while frontier_:
        ring: list[str] = []
        for node in frontier_:
            for other in sorted(graph.neighbors(node)):
                if other not in seen:
                    seen.add(other)
                    ring.append(other)
        order += ring
        frontier_ = ring
    return order


def _on_topic(
    bank: Bank,
    topic: str,
    *,
    seen: set[str],
    recent: Recent,
    player: Player,
    ratings: RatingLookup,
    rng: random.Random,
) -> Pick:
    """Something new on a chosen topic; when it runs out, say so and go to its neighbours."""
    fresh = _fresh(candidates(bank, [topic]), seen, recent)
    # The player chose the topic: its questions (gradable ones, then flashcards) and sums
    # come before naming it from a definition.
    pick = _best(bank, [p for p in fresh if p.kind != "concept"], player, ratings, recent, rng)
    if pick is not None:
        return pick
    flash = _fresh(_flashcards(bank, [topic]), seen, recent)
    if flash:
        return rng.choice(flash)
    pick = _best(bank, fresh, player, ratings, recent, rng)
    if pick is not None:
        return pick
    name = bank.concept(topic).name
    done = len(bank.questions_for(topic))
    for other in nearest(bank, topic):
        fresh = _fresh(candidates(bank, [other]), seen, recent)
        pick = _best(bank, fresh, player, ratings, recent, rng)
        if pick is not None:
            what = f"all {done} questions done" if done else "no more questions"
            note = f"{name[:1].upper()}{name[1:]}: {what} — next: {bank.concept(other).name}."
            return Pick(pick.kind, pick.concept_id, pick.question_id, pick.difficulty, note)
    return _practice(bank, [topic], recent, rng)


def _practice(bank: Bank, concepts: Sequence[str], recent: Recent, rng: random.Random) -> Pick:
    """Everything was asked: practise something on `concepts` that is not looping."""
    allowed = [p for p in candidates(bank, concepts) if recent.allows(pick_key(p))]
    if allowed:
        return rng.choice(allowed)
    return Pick("concept", rng.choice(list(concepts)))


def pick_next(
    bank: Bank,
    *,
    mastery: Mapping[str, float],
    due_keys: Sequence[str],
    seen: set[str],
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
        seen: review keys the player was already asked (they come back when due).
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
    for key in due_keys:
        pick = _pick_from_key(bank, key)
        if pick is None or not recent.allows(key):
            continue
        if topic is None or pick.concept_id == topic:
            return pick
    if topic is not None:
        return _on_topic(
            bank, topic, seen=seen, recent=recent, player=player, ratings=ratings, rng=rng
        )
    pool = frontier(bank, mastery)
    unknown = [c for c in sorted(bank.concepts) if mastery.get(c, 0.0) < KNOWN]
    # Computed skills of concepts already reached stay in play, so sums come up in any session.
    reached = [
        c
        for c in sorted(COMPUTED_CONCEPTS)
        if c in bank.concepts and all(mastery.get(p, 0.0) >= KNOWN for p in bank.prerequisites(c))
    ]
    sums = [p for p in candidates(bank, reached) if p.kind == "computed"]
    for near, far in ((pool, next_ring(bank, pool, mastery)), (unknown, [])):
        picks = _fresh(candidates(bank, near), seen, recent)
        picks += _fresh((p for p in sums if p.concept_id not in near), seen, recent)
        beyond = _fresh(candidates(bank, far), seen, recent)
        pick = _best(bank, picks, player, ratings, recent, rng, beyond=beyond)
        if pick is not None:
            return pick
    flash = _fresh(_flashcards(bank, pool or unknown), seen, recent)
    if flash:
        return rng.choice(flash)
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

    picks = [p for p in candidates(bank, [concept_id]) if usable(p)]
    fitting = [p for p in picks if RANK[level_of(bank, p)] <= top]
    # A question or a sum tests the idea; naming the concept only when neither fits.
    fitting = [p for p in fitting if p.kind != "concept"] or [
        p for p in picks if p.kind == "concept"
    ]
    if not fitting:
        # Nothing gradable is left: a worked flashcard on the concept still teaches it.
        cards = [p for p in _flashcards(bank, [concept_id]) if usable(p)]
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
