"""Slip reading: which common mistake a wrong typed number comes from, and a drill on that step."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from quizbot.asking.computed import (
    CountAsk,
    CountLayer,
    FieldAsk,
    SizeAsk,
    Stage,
    counted,
    dilated_span_ask,
    drill,
    field_growth_ask,
    output_size,
    padded_width_ask,
    parameter_count,
    params_of,
    receptive_field,
    spec_for,
    weights_of,
    window_count_ask,
)
from quizbot.asking.spec import AskSpec
from quizbot.grading import parse_size

LONGEST = 60  # characters: longer text is no slip (and too long a number to parse)
P = TypeVar("P", SizeAsk, CountAsk, FieldAsk)
Size = tuple[int, ...]  # a count (one number) or a height x width


@dataclass(frozen=True, slots=True)
class Slip:
    """A recognised mistake: a short id, one friendly line for the verdict, and a drill.

    `follow_up` is an easy COMPUTED ask on exactly the step that went wrong, whose
    explanation shows the working.
    """

    name: str
    message: str
    follow_up: AskSpec


@dataclass(frozen=True, slots=True)
class _Rule(Generic[P]):
    name: str
    wrong: Callable[[P], Sequence[Size | None]]  # the numbers the mistake gives
    message: Callable[[P, str], str]  # params, the wrong number as text
    drill: Callable[[P, random.Random], AskSpec]


def _same(given: Size, expected: Size) -> bool:
    """Grading's rule: equal, or one square size written once ("10") and once ("10x10")."""
    if given == expected:
        return True
    return len(set(given)) == 1 and len(set(expected)) == 1 and given[0] == expected[0]


def _text(size: Size) -> str:
    return str(size[0]) if len(set(size)) == 1 else "x".join(map(str, size))


# ---------------------------------------------------------------- drills only follow-ups need


def _one_side_ask(concept: str, height: int, width: int, kernel: int) -> AskSpec:
    answer = width - kernel + 1
    prompt = (
        f"A feature map is {height}x{width} (height x width). A {kernel}x{kernel} convolution "
        "with stride 1 and padding 0 is applied to it. How many pixels wide is the output?"
    )
    why = f"the width is the second number, {width}: {width} − {kernel} + 1 = {answer}"
    return drill(concept, prompt, answer, why)


def _filter_weights_ask(concept: str, kernel: int, channels: int) -> AskSpec:
    answer = kernel * kernel * channels
    prompt = (
        f"One {kernel}x{kernel} filter of a convolution layer reads an input with "
        f"{counted(channels, 'channel')}. How many weights does that one filter have?"
    )
    why = f"a filter spans every input channel: {kernel}·{kernel}·{channels} = {answer}"
    return drill(concept, prompt, answer, why)


def _bias_total_ask(concept: str, kernel: int, channels: int, filters: int) -> AskSpec:
    weights = kernel * kernel * channels * filters
    prompt = (
        f"A convolution layer has {filters} filters of {kernel}x{kernel}x{channels} weights "
        f"({weights} weights in all) and a bias per filter. "
        "How many learnable parameters does it have in total?"
    )
    why = f"one bias per filter: {weights} + {filters} = {weights + filters}"
    return drill(concept, prompt, weights + filters, why)


# ---------------------------------------------------------------- output sizes

Side = Callable[[int, Stage], int | None]


def _side(side: int, padding: int, span: int, stride: int, plus: int = 1) -> int | None:
    room = side + padding - span
    return None if room < 0 else room // stride + plus


def _halved(side: int, stage: Stage) -> int | None:
    """A strided layer's input divided by its stride; other layers worked out right."""
    if stage.stride == 1:
        return _side(side, 2 * stage.pad, stage.span, 1)
    return side // stage.stride if side % stage.stride == 0 else None


def _chain(ask: SizeAsk, side: Side) -> Size | None:
    """The output size when every layer is worked out with `side` instead of the formula."""
    sides = (ask.height, ask.width)
    for stage in ask.stages:
        height, width = side(sides[0], stage), side(sides[1], stage)
        if height is None or width is None or height < 1 or width < 1:
            return None
        sides = (height, width)
    return sides


def _first(stages: tuple[Stage, ...], has: Callable[[Stage], bool]) -> Stage:
    return next((s for s in stages if has(s)), stages[0])


def _padded(ask: SizeAsk) -> Stage:
    return _first(ask.stages, lambda s: s.pad > 0)


def _strided(ask: SizeAsk) -> Stage:
    return _first(ask.stages, lambda s: s.stride > 1)


def _dilated(stages: tuple[Stage, ...]) -> Stage:
    return _first(stages, lambda s: s.dilation > 1)


def _padding_drill(ask: SizeAsk, rng: random.Random) -> AskSpec:
    return padded_width_ask("padding", rng.randint(5, 12), _padded(ask).pad)


def _dilation_drill(stages: tuple[Stage, ...]) -> AskSpec:
    stage = _dilated(stages)
    return dilated_span_ask("dilated-convolution", stage.kernel, stage.dilation)


def _stride_drill(ask: SizeAsk, rng: random.Random) -> AskSpec:
    stride, window = _strided(ask).stride, rng.choice((2, 3))
    return window_count_ask("stride", (rng.randint(3, 6) - 1) * stride + window, window, stride)


def _plus_one_drill(_ask: SizeAsk, rng: random.Random) -> AskSpec:
    side = rng.randint(5, 9)
    return spec_for("output-size", SizeAsk(side, side, (Stage(3),)))


def _sides_drill(_ask: SizeAsk, rng: random.Random) -> AskSpec:
    short, long = rng.randint(5, 8), rng.randint(10, 14)
    height, width = (short, long) if rng.random() < 0.5 else (long, short)
    return _one_side_ask("output-size", height, width, 3)


def _swapped(ask: SizeAsk) -> Sequence[Size | None]:
    height, width = output_size(ask)
    return [(width, height)]


def _forgot_padding(ask: SizeAsk, got: str) -> str:
    pad = _padded(ask).pad
    return (
        f"It looks like you left out the padding: (in − k)/s + 1 gives {got}, but padding {pad} "
        f"adds {2 * pad} to the input first."
    )


def _one_side(ask: SizeAsk, got: str) -> str:
    pad = _padded(ask).pad
    return (
        f"It looks like you padded one side only: (in + p − k)/s + 1 gives {got}, but padding "
        f"{pad} goes on both sides, so it adds {2 * pad}."
    )


def _forgot_plus_one(_ask: SizeAsk, got: str) -> str:
    return (
        f"It looks like you left out the + 1: (in + 2p − k)/s gives {got}, the number of moves "
        "the window makes, and its first position counts too."
    )


def _stride_astray(ask: SizeAsk, got: str) -> str:
    return (
        f"It looks like the stride went astray ({got}): only the room the window has to move, "
        f"in + 2p − k, is divided by the stride {_strided(ask).stride}, and the + 1 comes after."
    )


def _size_dilation(ask: SizeAsk, got: str) -> str:
    stage = _dilated(ask.stages)
    return (
        f"It looks like you used the kernel as if it were not dilated ({got}): a "
        f"{stage.kernel}x{stage.kernel} kernel with dilation {stage.dilation} spans "
        f"{stage.span} pixels, so use {stage.span} for k."
    )


def _swapped_sides(_ask: SizeAsk, got: str) -> str:
    return (
        f"It looks like height and width are swapped: {got} has them the wrong way round, and "
        "sizes are written height x width."
    )


_SIZE_RULES: tuple[_Rule[SizeAsk], ...] = (
    _Rule(
        "forgot-padding",
        lambda a: [_chain(a, lambda n, s: _side(n, 0, s.span, s.stride))],
        _forgot_padding,
        _padding_drill,
    ),
    _Rule(
        "forgot-plus-one",
        lambda a: [_chain(a, lambda n, s: _side(n, 2 * s.pad, s.span, s.stride, plus=0))],
        _forgot_plus_one,
        _plus_one_drill,
    ),
    _Rule(
        "misapplied-stride",
        lambda a: [
            _chain(a, lambda n, s: _side(n, 2 * s.pad, s.span, 1)),  # no division at all
            _chain(a, _halved),  # the whole input divided by the stride
        ],
        _stride_astray,
        _stride_drill,
    ),
    _Rule(
        "padded-one-side",
        lambda a: [_chain(a, lambda n, s: _side(n, s.pad, s.span, s.stride))],
        _one_side,
        _padding_drill,
    ),
    _Rule(
        "ignored-dilation",
        lambda a: [_chain(a, lambda n, s: _side(n, 2 * s.pad, s.kernel, s.stride))],
        _size_dilation,
        lambda a, _rng: _dilation_drill(a.stages),
    ),
    _Rule("swapped-sides", _swapped, _swapped_sides, _sides_drill),
)


# ---------------------------------------------------------------- parameter counts


def _no_bias(ask: CountAsk) -> Sequence[Size | None]:
    return [(sum(weights_of(ask)),)]


def _no_inputs(ask: CountAsk) -> Sequence[Size | None]:
    weights = sum(c.height * c.width * c.out for c in ask.layers)
    biases = sum(c.out for c in ask.layers) if ask.bias else 0
    return [(weights + biases,), (weights,)]


def _per_position(ask: CountAsk) -> Sequence[Size | None]:
    return [(parameter_count(ask) * ask.size * ask.size,)]


def _forgot_bias(ask: CountAsk, got: str) -> str:
    outs = sum(c.out for c in ask.layers)
    return (
        f"It looks like you left out the biases: the weights alone give {got}, and each of the "
        f"{outs} output channels adds one bias."
    )


def _forgot_inputs(ask: CountAsk, got: str) -> str:
    first, c_in = ask.layers[0], ask.channels
    return (
        f"It looks like you left out the input channels ({got}): each {first.height}x"
        f"{first.width} filter spans all {c_in} input channels, so it has "
        f"{first.height}·{first.width}·{c_in} weights."
    )


def _counted_positions(ask: CountAsk, got: str) -> str:
    return (
        f"It looks like you counted the weights at every position ({got}): they are shared, so "
        f"the {ask.size}x{ask.size} input size does not change the count."
    )


def _bias_drill(_ask: CountAsk, rng: random.Random) -> AskSpec:
    return _bias_total_ask("parameter-count", 3, rng.choice((1, 2)), rng.choice((2, 4)))


def _inputs_drill(_ask: CountAsk, rng: random.Random) -> AskSpec:
    return _filter_weights_ask("parameter-count", 3, rng.choice((2, 3, 4)))


def _sharing_drill(_ask: CountAsk, rng: random.Random) -> AskSpec:
    layer = CountLayer(3, 3, rng.choice((1, 2, 4)))
    return spec_for("parameter-sharing", CountAsk(1, (layer,), False, rng.choice((10, 28))))


_COUNT_RULES: tuple[_Rule[CountAsk], ...] = (
    _Rule("forgot-bias", _no_bias, _forgot_bias, _bias_drill),
    _Rule("forgot-input-channels", _no_inputs, _forgot_inputs, _inputs_drill),
    _Rule("counted-positions", _per_position, _counted_positions, _sharing_drill),
)


# ---------------------------------------------------------------- receptive fields


def _added(ask: FieldAsk) -> Sequence[Size | None]:
    return [(sum(s.span for s in ask.stages),)]


def _no_strides(ask: FieldAsk) -> Sequence[Size | None]:
    return [(receptive_field(FieldAsk(tuple(replace(s, stride=1) for s in ask.stages))),)]


def _no_dilation(ask: FieldAsk) -> Sequence[Size | None]:
    return [(receptive_field(FieldAsk(tuple(replace(s, dilation=1) for s in ask.stages))),)]


def _added_kernels(ask: FieldAsk, got: str) -> str:
    spans = " + ".join(str(s.span) for s in ask.stages)
    return (
        f"It looks like you added the kernel sizes, {spans} = {got}: neighbouring windows "
        "overlap, so each layer after the first adds only (k − 1) × the spacing of the units "
        "below it."
    )


def _ignored_strides(ask: FieldAsk, got: str) -> str:
    stride = _first(ask.stages, lambda s: s.stride > 1).stride
    return (
        f"It looks like the strides were left out ({got}): after a stride-{stride} layer its "
        f"units are {stride} pixels apart, so each later layer adds (k − 1) × the product of "
        "the strides before it."
    )


def _field_dilation(ask: FieldAsk, got: str) -> str:
    stage = _dilated(ask.stages)
    return (
        f"It looks like the dilation was left out ({got}): a {stage.kernel}x{stage.kernel} "
        f"kernel with dilation {stage.dilation} spans {stage.span} pixels, so it adds "
        f"{stage.span - 1}, not {stage.kernel - 1}."
    )


def _overlap_drill(_ask: FieldAsk, rng: random.Random) -> AskSpec:
    return field_growth_ask("receptive-field", rng.choice((3, 5)), 1, rng.choice((3, 5)))


def _jump_drill(ask: FieldAsk, rng: random.Random) -> AskSpec:
    stride = _first(ask.stages, lambda s: s.stride > 1).stride
    return field_growth_ask("receptive-field", rng.choice((3, 5)), stride, 3)


_FIELD_RULES: tuple[_Rule[FieldAsk], ...] = (
    _Rule("added-kernels", _added, _added_kernels, _overlap_drill),
    _Rule("ignored-strides", _no_strides, _ignored_strides, _jump_drill),
    _Rule(
        "ignored-dilation", _no_dilation, _field_dilation, lambda a, _: _dilation_drill(a.stages)
    ),
)

# When two mistakes give the same wrong number the earlier one is named: in each family
# they are listed roughly from the most to the least common (our judgement).
SLIP_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(r.name for rules in (_SIZE_RULES, _COUNT_RULES, _FIELD_RULES) for r in rules)
)


def _match(
    rules: Sequence[_Rule[P]], params: P, given: Size, right: Size, seed: str
) -> Slip | None:
    for rule in rules:
        for wrong in rule.wrong(params):
            if wrong is not None and not _same(wrong, right) and _same(given, wrong):
                follow_up = rule.drill(params, random.Random(f"{rule.name}:{seed}"))
                return Slip(rule.name, rule.message(params, _text(wrong)), follow_up)
    return None


def diagnose(spec: AskSpec, typed: str) -> Slip | None:
    """Which common mistake a wrong answer to a computed ask comes from.

    Args:
        spec: the ask as it was persisted (an output size, parameter count or receptive field
            from quizbot.asking.computed; other asks never have a slip).
        typed: the player's answer, spelled any way grading accepts ("10", "10 x 10", "10×10").

    Returns:
        The slip whose wrong working gives exactly the typed number, the most common one when
        several do; None for a right answer, a number no listed mistake gives, or text that is
        not a number. The same ask and answer always give the same slip and follow-up.
    """
    if len(typed) > LONGEST:
        return None
    given, right, params = parse_size(typed), parse_size(spec.answer_text), params_of(spec)
    if given is None or right is None or params is None or _same(given, right):
        return None
    if isinstance(params, SizeAsk):
        return _match(_SIZE_RULES, params, given, right, spec.prompt)
    if isinstance(params, CountAsk):
        return _match(_COUNT_RULES, params, given, right, spec.prompt)
    return _match(_FIELD_RULES, params, given, right, spec.prompt)
