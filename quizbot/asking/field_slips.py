"""Receptive-field slips: kernel sizes added, strides or dilation left out."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from quizbot.asking.layers import FieldAsk, receptive_field
from quizbot.asking.slip_rule import Rule, Size, dilated, dilation_drill, first
from quizbot.asking.spec import AskSpec
from quizbot.asking.working import field_growth_ask


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
    stride = first(ask.stages, lambda s: s.stride > 1).stride
    return (
        f"It looks like the strides were left out ({got}): after a stride-{stride} layer its "
        f"units are {stride} pixels apart, so each later layer adds (k − 1) × the product of "
        "the strides before it."
    )


def _field_dilation(ask: FieldAsk, got: str) -> str:
    stage = dilated(ask.stages)
    return (
        f"It looks like the dilation was left out ({got}): a {stage.kernel}x{stage.kernel} "
        f"kernel with dilation {stage.dilation} spans {stage.span} pixels, so it adds "
        f"{stage.span - 1}, not {stage.kernel - 1}."
    )


def _overlap_drill(_ask: FieldAsk, rng: random.Random) -> AskSpec:
    return field_growth_ask("receptive-field", rng.choice((3, 5)), 1, rng.choice((3, 5)))


def _jump_drill(ask: FieldAsk, rng: random.Random) -> AskSpec:
    stride = first(ask.stages, lambda s: s.stride > 1).stride
    return field_growth_ask("receptive-field", rng.choice((3, 5)), stride, 3)


FIELD_RULES: tuple[Rule[FieldAsk], ...] = (
    Rule("added-kernels", _added, _added_kernels, _overlap_drill),
    Rule("ignored-strides", _no_strides, _ignored_strides, _jump_drill),
    Rule("ignored-dilation", _no_dilation, _field_dilation, lambda a, _: dilation_drill(a.stages)),
)
