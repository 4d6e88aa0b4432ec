"""What to ask next: due reviews first, the frontier easy before hard, follow-ups down the graph."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question
from quizbot.asking.choice import can_ask_as_choice
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind
from quizbot.selection import (
    Pick,
    Player,
    Recent,
    build_ask,
    frontier,
    level_of,
    loop_key,
    pick_diagnostic,
    pick_follow_up,
    pick_key,
    pick_next,
    review_key,
)
from tests.content import item_for
from tests.unit.engine.conftest import OPEN_ONLY


def _next(bank: Bank, seed: int = 0, **kw: object) -> Pick:
    args: dict = {"mastery": {}, "due_keys": [], "seen": set(), "topic": None}
    args.update(kw)
    return pick_next(bank, rng=random.Random(seed), **args)


def _with_peers(bank: Bank) -> Bank:
    """The bank plus three deep training and technique concepts, each with a question, and
    multiple-choice items written for the foundations' questions."""
    extra = [
        (f"{kind}-{n}", kind, f"A {kind} fact number {n}, stated plainly")
        for kind in ("training", "technique")
        for n in range(3)
    ]
    concepts = [Concept(cid, cid, kind, f"The {cid}.", (), ("resnet",)) for cid, kind, _ in extra]
    questions = [
        Question(
            f"q-{cid}",
            f"What about {cid}?",
            gist + ".",
            gist,
            Difficulty.EASY,
            (cid,),
            choice=item_for(gist),
        )
        for cid, _, gist in extra
    ]
    authored = [
        replace(q, choice=item_for(q.gist)) if q.id in OPEN_ONLY and q.gist else q
        for q in bank.questions
    ]
    return Bank.from_parts([*bank.concepts.values(), *concepts], [*authored, *questions])


def test_a_new_player_starts_at_the_foundations_easy_first(bank: Bank) -> None:
    wide = _with_peers(bank)
    assert set(frontier(wide, {})) == {"gradient-descent", "kernel", "fully-connected"}
    for seed in range(10):
        assert _next(wide, seed) == Pick("question", "gradient-descent", "q-gd-easy")
    order = []
    seen: set[str] = set()
    for _ in range(6):
        pick = _next(wide, seen=seen)
        order.append(pick_key(pick))
        seen.add(order[-1])
    # Easy first (a question, then sums and naming, which are easy), then harder; the open
    # question with no item comes only once nothing gradable is left.
    assert order[0] == "q-gd-easy"
    assert all(level_of(wide, _pick(wide, k)) == "easy" for k in order)
    assert "q-gd-open" not in order


def _pick(bank: Bank, key: str) -> Pick:
    if key.startswith("computed:"):
        _, concept, level = key.split(":")
        return Pick("computed", concept, difficulty=level)
    if key.startswith("concept:"):
        return Pick("concept", key.split(":")[1])
    question = bank.question(key)
    assert question is not None
    return Pick("question", question.primary_concept, key)


def test_a_placed_player_gets_questions_near_their_level(bank: Bank) -> None:
    wide = _with_peers(bank)
    strong = Player(rating=1700.0, answers=30)
    weak = Player(rating=700.0, answers=30)
    for seed in range(10):
        assert level_of(wide, _next(wide, seed, player=strong)) != "easy"
        assert level_of(wide, _next(wide, seed, player=weak)) == "easy"
    # Learned ratings override the source's label: an "easy" question most players miss
    # is no longer served as easy.
    hard_now = {"q-gd-easy": 1500.0}
    picks = {_next(wide, seed, ratings=lambda keys: hard_now).question_id for seed in range(10)}
    assert "q-gd-easy" not in picks


def test_on_a_topic_sums_and_questions_come_before_naming_it(bank: Bank) -> None:
    assert _next(bank, topic="stride").kind == "computed"
    sums = {f"computed:stride:{level}" for level in ("easy", "medium", "hard")}
    assert _next(bank, topic="stride", seen=sums) == Pick("concept", "stride")
    assert _next(bank, topic="vgg", seen={"q-vgg"}) == Pick("concept", "vgg")


def test_a_new_player_never_opens_with_a_flashcard(bank: Bank) -> None:
    # No item was written for the foundations' questions: they can only be asked open.
    assert not any(can_ask_as_choice(q) for c in frontier(bank, {}) for q in bank.questions_for(c))
    for seed in range(20):
        first = build_ask(bank, _next(bank, seed), random.Random(seed))
        assert first.kind is not AskKind.OPEN, first
        assert first.difficulty == "easy"


def test_a_follow_up_is_the_easiest_gradable_ask_never_harder_than_the_miss(bank: Bank) -> None:
    def diagnostic(concept: str, ceiling: str, seed: int = 0, **kw: Any) -> Pick | None:
        args: dict[str, Any] = {"seen_in_walk": set(), "recent": Recent()}
        args.update(kw)
        return pick_diagnostic(bank, concept, ceiling=ceiling, rng=random.Random(seed), **args)

    # Backpropagation's only question has no item: naming it is the gradable step.
    assert diagnostic("backpropagation", "hard") == Pick("concept", "backpropagation")
    # ResNet's questions are medium and hard: after an easy miss only naming fits; after a
    # hard miss, the medium question (a real question beats naming).
    assert diagnostic("resnet", "easy") == Pick("concept", "resnet")
    assert diagnostic("resnet", "hard") == Pick("question", "resnet", "q-resnet-1")
    # Stride: the easy sum, whichever miss led there; nothing already asked in the walk.
    assert diagnostic("stride", "medium") == Pick("computed", "stride", difficulty="easy")
    walked = {"computed:stride:easy", "concept:stride"}
    assert diagnostic("stride", "easy", seen_in_walk=walked) is None


def test_known_prerequisites_unlock_the_next_concepts(bank: Bank) -> None:
    wide = _with_peers(bank)
    mastery = {"gradient-descent": 0.95}
    unlocked = set(frontier(wide, mastery))
    assert {"backpropagation", "batch-normalization", "dropout"} <= unlocked
    assert "gradient-descent" not in unlocked and "resnet" not in unlocked
    picks = {_next(wide, seed, mastery=mastery).question_id for seed in range(40)}
    assert picks == {"q-backprop", "q-bn", "q-dropout"}  # the easy ones among the unlocked


def test_due_reviews_come_first(bank: Bank) -> None:
    assert _next(bank, due_keys=["q-resnet-2"]) == Pick("question", "resnet", "q-resnet-2")
    assert _next(bank, due_keys=["gone", "concept:stride"]) == Pick("concept", "stride")
    assert _next(bank, due_keys=["computed:padding:medium"]) == Pick(
        "computed", "padding", difficulty="medium"
    )
    # A card stored before levels were part of the key still comes back (as easy).
    assert _next(bank, due_keys=["computed:padding"]).difficulty == "easy"
    # With a topic, only reviews on that topic jump the queue.
    on_topic = _next(bank, due_keys=["q-vgg", "q-resnet-2"], topic="resnet")
    assert on_topic.question_id == "q-resnet-2"
    # A due review that would loop waits: not the prompt just asked.
    looping = _next(bank, due_keys=["q-resnet-2"], recent=Recent(["q-resnet-2"]))
    assert looping.question_id != "q-resnet-2"


def test_a_topic_asks_its_questions_then_naming_then_its_neighbours(bank: Bank) -> None:
    assert _next(bank, topic="resnet").question_id == "q-resnet-1"  # medium before hard
    seen = {"q-resnet-1", "q-resnet-2"}
    assert _next(bank, topic="resnet", seen=seen) == Pick("concept", "resnet")
    # The topic ran out: say so and go on to the nearest concept in the graph.
    done = _next(bank, topic="resnet", seen=seen | {"concept:resnet"})
    assert done.concept_id != "resnet" and done.note is not None
    assert done.note.startswith("ResNet: all 2 questions done — next:")
    assert done.concept_id in {"skip-connection", "batch-normalization", "cnn"}


def test_no_prompt_twice_in_a_row_nor_thrice_in_twenty(bank: Bank) -> None:
    recent: list[str] = []
    for seed in range(40):
        pick = _next(bank, seed, topic="vgg", recent=Recent(list(reversed(recent))))
        key = loop_key(pick_key(pick))
        assert not recent or key != recent[-1]
        assert recent[-19:].count(key) < 2
        recent.append(key)


def test_there_is_always_something_to_ask(bank: Bank) -> None:
    everything = {q.id for q in bank.questions} | {f"concept:{c}" for c in bank.concepts}
    everything |= {f"computed:{c}" for c in bank.concepts}
    mastered = dict.fromkeys(bank.concepts, 0.99)
    pick = _next(bank, mastery=mastered, seen=everything)
    assert pick.concept_id in bank.concepts


def test_follow_up_picks_the_least_mastered_prerequisite(bank: Bank) -> None:
    mastery = {"skip-connection": 0.9, "batch-normalization": 0.1, "cnn": 0.5}
    assert pick_follow_up(bank, "resnet", mastery, set()) == "batch-normalization"
    assert pick_follow_up(bank, "resnet", mastery, {"batch-normalization"}) == "cnn"
    # Never seen counts as the prior; ties go to the prerequisite the ontology lists first.
    assert pick_follow_up(bank, "resnet", {}, set()) == "skip-connection"
    even = {"skip-connection": 0.4, "batch-normalization": 0.4, "cnn": 0.4}
    assert pick_follow_up(bank, "resnet", even, {"skip-connection"}) == "batch-normalization"


def test_follow_ups_walk_down_to_the_foundation(bank: Bank) -> None:
    mastery = {"batch-normalization": 0.9, "cnn": 0.9}
    path = ["resnet"]
    while (nxt := pick_follow_up(bank, path[-1], mastery, set(path))) is not None:
        path.append(nxt)
    assert path == [
        "resnet",
        "skip-connection",
        "vanishing-gradient",
        "backpropagation",
        "gradient-descent",
    ]
    assert pick_follow_up(bank, "gradient-descent", {}, set()) is None
    assert pick_follow_up(bank, "no-such-concept", {}, set()) is None


def test_build_ask_dispatches_to_the_right_generator(bank: Bank) -> None:
    rng = random.Random(2)
    choice = build_ask(bank, Pick("question", "resnet", "q-resnet-1"), rng)
    assert choice.kind is AskKind.CHOICE and choice.question_id == "q-resnet-1"
    flashcard = build_ask(bank, Pick("question", "gradient-descent", "q-gd-open"), rng)
    assert flashcard.kind is AskKind.OPEN and flashcard.correct == ""
    no_item = build_ask(bank, Pick("question", "backpropagation", "q-backprop"), rng)
    assert no_item.kind is AskKind.OPEN
    computed = build_ask(bank, Pick("computed", "stride"), rng)
    assert computed.kind is AskKind.COMPUTED and computed.concept_id == "stride"
    not_computable = build_ask(bank, Pick("computed", "resnet"), rng)
    assert not_computable.kind is AskKind.CONCEPT
    concept = build_ask(bank, Pick("concept", "dropout"), rng)
    assert concept.kind is AskKind.CONCEPT and concept.answer_text == "dropout"


def test_review_keys(bank: Bank) -> None:
    rng = random.Random(0)
    assert review_key(build_ask(bank, Pick("question", "vgg", "q-vgg"), rng)) == "q-vgg"
    assert review_key(build_ask(bank, Pick("concept", "stride"), rng)) == "concept:stride"
    hard = build_ask(bank, Pick("computed", "stride", difficulty="hard"), rng)
    assert review_key(hard) == "computed:stride:hard"
    spec = build_ask(bank, Pick("computed", "pooling", difficulty="medium"), rng)
    assert review_key(AskSpec.from_json(spec.to_json())) == "computed:pooling:medium"


def test_at_equal_difficulty_multiple_choice_comes_before_flashcards(bank: Bank) -> None:
    medium = Difficulty.MEDIUM
    gist = Question(
        "q-gd-mc",
        "Why momentum?",
        "Smooths steps.",
        "Smooths steps",
        medium,
        ("gradient-descent",),
        choice=item_for("Smooths steps"),
    )
    long = Question(
        "q-gd-long", "Derive Adam.", "A long derivation...", None, medium, ("gradient-descent",)
    )
    wide = _with_peers(bank)
    richer = Bank.from_parts(wide.concepts.values(), (*wide.questions, long, gist))
    order: list[str] = []
    seen: set[str] = set()
    for _ in range(6):
        pick = _next(richer, seen=seen, topic="gradient-descent")
        seen.add(pick_key(pick))
        order.append(pick_key(pick))
    # Gradable questions by level, then the flashcards, and naming the topic last.
    assert order[:3] == ["q-gd-easy", "q-gd-mc", "q-gd-hard"]
    assert set(order[3:5]) == {"q-gd-long", "q-gd-open"}
    assert order[5] == "concept:gradient-descent"


def test_a_chosen_topic_opens_on_a_gradable_question_before_an_easier_flashcard(
    bank: Bank,
) -> None:
    # An easy question on ResNet whose answer has no gist can only be a flashcard.
    flashcard = Question(
        "q-resnet-card",
        "Walk through a ResNet block.",
        "Long prose.",
        None,
        Difficulty.EASY,
        ("resnet",),
    )
    with_card = Bank.from_parts(bank.concepts.values(), (*bank.questions, flashcard))
    assert not can_ask_as_choice(flashcard)
    for seed in range(20):
        pick = _next(with_card, seed, topic="resnet")
        assert pick.kind == "question" and pick.question_id != "q-resnet-card"
    asked = {q.id for q in with_card.questions_for("resnet")} - {"q-resnet-card"}
    # Once the gradable ones were asked, the flashcard still comes before concept naming.
    assert _next(with_card, topic="resnet", seen=asked).question_id == "q-resnet-card"
