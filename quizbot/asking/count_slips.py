"""Parameter-count slips: biases, input channels or weight sharing left out."""

from __future__ import annotations

import random
from collections.abc import Sequence

from quizbot.asking.layers import CountAsk, CountLayer, parameter_count, weights_of
from quizbot.asking.prompts import counted
from quizbot.asking.slip_rule import Rule, Size
from quizbot.asking.spec import AskSpec
from quizbot.asking.working import drill, spec_for


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


COUNT_RULES: tuple[Rule[CountAsk], ...] = (
    Rule("forgot-bias", _no_bias, _forgot_bias, _bias_drill),
    Rule("forgot-input-channels", _no_inputs, _forgot_inputs, _inputs_drill),
    Rule("counted-positions", _per_position, _counted_positions, _sharing_drill),
)
