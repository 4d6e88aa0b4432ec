"""Computed asks: every generator's answer matches an independent formula; spellings accepted."""

from __future__ import annotations

import random
import re

import pytest

from quizbot.asking.computed import COMPUTED_CONCEPTS, make_computed_ask
from quizbot.asking.spec import AskSpec
from quizbot.errors import InvalidInput
from quizbot.grading import grade

SEEDS = range(150)
LEVELS = ("easy", "medium", "hard")


def _ints(pattern: str, text: str) -> list[int]:
    match = re.search(pattern, text)
    assert match, f"prompt does not match {pattern!r}: {text}"
    return [int(g) for g in match.groups()]


def _conv_out(size: int, k: int, s: int, p: int) -> int:
    span = size + 2 * p - k
    assert span >= 0 and span % s == 0, "geometry must divide exactly"
    return span // s + 1


def expected(spec: AskSpec) -> str:
    text = spec.prompt
    if text.startswith("A convolution with"):
        k, _, s, p, h, w = _ints(
            r"(\d+)x(\d+) kernel, stride (\d+) and padding (\d+) .* a (\d+)x(\d+) input", text
        )
        return f"{_conv_out(h, k, s, p)}x{_conv_out(w, k, s, p)}"
    if "max pooling" in text:
        f, _, s, h, w = _ints(r"(\d+)x(\d+) max pooling with stride (\d+) .* a (\d+)x(\d+)", text)
        return f"{_conv_out(h, f, s, 0)}x{_conv_out(w, f, s, 0)}"
    if text.startswith("A convolution layer maps"):
        c_in, c_out, k, _ = _ints(r"(\d+) input channels? to (\d+) output .* (\d+)x(\d+) k", text)
        bias = c_out if "with a bias" in text else 0
        return str(c_in * c_out * k * k + bias)
    if "receptive field" in text:
        layers = re.findall(r"(\d+)x\d+ stride (\d+)", text)
        # Backwards: how many input pixels does one unit see, layer by layer.
        size = 1
        for k, s in reversed([(int(k), int(s)) for k, s in layers]):
            size = (size - 1) * int(s) + int(k)
        return str(size)
    if "depthwise separable" in text:
        k, _, c_in, c_out, h, w = _ints(
            r"(\d+)x(\d+) convolution maps (\d+) to (\d+) .* a (\d+)x(\d+) output", text
        )
        depthwise = k * k * c_in * h * w
        pointwise = c_in * c_out * h * w
        if "How many weights" in text:
            return str(k * k * c_in + c_in * c_out)
        if "How many fewer" in text:
            return str(k * k * c_in * c_out * h * w - depthwise - pointwise)
        return str(depthwise + pointwise)
    raise AssertionError(f"unrecognised prompt: {text}")


@pytest.mark.parametrize("concept", sorted(COMPUTED_CONCEPTS))
def test_every_generator_is_right_against_an_independent_formula(concept: str) -> None:
    for seed in SEEDS:
        spec = make_computed_ask(random.Random(seed), concept, LEVELS[seed % 3])
        assert spec.concept_id == concept
        answer = expected(spec)
        assert spec.answer_text == answer
        assert grade(spec, answer)
        if "x" in answer:
            h, w = answer.split("x")
            assert not grade(spec, f"{int(h) + 1}x{w}")
        else:
            assert not grade(spec, str(int(answer) + 1))


def test_stride_and_padding_questions_exercise_their_concept() -> None:
    for seed in SEEDS:
        stride = make_computed_ask(random.Random(seed), "stride", LEVELS[seed % 3])
        padding = make_computed_ask(random.Random(seed), "padding", LEVELS[seed % 3])
        assert _ints(r"stride (\d+)", stride.prompt)[0] >= 2
        assert _ints(r"padding (\d+)", padding.prompt)[0] >= 1


def test_square_sizes_accept_every_spelling() -> None:
    spec = make_computed_ask(random.Random(7), "convolution", "easy")
    n = spec.answer_text.split("x")[0]
    for spelling in (n, f" {n} ", f"{n}x{n}", f"{n} x {n}", f"{n}×{n}", f"{n}X{n}", f"{n} by {n}"):
        assert grade(spec, spelling), spelling
    assert not grade(spec, f"{n}x{int(n) + 1}")


def test_rectangular_sizes_need_both_sides_in_order() -> None:
    spec = make_computed_ask(random.Random(5), "convolution", "hard")
    h, w = spec.answer_text.split("x")
    assert h != w
    assert grade(spec, f"{h} x {w}")
    assert not grade(spec, f"{w}x{h}")
    assert not grade(spec, h)


def test_large_counts_accept_thousands_separators() -> None:
    spec = make_computed_ask(random.Random(1), "parameter-sharing", "hard")
    value = int(spec.answer_text)
    assert grade(spec, f"{value:,}")


def test_non_numeric_answers_get_a_friendly_error() -> None:
    spec = make_computed_ask(random.Random(1), "pooling", "easy")
    with pytest.raises(InvalidInput) as err:
        grade(spec, "twelve")
    assert "whole number" in err.value.message


def test_any_concept_and_difficulty_when_not_given() -> None:
    concepts = {make_computed_ask(random.Random(s)).concept_id for s in range(200)}
    assert concepts == COMPUTED_CONCEPTS
    with pytest.raises(ValueError):
        make_computed_ask(random.Random(0), "resnet")


@pytest.mark.parametrize("concept", sorted(COMPUTED_CONCEPTS))
def test_the_explanation_works_the_answer_out(concept: str) -> None:
    for level in ("easy", "medium", "hard"):
        for seed in range(15):
            spec = make_computed_ask(random.Random(seed), concept, level)
            for side in spec.answer_text.split("x"):  # both sides of a rectangular size
                assert f"= {side}" in spec.explanation, (spec.prompt, spec.explanation)


def test_a_unit_after_the_number_is_accepted() -> None:
    spec = make_computed_ask(random.Random(1), "parameter-sharing", "hard")
    assert grade(spec, f"{spec.answer_text} parameters")
    assert not grade(spec, "1 parameters")
    size = make_computed_ask(random.Random(1), "pooling", "hard")
    assert grade(size, f"{size.answer_text} pixels")
