"""Slip rules: the wrong numbers one mistake gives, how the verdict names it, and its drill."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from quizbot.asking.layers import CountAsk, FieldAsk, SizeAsk, Stage
from quizbot.asking.spec import AskSpec
from quizbot.asking.working import dilated_span_ask

P = TypeVar("P", SizeAsk, CountAsk, FieldAsk)
Size = tuple[int, ...]  # a count (one number) or a height x width


@dataclass(frozen=True, slots=True)
class Rule(Generic[P]):
    """One mistake on one family of asks (`P`): its slip name, wrong numbers, message and drill."""

    name: str
    wrong: Callable[[P], Sequence[Size | None]]  # the numbers the mistake gives
    message: Callable[[P, str], str]  # params, the wrong number as text
    drill: Callable[[P, random.Random], AskSpec]


def first(stages: tuple[Stage, ...], has: Callable[[Stage], bool]) -> Stage:
    """The first stage that `has` the step a slip is about (the first stage when none has)."""
    return next((s for s in stages if has(s)), stages[0])


def dilated(stages: tuple[Stage, ...]) -> Stage:
    return first(stages, lambda s: s.dilation > 1)


def dilation_drill(stages: tuple[Stage, ...]) -> AskSpec:
    """The span drill for the first dilated kernel (output sizes and receptive fields share it)."""
    stage = dilated(stages)
    return dilated_span_ask("dilated-convolution", stage.kernel, stage.dilation)
