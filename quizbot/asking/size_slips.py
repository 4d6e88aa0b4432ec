"""Output-size slips: padding, the + 1, the stride, dilation and swapped sides gone wrong."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from quizbot.asking.layers import SizeAsk, Stage, output_size
from quizbot.asking.slip_rule import Rule, Size, dilated, dilation_drill, first
from quizbot.asking.spec import AskSpec
from quizbot.asking.working import drill, padded_width_ask, spec_for, window_count_ask

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


def _padded(ask: SizeAsk) -> Stage:
    return first(ask.stages, lambda s: s.pad > 0)


def _strided(ask: SizeAsk) -> Stage:
    return first(ask.stages, lambda s: s.stride > 1)


def _padding_drill(ask: SizeAsk, rng: random.Random) -> AskSpec:
    return padded_width_ask("padding", rng.randint(5, 12), _padded(ask).pad)


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


def _one_side_ask(concept: str, height: int, width: int, kernel: int) -> AskSpec:
    answer = width - kernel + 1
    prompt = (
        f"A feature map is {height}x{width} (height x width). A {kernel}x{kernel} convolution "
        "with stride 1 and padding 0 is applied to it. How many pixels wide is the output?"
    )
    why = f"the width is the second number, {width}: {width} − {kernel} + 1 = {answer}"
    return drill(concept, prompt, answer, why)


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
    stage = dilated(ask.stages)
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


SIZE_RULES: tuple[Rule[SizeAsk], ...] = (
    Rule(
        "forgot-padding",
        lambda a: [_chain(a, lambda n, s: _side(n, 0, s.span, s.stride))],
        _forgot_padding,
        _padding_drill,
    ),
    Rule(
        "forgot-plus-one",
        lambda a: [_chain(a, lambda n, s: _side(n, 2 * s.pad, s.span, s.stride, plus=0))],
        _forgot_plus_one,
        _plus_one_drill,
    ),
    Rule(
        "misapplied-stride",
        lambda a: [
            _chain(a, lambda n, s: _side(n, 2 * s.pad, s.span, 1)),  # no division at all
            _chain(a, _halved),  # the whole input divided by the stride
        ],
        _stride_astray,
        _stride_drill,
    ),
    Rule(
        "padded-one-side",
        lambda a: [_chain(a, lambda n, s: _side(n, s.pad, s.span, s.stride))],
        _one_side,
        _padding_drill,
    ),
    Rule(
        "ignored-dilation",
        lambda a: [_chain(a, lambda n, s: _side(n, 2 * s.pad, s.kernel, s.stride))],
        _size_dilation,
        lambda a, _rng: dilation_drill(a.stages),
    ),
    Rule("swapped-sides", _swapped, _swapped_sides, _sides_drill),
)
