"""What to ask next: due reviews first, the frontier easy before hard, follow-ups down the graph."""

from __future__ import annotations

import random
from dataclasses import replace

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question
from quizbot.asking.choice import can_ask_as_choice
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind
from quizbot.selection import Pick, build_ask, frontier, pick_follow_up, pick_next, review_key
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
        order.append(pick.question_id or f"{pick.kind}:{pick.concept_id}")
        seen.add(order[-1])
    # Easy first (naming a concept is easy at the frontier, even typed), then harder; the
    # open question with no item comes last.
    assert order[0] == "q-gd-easy"
    assert set(order[1:4]) == {
        "concept:gradient-descent",
        "concept:kernel",
        "concept:fully-connected",
    }
    assert order[4:] == ["q-gd-hard", "computed:kernel"]
    assert _next(wide, seen=seen) == Pick("question", "gradient-descent", "q-gd-open")


def test_naming_from_four_names_comes_early_typing_a_name_late(bank: Bank) -> None:
    # VGG has three confusable architectures: picking its name is easy and comes first.
    assert _next(bank, topic="vgg", seen={"q-vgg"}) == Pick("concept", "vgg")
    # Stride has none: the computed ask comes before typing the name.
    assert _next(bank, topic="stride") == Pick("computed", "stride")
    assert _next(bank, topic="stride", seen={"computed:stride"}) == Pick("concept", "stride")


def test_a_new_player_never_opens_with_a_flashcard(bank: Bank) -> None:
    # No item was written for the foundations' questions: they can only be asked open.
    assert not any(can_ask_as_choice(q) for c in frontier(bank, {}) for q in bank.questions_for(c))
    for seed in range(20):
        first = build_ask(bank, _next(bank, seed), random.Random(seed))
        assert first.kind in (AskKind.CHOICE, AskKind.CONCEPT), first
        assert first.difficulty == "easy"


def test_a_follow_up_is_gradable_before_it_is_a_flashcard(bank: Bank) -> None:
    # Backpropagation's only question has no choice item in this bank: a follow-up
    # must be something the player can get right (which brings the original back).
    assert _next(bank, topic="backpropagation", follow_up=True) == Pick(
        "concept", "backpropagation"
    )
    seen = {"concept:backpropagation"}
    again = _next(bank, topic="backpropagation", follow_up=True, seen=seen)
    assert again.question_id == "q-backprop"
    # A topic the player chose asks its questions first, flashcards included.
    assert _next(bank, topic="backpropagation").question_id == "q-backprop"


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
    assert _next(bank, due_keys=["computed:padding"]) == Pick("computed", "padding")
    # With a topic, only reviews on that topic jump the queue.
    on_topic = _next(bank, due_keys=["q-vgg", "q-resnet-2"], topic="resnet")
    assert on_topic.question_id == "q-resnet-2"


def test_a_topic_asks_its_questions_then_concept_and_computed_asks(bank: Bank) -> None:
    assert _next(bank, topic="resnet").question_id == "q-resnet-1"  # medium before hard
    seen = {"q-resnet-1", "q-resnet-2"}
    assert _next(bank, topic="resnet", seen=seen) == Pick("concept", "resnet")
    again = _next(bank, topic="resnet", seen=seen | {"concept:resnet"})
    assert again.kind == "question" and again.concept_id == "resnet"
    assert _next(bank, topic="stride") == Pick("computed", "stride")
    assert _next(bank, topic="stride", seen={"computed:stride"}) == Pick("concept", "stride")


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
    assert review_key(build_ask(bank, Pick("computed", "stride"), rng)) == "computed:stride"
    spec = build_ask(bank, Pick("computed", "pooling"), rng)
    assert review_key(AskSpec.from_json(spec.to_json())) == "computed:pooling"


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
    order: list[str | None] = []
    seen = {"q-gd-easy", "concept:gradient-descent", "concept:kernel"}
    seen |= {"concept:fully-connected", "computed:kernel"}
    for _ in range(4):
        pick = _next(richer, seen=seen)
        order.append(pick.question_id)
        seen.add(pick.question_id or "")
    assert order == ["q-gd-mc", "q-gd-hard", "q-gd-long", "q-gd-open"]


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
