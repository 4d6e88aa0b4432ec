"""Multiple choice and concept-naming asks: fair distractors, shuffled options, tracked answer."""

from __future__ import annotations

import random

from knowledge.bank import Bank
from quizbot.asking.choice import make_choice_ask
from quizbot.asking.concept import make_concept_ask
from quizbot.asking.open import make_open_ask
from quizbot.grading import grade
from quizbot.replies import AskKind
from tests.unit.engine.conftest import CONCEPTS, QUESTIONS


def test_distractors_come_from_other_concepts_of_the_same_kind(bank: Bank) -> None:
    by_gist = {q.gist: q for q in bank.questions if q.gist}
    for question in bank.questions:
        for seed in range(30):
            spec = make_choice_ask(bank, question, random.Random(seed))
            if spec is None:
                continue
            assert spec.kind is AskKind.CHOICE
            assert [c.id for c in spec.choices] == ["a", "b", "c", "d"]
            kind = bank.concept(question.primary_concept).kind
            distractors = [c.text for c in spec.choices if c.id != spec.correct]
            assert len(set(distractors)) == 3
            for text in distractors:
                source = by_gist[text]
                assert source.id != question.id
                assert source.primary_concept != question.primary_concept
                assert question.primary_concept not in source.concepts
                assert bank.concept(source.primary_concept).kind == kind


def test_the_correct_option_is_the_gist_wherever_the_shuffle_puts_it(bank: Bank) -> None:
    question = bank.question("q-resnet-1")
    assert question is not None
    positions = set()
    for seed in range(60):
        spec = make_choice_ask(bank, question, random.Random(seed))
        assert spec is not None
        right = next(c for c in spec.choices if c.id == spec.correct)
        assert right.text == question.gist
        assert grade(spec, spec.correct.upper())
        wrong = next(c for c in spec.choices if c.id != spec.correct)
        assert not grade(spec, wrong.id)
        positions.add(spec.correct)
    assert positions == {"a", "b", "c", "d"}


def test_choice_ask_carries_question_id_source_and_explanation(bank: Bank) -> None:
    question = bank.question("q-vgg")
    assert question is not None
    spec = make_choice_ask(bank, question, random.Random(3))
    assert spec is not None
    assert spec.question_id == "q-vgg"
    assert spec.source == "interview-book, Q-VGG"  # no title known: the source id
    assert spec.answer_text == question.gist
    assert spec.difficulty == "easy"
    assert spec.explanation and "\n" not in spec.explanation


def test_no_choice_ask_without_gist_or_without_enough_distractors(bank: Bank) -> None:
    no_answer = bank.question("q-gd-open")
    assert no_answer is not None
    assert make_choice_ask(bank, no_answer, random.Random(0)) is None
    # Only two other "training" questions qualify (q-vanish mentions backpropagation).
    lonely = bank.question("q-backprop")
    assert lonely is not None
    assert make_choice_ask(bank, lonely, random.Random(0)) is None


def test_concept_ask_hides_the_name_and_accepts_typed_names(bank: Bank) -> None:
    for seed in range(20):
        spec = make_concept_ask(bank, "skip-connection", random.Random(seed))
        assert spec.kind is AskKind.CONCEPT
        assert "skip connection" not in spec.prompt.lower()
        right = next(c for c in spec.choices if c.id == spec.correct)
        assert right.text == "skip connection"
        assert len({c.text for c in spec.choices}) == 4
        others = [c.text for c in spec.choices if c.id != spec.correct]
        # Both other techniques are used before another kind fills the fourth slot.
        assert {"batch normalization", "dropout"} <= set(others)
        assert grade(spec, spec.correct)
        assert grade(spec, "Residual connection")
        assert grade(spec, "skip conection")  # a typo
        assert grade(spec, "  SKIP-CONNECTION ")
        assert not grade(spec, others[0])


def test_concept_ask_prefers_same_kind_distractors(bank: Bank) -> None:
    architectures = {c.name for c in bank.concepts.values() if c.kind == "architecture"}
    for seed in range(20):
        spec = make_concept_ask(bank, "resnet", random.Random(seed))
        assert {c.text for c in spec.choices} <= architectures


def _merged(answer: str, gist: str) -> Bank:
    """VGG's question merged from two books; the second one's answer was kept."""
    from dataclasses import replace

    from knowledge.model import Variant

    bank_fixture = Bank.from_parts(CONCEPTS, QUESTIONS)
    vgg = bank_fixture.question("q-vgg")
    assert vgg is not None
    variants = (Variant("book-a", "Q1", "What is VGG?"), Variant("book-b", "Q7", "Explain VGG."))
    merged = replace(vgg, answer=answer, gist=gist, variants=variants, answer_variant=1)
    questions = [merged if q.id == "q-vgg" else q for q in bank_fixture.questions]
    titles = {"book-a": "Book A (Markdown)", "book-b": "Book B, long answers"}
    return Bank.from_parts(bank_fixture.concepts.values(), questions, sources=titles)


def test_the_source_is_the_title_and_ref_of_the_answer_shown() -> None:
    bank = _merged("Stacks of small 3x3 convolutions. Depth does the rest.", "Stacks of 3x3")
    question = bank.question("q-vgg")
    assert question is not None
    spec = make_choice_ask(bank, question, random.Random(0))
    assert spec is not None and spec.source == "Book B, long answers, Q7"
    flashcard = make_open_ask(bank, question)
    assert flashcard.source == "Book B, long answers, Q7"


def test_a_choice_explanation_adds_to_the_right_option() -> None:
    gist = "Stacks of small 3x3 convolutions."
    two = _merged(f"{gist} Depth then does the rest.", gist)
    question = two.question("q-vgg")
    assert question is not None
    spec = make_choice_ask(two, question, random.Random(0))
    assert spec is not None and spec.explanation == "Depth then does the rest."
    # An answer that is only the gist: the concept's definition explains instead.
    one = _merged("Stacks of small 3x3 convolutions.", "Stacks of small 3x3 convolutions.")
    question = one.question("q-vgg")
    assert question is not None
    spec = make_choice_ask(one, question, random.Random(0))
    assert spec is not None
    assert spec.explanation == "VGG: The idea of VGG, explained."
    assert spec.explanation != spec.answer_text


def test_every_generated_ask_names_where_its_answer_comes_from(bank: Bank) -> None:
    from quizbot.asking.computed import make_computed_ask

    assert make_concept_ask(bank, "dropout", random.Random(0)).source == "cnnquiz concept map"
    assert make_computed_ask(random.Random(0), "stride").source == "generated by cnnquiz"


def test_button_questions_carry_no_typing_instructions(bank: Bank) -> None:
    # Chat platforms answer these with buttons; "type a letter" is the terminal's to say.
    question = bank.question("q-resnet-1")
    assert question is not None
    choice = make_choice_ask(bank, question, random.Random(1))
    naming = make_concept_ask(bank, "skip-connection", random.Random(1))
    assert choice is not None
    for spec in (choice, naming):
        assert not spec.hint or "type" not in spec.hint.lower()
        assert not spec.hint or "letter" not in spec.hint.lower()
