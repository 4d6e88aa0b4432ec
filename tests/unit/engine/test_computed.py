"""Computed asks: answers match an independent reading of the prompt; levels follow the steps."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

import pytest

from quizbot.asking.computed import COMPUTED_CONCEPTS, make_computed_ask
from quizbot.asking.layers import CountAsk, CountLayer, FieldAsk, SizeAsk, Stage
from quizbot.asking.prompts import params_of
from quizbot.asking.spec import AskSpec
from quizbot.asking.working import spec_for
from quizbot.errors import InvalidInput
from quizbot.grading import grade
from quizbot.replies import AskKind
from tests.unit.engine.sweeps import CONCEPTS, LEVELS, asks, every_ask_passes

# ---------------------------------------------------------------- an independent reading


@dataclass
class Read:
    """What a prompt asks, read with the test's own patterns, and the steps it takes."""

    answer: str
    steps: int | None  # None: not a layer question (a drill or a separable cost)
    layers: int = 1
    strides: list[int] = field(default_factory=list)
    pads: list[int] = field(default_factory=list)
    square: bool = True
    bias: bool = False


def ints(pattern: str, text: str) -> list[int]:
    match = re.search(pattern, text)
    assert match, f"prompt does not match {pattern!r}: {text}"
    return [int(g) for g in match.groups() if g is not None]


_CONV = (
    r"convolution with an? (\d+)x(\d+) kernel, (?:dilation (\d+)( \(spanning (\d+) pixels\))?, )?"
    r"stride (\d+) and padding (\d+)"
)
_POOL = r"(\d+)x(\d+) (?:max|average) pooling with stride (\d+) and (?:no padding|padding (\d+))"


@dataclass
class Window:
    kernel: int
    stride: int
    pad: int
    dilation: int = 1
    stated_span: int | None = None


def windows(text: str) -> list[Window]:
    out = []
    for m in re.finditer(f"{_CONV}|{_POOL}", text):
        g = m.groups()
        if g[0] is not None:
            k, k2, d, _shown, span, s, p = g[:7]
            assert k == k2, "square kernels"
            stated = None if span is None else int(span)
            out.append(Window(int(k), int(s), int(p), int(d or 1), stated))
        else:
            k, k2, s, p = g[7:]
            assert k == k2
            out.append(Window(int(k), int(s), int(p or 0)))
    return out


def _through(side: int, w: Window) -> int:
    covered = w.dilation * (w.kernel - 1) + 1
    if w.stated_span is not None:
        assert w.stated_span == covered, "the stated span is right"
    room = side + 2 * w.pad - covered
    assert room >= 0 and room % w.stride == 0, "geometry must divide exactly"
    return room // w.stride + 1


def _size(text: str) -> Read:
    h, w = ints(r" to an? (\d+)x(\d+) (?:input|feature map)", text)
    found = windows(text)
    assert found
    out_h, out_w = h, w
    for window in found:
        out_h, out_w = _through(out_h, window), _through(out_w, window)
    dilated = any(x.dilation > 1 and x.stated_span is None for x in found)
    strides, pads = [x.stride for x in found], [x.pad for x in found]
    steps = (max(pads) > 0) + (max(strides) > 1) + (len(found) - 1) + 2 * dilated + 2 * (h != w)
    return Read(f"{out_h}x{out_w}", steps, len(found), strides, pads, h == w)


def _count(text: str) -> Read:
    bias = "with a bias per output channel" in text
    one = re.search(r"maps (\d+) input channels? to (\d+) output channels? with (\d+)x(\d+)", text)
    if one:
        c_in, c_out, kh, kw = (int(g) for g in one.groups())
        layers = [(kh, kw, c_out)]
    else:
        (c_in,) = ints(r"input with (\d+) channels?:", text)
        layers = [tuple(map(int, g)) for g in re.findall(r"(\d+)x(\d+) kernels to (\d+)", text)]
    total, channels = 0, c_in
    for kh, kw, c_out in layers:
        total += kh * kw * channels * c_out + (c_out if bias else 0)
        channels = c_out
    rect = any(kh != kw for kh, kw, _ in layers)
    steps = bias + len(layers) - 1 + 2 * rect
    return Read(str(total), steps, len(layers), square=not rect, bias=bias)


def _field(text: str) -> Read:
    found = re.findall(
        r"(\d+)x\d+ stride (\d+)(?: dilation (\d+)( \(spanning \d+ pixels\))?)?", text
    )
    # Backwards: how many input pixels one unit sees, layer by layer.
    seen = 1
    for k, s, d, _shown in reversed(found):
        seen = (seen - 1) * int(s) + int(d or 1) * (int(k) - 1) + 1
    strides = [int(s) for _, s, _, _ in found]
    dilated = any(d and not shown for _, _, d, shown in found)
    steps = (max(strides) > 1) + len(found) - 1 + 2 * dilated
    return Read(str(seen), steps, len(found), strides)


def _separable(text: str) -> Read:
    k, _, c_in, c_out, h, w = ints(
        r"(\d+)x(\d+) convolution maps (\d+) to (\d+) .* a (\d+)x(\d+) output", text
    )
    depthwise, pointwise = k * k * c_in * h * w, c_in * c_out * h * w
    if "How many weights" in text:
        return Read(str(k * k * c_in + c_in * c_out), None)
    if "How many fewer" in text:
        return Read(str(k * k * c_in * c_out * h * w - depthwise - pointwise), None)
    return Read(str(depthwise + pointwise), None)


def _biased(filters: int, kh: int, kw: int, channels: int, stated: int) -> int:
    assert stated == filters * kh * kw * channels, "the stated weight count is right"
    return stated + filters


def _drill(text: str) -> Read | None:
    patterns = {
        r"^An? (\d+)x\d+ input is padded by (\d+) pixels? on each side": lambda n, p: n + 2 * p,
        r"^A (\d+)-pixel window slides along a row of (\d+) pixels, (\d+) pixels at a time": (
            lambda w, n, s: len(range(0, n - w + 1, s))
        ),
        r"^A feature map is (\d+)x(\d+) \(height x width\)\. A (\d+)x\d+ convolution with stride 1 "
        r"and padding 0 .* How many pixels wide": lambda h, w, k: w - k + 1,
        r"^Each unit of a (\d+)x\d+ convolution with stride (\d+) .* A (\d+)x\d+ convolution "
        r"stacked on top": lambda k1, s, k2: (k2 - 1) * s + k1,
        r"^A (\d+)x\d+ kernel with dilation (\d+) reads": lambda k, d: max(range(0, d * k, d)) + 1,
        r"^One (\d+)x\d+ filter of a convolution layer reads an input with (\d+) channels?\.": (
            lambda k, c: k * k * c
        ),
        r"^A convolution layer has (\d+) filters of (\d+)x(\d+)x(\d+) weights \((\d+) weights": (
            _biased
        ),
    }
    for pattern, solve in patterns.items():
        match = re.search(pattern, text)
        if match:
            return Read(str(solve(*map(int, match.groups()))), None)
    return None


def read(spec: AskSpec) -> Read:
    """The answer (and steps) a prompt asks for, worked out independently of the generators."""
    text = spec.prompt
    if text.endswith("What is the output size (height x width)?"):
        return _size(text)
    if "learnable parameters" in text and not text.startswith("A convolution layer has"):
        return _count(text)
    if "receptive field" in text:
        return _field(text)
    if "depthwise separable" in text:
        return _separable(text)
    drill = _drill(text)
    assert drill is not None, f"unrecognised prompt: {text}"
    return drill


# ---------------------------------------------------------------- answers


def test_every_generator_is_right_against_an_independent_reading() -> None:
    def check(concept: str, _level: str, spec: AskSpec) -> None:
        assert spec.kind is AskKind.COMPUTED and spec.concept_id == concept
        answer = read(spec).answer
        assert spec.answer_text == answer, spec.prompt
        assert grade(spec, answer)
        if "x" in answer:
            h, w = answer.split("x")
            assert not grade(spec, f"{int(h) + 1}x{w}")
        else:
            assert not grade(spec, str(int(answer) + 1))

    every_ask_passes(check)


def test_the_explanation_works_the_answer_out() -> None:
    def check(_concept: str, _level: str, spec: AskSpec) -> None:
        for side in spec.answer_text.split("x"):  # both sides of a rectangular size
            assert f"= {side}" in spec.explanation, (spec.prompt, spec.explanation)

    every_ask_passes(check, count=20)


# ---------------------------------------------------------------- difficulty by steps


def test_the_level_is_the_one_asked_for_and_follows_the_steps() -> None:
    def check(_concept: str, level: str, spec: AskSpec) -> None:
        assert spec.difficulty == level
        steps = read(spec).steps
        if steps is not None:  # a layer question: 0 steps easy, 1 medium, 2 or more hard
            assert LEVELS[min(steps, 2)] == level, spec.prompt

    every_ask_passes(check)


def test_easy_layer_questions_are_one_plain_layer() -> None:
    def check(_concept: str, _level: str, spec: AskSpec) -> None:
        asked = read(spec)
        if asked.steps is None:
            return  # a drill: one step with the rest given
        assert asked.layers == 1 and asked.square and not asked.bias, spec.prompt
        assert set(asked.strides) <= {1} and set(asked.pads) <= {0}, spec.prompt

    every_ask_passes(check, levels=["easy"])


PLAIN_POOL = r"A 2x2 \w+ pooling with stride 2 and no padding .* to an? (\d+)x\1 "


def test_two_by_two_stride_two_pooling_is_medium_wherever_it_is_asked() -> None:
    plain = SizeAsk(16, 16, (Stage(2, stride=2, op="max pooling"),))
    assert spec_for("pooling", plain).difficulty == "medium"
    assert spec_for("max-pooling", plain).answer_text == "8x8"
    found = 0
    for concept in ("pooling", "max-pooling", "average-pooling"):
        for level in LEVELS:
            for spec in asks(concept, level):
                if re.match(
                    r"A 2x2 \w+ pooling with stride 2 and no padding .* to a (\d+)x\1 ", spec.prompt
                ):
                    found += 1
                    assert spec.difficulty == "medium", spec.prompt
    assert found > 10


@pytest.mark.parametrize("level", ("medium", "hard"))
def test_stride_and_padding_questions_take_their_step(level: str) -> None:
    for spec in asks("stride", level):
        assert max(read(spec).strides) >= 2, spec.prompt
    for concept in ("padding", "padding-modes"):
        for spec in asks(concept, level):
            assert max(read(spec).pads) >= 1, spec.prompt


def test_easy_stride_padding_field_and_dilation_asks_drill_one_step() -> None:
    starts = {
        "stride": "A ",
        "padding": "A",
        "receptive-field": "Each unit of a ",
        "dilated-convolution": "A ",
    }
    words = {
        "stride": "window slides",
        "padding": "is padded by",
        "receptive-field": "stacked on top",
        "dilated-convolution": "with dilation",
    }
    for concept, start in starts.items():
        for spec in asks(concept, "easy", 30):
            assert spec.prompt.startswith(start) and words[concept] in spec.prompt, spec.prompt
            assert read(spec).steps is None


def test_dilated_convolution_has_every_level() -> None:
    for spec in asks("dilated-convolution", "medium"):
        assert "dilation" in spec.prompt and "(spanning" in spec.prompt, spec.prompt
    for spec in asks("dilated-convolution", "hard"):
        assert "dilation" in spec.prompt, spec.prompt
    hard_sizes = [s for s in asks("output-size", "hard", 400) if "dilation" in s.prompt]
    assert hard_sizes and all("(spanning" not in s.prompt for s in hard_sizes)


def test_every_shape_turns_up() -> None:
    swept = [s for c in CONCEPTS for level in LEVELS for s in asks(c, level, 60)]
    reads = [(a.prompt, read(a)) for a in swept]
    assert any(r.layers == 3 and "These layers are applied" in p for p, r in reads)
    assert any(r.layers >= 2 and "These convolution layers are stacked" in p for p, r in reads)
    assert any(re.search(r"(1x[357]|[357]x1) kernels", p) for p, _ in reads)
    assert any("receptive field" in p and max(r.strides) > 1 for p, r in reads)
    assert any(not r.square and "output size" in p for p, r in reads)
    for needle in ("dilation", "(spanning", "average pooling", "max pooling", "no bias"):
        assert any(needle in p for p, _ in reads), needle


# ---------------------------------------------------------------- reading a prompt back


def test_params_of_reads_every_generated_prompt_back() -> None:
    def check(concept: str, _level: str, spec: AskSpec) -> None:
        params = params_of(AskSpec.from_json(spec.to_json()))
        if read(spec).steps is None:
            assert params is None  # drills and separable costs have no slips to read
            return
        assert params is not None, spec.prompt
        assert spec_for(concept, params) == spec

    every_ask_passes(check)


def test_params_of_ignores_what_it_did_not_write() -> None:
    spec = spec_for("output-size", SizeAsk(10, 10, (Stage(3),)))
    assert params_of(spec) == SizeAsk(10, 10, (Stage(3),))
    assert params_of(replace(spec, prompt=spec.prompt.replace("10x10", "10x10 RGB"))) is None
    assert params_of(replace(spec, kind=AskKind.OPEN)) is None
    old = replace(spec, prompt="What is 3 + 4?")
    assert params_of(old) is None


def test_spec_for_builds_each_family() -> None:
    count = spec_for("parameter-count", CountAsk(3, (CountLayer(3, 3, 16),), True, 32))
    assert count.answer_text == "448" and count.difficulty == "medium"
    assert "432" in count.explanation and "= 448" in count.explanation
    stacked = spec_for("receptive-field", FieldAsk((Stage(3), Stage(3))))
    assert stacked.answer_text == "5" and stacked.difficulty == "medium"
    rect = spec_for("kernel", CountAsk(64, (CountLayer(1, 7, 64),), False, 28))
    assert rect.answer_text == str(7 * 64 * 64) and rect.difficulty == "hard"


# ---------------------------------------------------------------- spellings and errors


def test_square_sizes_accept_every_spelling() -> None:
    spec = make_computed_ask(random.Random(7), "convolution", "easy")
    n = spec.answer_text.split("x")[0]
    for spelling in (n, f" {n} ", f"{n}x{n}", f"{n} x {n}", f"{n}×{n}", f"{n}X{n}", f"{n} by {n}"):
        assert grade(spec, spelling), spelling
    assert not grade(spec, f"{n}x{int(n) + 1}")


def test_rectangular_sizes_need_both_sides_in_order() -> None:
    spec = spec_for("output-size", SizeAsk(10, 14, (Stage(3),)))
    assert spec.answer_text == "8x12" and spec.difficulty == "hard"
    assert grade(spec, "8 x 12")
    assert not grade(spec, "12x8")
    assert not grade(spec, "8")


def test_large_counts_accept_thousands_separators() -> None:
    spec = make_computed_ask(random.Random(1), "parameter-sharing", "hard")
    value = int(spec.answer_text)
    assert value > 1000 and grade(spec, f"{value:,}")


def test_non_numeric_answers_get_a_friendly_error() -> None:
    spec = make_computed_ask(random.Random(1), "pooling", "easy")
    with pytest.raises(InvalidInput) as err:
        grade(spec, "twelve")
    assert "whole number" in err.value.message


def test_any_concept_and_difficulty_when_not_given() -> None:
    anything = [make_computed_ask(random.Random(s)) for s in range(400)]
    assert {a.concept_id for a in anything} == COMPUTED_CONCEPTS
    assert {a.difficulty for a in anything} == set(LEVELS)
    with pytest.raises(ValueError):
        make_computed_ask(random.Random(0), "resnet")
    with pytest.raises(ValueError):
        make_computed_ask(random.Random(0), "stride", "expert")


def test_a_unit_after_the_number_is_accepted() -> None:
    spec = make_computed_ask(random.Random(1), "parameter-sharing", "hard")
    assert grade(spec, f"{spec.answer_text} parameters")
    assert not grade(spec, "1 parameters")
    size = make_computed_ask(random.Random(1), "pooling", "hard")
    assert grade(size, f"{size.answer_text} pixels")
