"""Multiple choice and concept-naming asks: authored items, confusable names, per-ask order."""

from __future__ import annotations

import random
from dataclasses import replace

from knowledge.bank import Bank
from knowledge.model import Variant
from quizbot.asking.choice import make_choice_ask
from quizbot.asking.concept import TYPE_THE_NAME, make_concept_ask
from quizbot.asking.open import make_open_ask
from quizbot.asking.spec import AskSpec
from quizbot.grading import grade
from quizbot.replies import AskKind
from tests.unit.engine.conftest import CONCEPTS, QUESTIONS


def test_a_choice_ask_offers_the_authored_item_and_nothing_else(bank: Bank) -> None:
    for question in bank.questions:
        spec = make_choice_ask(bank, question)
        if question.choice is None:
            assert spec is None
            continue
        assert spec is not None and spec.kind is AskKind.CHOICE
        assert [c.text for c in spec.choices] == list(question.choice.options)
        assert spec.answer_text == question.choice.correct
        assert [spec.why_wrong(c.id) for c in spec.choices] == [
            None,
            *(d.why for d in question.choice.distractors),
        ]


def test_options_are_shuffled_per_ask_and_the_key_follows(bank: Bank) -> None:
    question = bank.question("q-resnet-1")
    assert question is not None and question.choice is not None
    spec = make_choice_ask(bank, question)
    assert spec is not None
    positions = set()
    for n in range(60):
        asked = spec.shuffled(f"ask-{n}")
        assert [c.id for c in asked.choices] == ["a", "b", "c", "d"]
        right = next(c for c in asked.choices if c.id == asked.correct)
        assert right.text == question.choice.correct
        assert grade(asked, asked.correct.upper())
        for wrong in (c for c in asked.choices if c.id != asked.correct):
            assert not grade(asked, wrong.id)
            assert asked.why_wrong(wrong.id) == next(
                d.why for d in question.choice.distractors if d.text == wrong.text
            )
        positions.add(asked.correct)
    assert positions == {"a", "b", "c", "d"}


def test_the_order_is_fixed_by_the_ask_so_a_stored_ask_maps_after_a_restart(bank: Bank) -> None:
    question = bank.question("q-vgg")
    assert question is not None
    spec = make_choice_ask(bank, question)
    assert spec is not None
    first = spec.shuffled("ask-7")
    assert spec.shuffled("ask-7") == first
    assert AskSpec.from_json(first.to_json()) == first


def test_choice_ask_carries_question_id_source_and_explanation(bank: Bank) -> None:
    question = bank.question("q-vgg")
    assert question is not None
    spec = make_choice_ask(bank, question)
    assert spec is not None
    assert spec.question_id == "q-vgg"
    # A reviewed answer is ours; the source names where the question was asked.
    assert spec.source == "cnnquiz reviewed answer · asked in interview-book, Q-VGG"
    assert spec.difficulty == "easy"
    assert spec.explanation and "\n" not in spec.explanation


def test_a_question_without_an_authored_item_is_asked_open(bank: Bank) -> None:
    open_question = bank.question("q-gd-open")
    assert open_question is not None
    assert make_choice_ask(bank, open_question) is None
    spec = make_open_ask(bank, open_question)
    assert spec.kind is AskKind.OPEN
    assert spec.key_points == open_question.key_points


def test_concept_distractors_are_its_confusable_neighbours(bank: Bank) -> None:
    seen: set[str] = set()
    for seed in range(20):
        spec = make_concept_ask(bank, "vgg", random.Random(seed)).shuffled(f"ask-{seed}")
        assert spec.kind is AskKind.CONCEPT
        assert "vgg" not in spec.prompt.lower()
        right = next(c for c in spec.choices if c.id == spec.correct)
        assert right.text == "VGG"
        others = {c.text for c in spec.choices if c.id != spec.correct}
        assert others == {"ResNet", "MobileNet", "Inception"}
        seen.add(spec.correct)
        assert grade(spec, spec.correct)
        assert grade(spec, "vgg")
    assert len(seen) > 1


def test_confusables_count_both_ways(bank: Bank) -> None:
    # Only VGG declares them; ResNet still gets VGG as a neighbour.
    assert "vgg" in bank.confusables("resnet")
    assert set(bank.confusables("vgg")) == {"resnet", "mobilenet", "inception"}


def test_a_concept_without_three_confusables_is_typed_not_padded(bank: Bank) -> None:
    spec = make_concept_ask(bank, "skip-connection", random.Random(0))
    assert spec.choices == ()  # unrelated names would give the answer away
    assert spec.hint == TYPE_THE_NAME
    assert "skip connection" not in spec.prompt.lower()
    assert grade(spec, "Residual connection")
    assert grade(spec, "skip conection")  # a typo
    assert grade(spec, "  SKIP-CONNECTION ")
    assert not grade(spec, "dropout")


def _merged(answer: str, gist: str) -> Bank:
    """VGG's question merged from two books, unreviewed; the second one's answer was kept."""
    bank_fixture = Bank.from_parts(CONCEPTS, QUESTIONS)
    vgg = bank_fixture.question("q-vgg")
    assert vgg is not None
    variants = (Variant("book-a", "Q1", "What is VGG?"), Variant("book-b", "Q7", "Explain VGG."))
    merged = replace(
        vgg, answer=answer, gist=gist, variants=variants, answer_variant=1, reviewed=False
    )
    questions = [merged if q.id == "q-vgg" else q for q in bank_fixture.questions]
    titles = {"book-a": "Book A (Markdown)", "book-b": "Book B, long answers"}
    return Bank.from_parts(bank_fixture.concepts.values(), questions, sources=titles)


def test_an_unreviewed_answer_names_the_source_it_comes_from() -> None:
    bank = _merged("Stacks of small 3x3 convolutions. Depth does the rest.", "Stacks of 3x3")
    question = bank.question("q-vgg")
    assert question is not None
    assert make_open_ask(bank, question).source == "Book B, long answers, Q7"


def test_a_choice_explanation_adds_to_the_right_option(bank: Bank) -> None:
    question = bank.question("q-vgg")
    assert question is not None and question.choice is not None
    spec = make_choice_ask(bank, question)
    assert spec is not None
    # The fixture's gist is the right option itself, so the definition explains instead.
    assert spec.explanation == "VGG: The idea of VGG, explained."
    richer = replace(question, gist="Depth from many small kernels beats a few large ones.")
    spec = make_choice_ask(bank, richer)
    assert spec is not None and spec.explanation == richer.gist


def test_every_generated_ask_names_where_its_answer_comes_from(bank: Bank) -> None:
    from quizbot.asking.computed import make_computed_ask

    assert make_concept_ask(bank, "dropout", random.Random(0)).source == "cnnquiz concept map"
    assert make_computed_ask(random.Random(0), "stride").source == "generated by cnnquiz"


def test_button_questions_carry_no_typing_instructions(bank: Bank) -> None:
    # Chat platforms answer these with buttons; "type a letter" is the terminal's to say.
    question = bank.question("q-resnet-1")
    assert question is not None
    choice = make_choice_ask(bank, question)
    naming = make_concept_ask(bank, "vgg", random.Random(1))
    assert choice is not None
    for spec in (choice, naming):
        assert spec.hint is None
