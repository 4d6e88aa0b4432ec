"""What can be asked: picks, their review and loop keys, levels, and candidates per concept."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.bank import Bank
from quizbot.asking.choice import can_ask_as_choice
from quizbot.asking.computed import COMPUTED_CONCEPTS
from quizbot.asking.layers import DIFFICULTIES
from quizbot.asking.spec import AskSpec
from quizbot.mastery import KNOWN
from quizbot.rating import prior
from quizbot.replies import AskKind

PickKind = Literal["question", "concept", "computed"]
RANK = {"easy": 0, "medium": 1, "hard": 2}
KIND_ORDER = {"question": 0, "computed": 1, "concept": 2}


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


def pick_from_key(bank: Bank, key: str) -> Pick | None:
    """The pick a review key stands for (None when the bank no longer has it)."""
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


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pick with what choosing needs of it, worked out once per bank."""

    pick: Pick
    key: str  # review key
    loop: str  # loop key
    level: str
    prior: float  # rating before anyone answered it


def _candidate(bank: Bank, pick: Pick) -> Candidate:
    key, level = pick_key(pick), level_of(bank, pick)
    return Candidate(pick, key, loop_key(key), level, prior(level))


class _BankCache:
    """Candidates per concept and fringes per known set, for one (immutable) bank."""

    FRINGES = 256

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.concepts: dict[tuple[str, bool], tuple[Candidate, ...]] = {}
        self.fringes: OrderedDict[frozenset[str], Fringe] = OrderedDict()


_PER_BANK: dict[int, _BankCache] = {}


def _cache(bank: Bank) -> _BankCache:
    entry = _PER_BANK.get(id(bank))
    if entry is None or entry.bank is not bank:  # an id can be reused by a later bank
        if len(_PER_BANK) > 8:
            _PER_BANK.clear()
        entry = _PER_BANK[id(bank)] = _BankCache(bank)
    return entry


def concept_candidates(bank: Bank, cid: str, *, flashcards: bool = False) -> tuple[Candidate, ...]:
    """One concept's gradable candidates (or its flashcards), built once per bank."""
    cache = _cache(bank).concepts
    got = cache.get((cid, flashcards))
    if got is None:
        questions = bank.questions_for(cid)
        if flashcards:
            picks = [Pick("question", cid, q.id) for q in questions if not can_ask_as_choice(q)]
        else:
            picks = [Pick("question", cid, q.id) for q in questions if can_ask_as_choice(q)]
            picks.append(Pick("concept", cid))
            if cid in COMPUTED_CONCEPTS:
                picks += [Pick("computed", cid, difficulty=level) for level in DIFFICULTIES]
        got = cache[cid, flashcards] = tuple(_candidate(bank, p) for p in picks)
    return got


def gather(bank: Bank, concepts: Iterable[str], *, flashcards: bool = False) -> list[Candidate]:
    out: list[Candidate] = []
    for cid in concepts:
        out += concept_candidates(bank, cid, flashcards=flashcards)
    return out


def candidates(bank: Bank, concepts: Iterable[str]) -> list[Pick]:
    """Everything gradable that could be asked on `concepts`: questions, naming, computed."""
    return [c.pick for c in gather(bank, concepts)]


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


def nearest(bank: Bank, concept_id: str) -> list[str]:
    """Other concepts by distance in the graph (either direction), nearest first."""
    graph = bank.graph.to_undirected(as_view=True)
    order: list[str] = []
    ring_: list[str] = [concept_id]
    seen = {concept_id}
    while ring_:
        ring: list[str] = []
        for node in ring_:
            for other in sorted(graph.neighbors(node)):
                if other not in seen:
                    seen.add(other)
                    ring.append(other)
        order += ring
        ring_ = ring
    return order


@dataclass(frozen=True, slots=True)
class Fringe:
    """Where a player stands, and what could be asked there, in the order to try it.

    `rounds` are (near, beyond) candidate lists: first the fringe plus the sums of concepts
    already reached, with the ring one step past it; then every unknown concept.
    """

    pool: tuple[str, ...]
    unknown: tuple[str, ...]
    rounds: tuple[tuple[tuple[Candidate, ...], tuple[Candidate, ...]], ...]


def fringe(bank: Bank, mastery: Mapping[str, float]) -> Fringe:
    """The player's fringe, worked out once per set of known concepts (an answer rarely
    changes that set, so most asks reuse it)."""
    known = frozenset(c for c, p in mastery.items() if p >= KNOWN and c in bank.concepts)
    cache = _cache(bank).fringes
    got = cache.get(known)
    if got is not None:
        cache.move_to_end(known)
        return got
    pool = frontier(bank, mastery)
    unknown = [c for c in sorted(bank.concepts) if c not in known]
    # Computed skills of concepts already reached stay in play, so sums come up in any session.
    reached = [
        c
        for c in sorted(COMPUTED_CONCEPTS)
        if c in bank.concepts and all(p in known for p in bank.prerequisites(c))
    ]
    sums = [c for c in gather(bank, reached) if c.pick.kind == "computed"]
    rounds = []
    for near, far in ((pool, next_ring(bank, pool, mastery)), (unknown, [])):
        inner = set(near)
        here = (*gather(bank, near), *(c for c in sums if c.pick.concept_id not in inner))
        rounds.append((here, tuple(gather(bank, far))))
    got = cache[known] = Fringe(tuple(pool), tuple(unknown), tuple(rounds))
    if len(cache) > _BankCache.FRINGES:
        cache.popitem(last=False)
    return got
