"""Slip reading: a wrong number worked out the wrong way names its slip and drills that step."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

import pytest

from quizbot.asking.computed import make_computed_ask
from quizbot.asking.layers import CountAsk, CountLayer, FieldAsk, Params, SizeAsk, Stage
from quizbot.asking.prompts import params_of
from quizbot.asking.slips import SLIP_NAMES, Slip, diagnose
from quizbot.asking.spec import AskSpec
from quizbot.asking.working import spec_for
from quizbot.grading import grade
from quizbot.replies import AskKind
from tests.unit.engine.sweeps import CONCEPTS, LEVELS, asks, every_ask_passes
from tests.unit.engine.test_computed import read
from tests.unit.engine.test_computed_ontology import FOLLOW_UP_CONCEPTS

SEEDS = 40  # asks per concept and level in the sweeps below


def _slip(spec: AskSpec, typed: str) -> Slip:
    slip = diagnose(spec, typed)
    assert slip is not None, (spec.prompt, spec.answer_text, typed)
    return slip


def assert_good_follow_up(slip: Slip) -> None:
    """Easy, computed, on a known concept, and its own answer checks out with the working."""
    drill = slip.follow_up
    assert drill.kind is AskKind.COMPUTED and drill.difficulty == "easy"
    assert drill.concept_id in FOLLOW_UP_CONCEPTS
    answer = read(drill).answer
    assert drill.answer_text == answer and grade(drill, answer), drill.prompt
    for side in answer.split("x"):
        assert f"= {side}" in drill.explanation, drill.explanation
        assert int(side) < 200, "small numbers"
    assert slip.message.startswith("It looks like") and "\n" not in slip.message


# ---------------------------------------------------------------- each slip, by hand


def _size(h: int, w: int, *stages: Stage) -> AskSpec:
    return spec_for("output-size", SizeAsk(h, w, stages))


def _field(*stages: Stage) -> AskSpec:
    return spec_for("receptive-field", FieldAsk(stages))


def _count(c_in: int, k: int, c_out: int, *, bias: bool, size: int = 28) -> AskSpec:
    return spec_for("parameter-count", CountAsk(c_in, (CountLayer(k, k, c_out),), bias, size))


CASES: list[tuple[str, AskSpec, str, str]] = [
    # name, ask, a typed wrong answer, a word of the follow-up
    ("forgot-padding", _size(12, 12, Stage(3, pad=1)), "10", "padded by 1 pixel"),
    ("forgot-plus-one", _size(10, 10, Stage(3)), "7", "What is the output size"),
    ("misapplied-stride", _size(11, 11, Stage(3, stride=2)), "9", "2 pixels at a time"),
    ("misapplied-stride", _size(16, 16, Stage(5, stride=2, pad=0)), "8", "window slides"),
    ("padded-one-side", _size(10, 10, Stage(5, pad=2)), "8x8", "padded by 2 pixels"),
    ("ignored-dilation", _size(12, 12, Stage(3, dilation=2)), "10", "with dilation 2"),
    ("swapped-sides", _size(10, 14, Stage(3)), "12x8", "How many pixels wide"),
    ("forgot-bias", _count(3, 3, 16, bias=True), "432", "a bias per filter"),
    ("forgot-input-channels", _count(3, 3, 16, bias=True), "160", "reads an input with"),
    ("forgot-input-channels", _count(3, 3, 16, bias=False), "144", "reads an input with"),
    ("counted-positions", _count(3, 3, 8, bias=False), str(216 * 28 * 28), "on a "),
    ("added-kernels", _field(Stage(3), Stage(3)), "6", "stacked on top"),
    ("ignored-strides", _field(Stage(3, stride=2), Stage(3)), "5", "with stride 2"),
    ("ignored-dilation", _field(Stage(3), Stage(3, dilation=2)), "5", "with dilation 2"),
]


@pytest.mark.parametrize(("name", "spec", "typed", "drill_word"), CASES)
def test_each_slip_is_named_and_drilled(
    name: str, spec: AskSpec, typed: str, drill_word: str
) -> None:
    slip = _slip(spec, typed)
    assert slip.name == name
    assert drill_word in slip.follow_up.prompt
    assert_good_follow_up(slip)


def test_every_slip_has_a_case() -> None:
    assert {name for name, *_ in CASES} == set(SLIP_NAMES)


def test_the_issue_example_two_stacked_3x3_convolutions() -> None:
    spec = _field(Stage(3), Stage(3))
    assert spec.answer_text == "5" and grade(spec, "5")
    slip = _slip(spec, "6")
    assert slip.name == "added-kernels"
    assert "3 + 3 = 6" in slip.message
    assert slip.follow_up.concept_id == "receptive-field"
    assert_good_follow_up(slip)


def test_the_padding_message_shows_the_wrong_working() -> None:
    slip = _slip(_size(12, 12, Stage(3, pad=1)), "10")
    assert slip.message == (
        "It looks like you left out the padding: (in − k)/s + 1 gives 10, but padding 1 adds 2 "
        "to the input first."
    )
    assert slip.follow_up.prompt.endswith(
        "padded by 1 pixel on each side. How many pixels wide is the padded input?"
    )


@pytest.mark.parametrize("typed", ["10", "10x10", "10 x 10", "10×10", " 10 ", "10 pixels"])
def test_any_spelling_of_the_wrong_number_is_read(typed: str) -> None:
    assert _slip(_size(12, 12, Stage(3, pad=1)), typed).name == "forgot-padding"


def test_when_two_slips_give_the_same_number_the_earlier_one_is_named() -> None:
    spec = _size(10, 10, Stage(3, pad=1))  # right 10; no + 1 gives 9, one side padded gives 9
    assert _slip(spec, "9").name == "forgot-plus-one"
    assert SLIP_NAMES.index("forgot-plus-one") < SLIP_NAMES.index("padded-one-side")


def test_a_swapped_size_needs_both_sides() -> None:
    spec = _size(10, 14, Stage(3))
    assert diagnose(spec, "12") is None
    assert diagnose(spec, "8x12") is None  # right


# ---------------------------------------------------------------- nothing to read


@pytest.mark.parametrize(
    "typed", ["", "   ", "twelve", "ten by ten", "-3", "0", "99999", "1x2x3", "1" * 400, "1" * 600]
)
def test_no_slip_for_non_answers_or_unrelated_numbers(typed: str) -> None:
    for _name, spec, _typed, _word in CASES:
        assert diagnose(spec, typed) is None


def test_no_slip_for_other_kinds_of_ask() -> None:
    for level in LEVELS:
        separable = make_computed_ask(random.Random(0), "depthwise-separable-convolution", level)
        assert diagnose(separable, "1") is None
    drill = make_computed_ask(random.Random(0), "padding", "easy")
    assert diagnose(drill, str(int(drill.answer_text) - 1)) is None
    spec = _size(12, 12, Stage(3, pad=1))
    assert diagnose(replace(spec, kind=AskKind.CHOICE), "10") is None
    old_format = replace(spec, prompt=spec.prompt.replace("A convolution with", "A conv with"))
    assert diagnose(old_format, "10") is None


def test_the_same_answer_gives_the_same_slip_after_a_restart() -> None:
    spec = make_computed_ask(random.Random(3), "padding", "medium")
    stored = AskSpec.from_json(spec.to_json())
    wrong = _wrong_numbers(spec)
    assert wrong
    typed = wrong[0][1]
    assert diagnose(spec, typed) == diagnose(stored, typed) is not None


# ---------------------------------------------------------------- every generator, many seeds


def _sides(size: SizeAsk, side: Callable[[int, Stage], int | None]) -> str | None:
    h, w = size.height, size.width
    for stage in size.stages:
        nh, nw = side(h, stage), side(w, stage)
        if nh is None or nw is None or nh < 1 or nw < 1:
            return None
        h, w = nh, nw
    return f"{h}x{w}"


def _covered(stage: Stage) -> int:
    return max(range(0, stage.dilation * stage.kernel, stage.dilation)) + 1


def _floor_out(n: int, pad: int, covered: int, stride: int, plus: int = 1) -> int | None:
    room = n + pad - covered
    return None if room < 0 else room // stride + plus


def _size_wrongs(size: SizeAsk) -> list[tuple[str, str | None]]:
    right = read(spec_for("output-size", size)).answer
    h, w = (int(x) for x in right.split("x"))

    def halved(n: int, s: Stage) -> int | None:
        if s.stride == 1:
            return _floor_out(n, 2 * s.pad, _covered(s), 1)
        return n // s.stride if n % s.stride == 0 else None

    return [
        ("forgot-padding", _sides(size, lambda n, s: _floor_out(n, 0, _covered(s), s.stride))),
        (
            "forgot-plus-one",
            _sides(size, lambda n, s: _floor_out(n, 2 * s.pad, _covered(s), s.stride, 0)),
        ),
        ("misapplied-stride", _sides(size, lambda n, s: _floor_out(n, 2 * s.pad, _covered(s), 1))),
        ("misapplied-stride", _sides(size, halved)),
        (
            "padded-one-side",
            _sides(size, lambda n, s: _floor_out(n, s.pad, _covered(s), s.stride)),
        ),
        (
            "ignored-dilation",
            _sides(size, lambda n, s: _floor_out(n, 2 * s.pad, s.kernel, s.stride)),
        ),
        ("swapped-sides", f"{w}x{h}"),
    ]


def _count_wrongs(count: CountAsk) -> list[tuple[str, str | None]]:
    ins = [count.channels] + [layer.out for layer in count.layers]
    weights = sum(c.height * c.width * n * c.out for c, n in zip(count.layers, ins, strict=False))
    biases = sum(c.out for c in count.layers) if count.bias else 0
    blind = sum(c.height * c.width * c.out for c in count.layers)
    return [
        ("forgot-bias", str(weights)),
        ("forgot-input-channels", str(blind + biases)),
        ("forgot-input-channels", str(blind)),
        ("counted-positions", str((weights + biases) * count.size**2)),
    ]


def _field_of(stages: list[Stage]) -> int:
    seen = 1
    for stage in reversed(stages):
        seen = (seen - 1) * stage.stride + _covered(stage)
    return seen


def _field_wrongs(field: FieldAsk) -> list[tuple[str, str | None]]:
    stages = list(field.stages)
    return [
        ("added-kernels", str(sum(_covered(s) for s in stages))),
        ("ignored-strides", str(_field_of([replace(s, stride=1) for s in stages]))),
        ("ignored-dilation", str(_field_of([replace(s, dilation=1) for s in stages]))),
    ]


def _wrongs(params: Params) -> list[tuple[str, str | None]]:
    if isinstance(params, SizeAsk):
        return _size_wrongs(params)
    if isinstance(params, CountAsk):
        return _count_wrongs(params)
    return _field_wrongs(params)


def _wrong_numbers(spec: AskSpec) -> list[tuple[str, str]]:
    """Each slip's wrong number, in the order slips win ties, without right ones."""
    params = params_of(spec)
    if params is None:
        return []
    return [(name, typed) for name, typed in _wrongs(params) if typed and not grade(spec, typed)]


def _norm(typed: str) -> str:
    """A square size the way it may be typed once: "10x10" -> "10"."""
    sides = typed.split("x")
    return sides[0] if len(set(sides)) == 1 else typed


def test_each_wrong_working_names_its_slip() -> None:
    def check(_concept: str, _level: str, spec: AskSpec) -> None:
        first: dict[str, str] = {}  # a wrong number -> the slip that wins it
        for name, typed in _wrong_numbers(spec):
            first.setdefault(_norm(typed), name)
            slip = _slip(spec, typed)
            assert slip.name == first[_norm(typed)], (spec.prompt, typed)
            assert_good_follow_up(slip)

    every_ask_passes(check, count=SEEDS)


def test_right_answers_and_other_numbers_have_no_slip() -> None:
    rngs: dict[tuple[str, str], random.Random] = {}  # one stream per concept and level

    def check(concept: str, level: str, spec: AskSpec) -> None:
        rng = rngs.setdefault((concept, level), random.Random(f"{concept}{level}"))
        right = spec.answer_text
        assert diagnose(spec, right) is None
        assert diagnose(spec, spec.correct) is None
        slipped = {_norm(typed) for _, typed in _wrong_numbers(spec)}
        sides = [int(x) for x in right.split("x")]
        for _ in range(20):
            typed = "x".join(str(max(1, n + rng.randint(-n, 2 * n))) for n in sides)
            if _norm(typed) not in slipped and not grade(spec, typed):
                assert diagnose(spec, typed) is None, (spec.prompt, typed)

    every_ask_passes(check, count=SEEDS)


def test_every_slip_turns_up_in_generated_asks() -> None:
    seen: set[str] = set()
    for concept in CONCEPTS:
        for level in LEVELS:
            for spec in asks(concept, level, 20):
                for _, typed in _wrong_numbers(spec):
                    seen.add(_slip(spec, typed).name)
    assert seen == set(SLIP_NAMES)
