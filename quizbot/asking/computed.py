"""Computed asks: a generator per topic family, and the one entry point that picks and runs one."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import replace

from quizbot.asking.layers import (
    CONV,
    DIFFICULTIES,
    POOLS,
    CountAsk,
    CountLayer,
    FieldAsk,
    SizeAsk,
    Stage,
)
from quizbot.asking.spec import AskSpec
from quizbot.asking.working import (
    dilated_span_ask,
    exact_spec,
    field_growth_ask,
    padded_width_ask,
    spec_for,
    window_count_ask,
)

__all__ = ["COMPUTED_CONCEPTS", "make_computed_ask"]

Generator = Callable[[random.Random, str, str], AskSpec]
Shape = tuple[str, ...]  # the steps an ask takes: "pad", "stride", "stack", "rect", ...


# ---------------------------------------------------------------- shared by the families


def _drill(rng: random.Random, need: str, concept: str) -> AskSpec:
    """An easy drill on the `need` step ("stride", "pad", "dilation"; else field growth)."""
    if need == "stride":
        window, stride = rng.choice((2, 3, 5)), rng.choice((2, 3))
        return window_count_ask(concept, (rng.randint(3, 8) - 1) * stride + window, window, stride)
    if need == "pad":
        return padded_width_ask(concept, rng.randint(5, 32), rng.randint(1, 3))
    if need == "dilation":
        return dilated_span_ask(concept, rng.choice((3, 5)), rng.choice((2, 3, 4)))
    return field_growth_ask(concept, rng.choice((3, 5)), rng.choice((1, 2)), rng.choice((3, 5)))


def _shapes(table: Mapping[str, tuple[Shape, ...]], level: str, need: str | None) -> list[Shape]:
    """The shapes at `level` that take the `need` step; a shown span only on dilation asks."""
    shapes = [s for s in table[level] if "shown" not in s or need == "dilation"]
    return [s for s in shapes if need is None or need in s]


# ---------------------------------------------------------------- output sizes and poolings


_SIZE_SHAPES: dict[str, tuple[Shape, ...]] = {
    "easy": ((),),
    "medium": (
        ("pad",),
        ("stride",),
        ("stack",),
        ("dilation", "shown", "pad"),
        ("dilation", "shown", "stride"),
    ),
    "hard": (
        ("pad", "stride"),
        ("rect",),
        ("rect", "pad"),
        ("rect", "stride"),
        ("stack", "stride"),
        ("stack", "pad"),
        ("stack3",),
        ("stack3", "stride"),
        ("dilation",),
        ("dilation", "pad"),
    ),
}
_POOL_SHAPES: dict[str, tuple[Shape, ...]] = {
    "easy": ((),),
    "medium": (("stride",), ("pad",)),
    "hard": (("pad", "stride"), ("rect", "stride"), ("stack", "stride")),
}


def _with_step(rng: random.Random, stages: list[Stage], step: str) -> None:
    if step == "stride":
        i = len(stages) - 1 if stages[-1].op != CONV else rng.randrange(len(stages))
        stages[i] = replace(stages[i], stride=2 if stages[i].kernel == 2 else rng.choice((2, 3)))
    elif step == "pad":
        i = rng.choice([i for i, s in enumerate(stages) if s.kernel >= 3])
        stages[i] = replace(stages[i], pad=rng.randint(1, stages[i].kernel // 2))
    elif step == "dilation":
        i = rng.choice([i for i, s in enumerate(stages) if s.op == CONV])
        stages[i] = replace(stages[i], dilation=rng.choice((2, 3)))
    elif step == "shown":
        stages[:] = [replace(s, span_shown=s.dilation > 1) for s in stages]


def _input_side(out: int, stages: list[Stage]) -> int:
    """Work back from the output so every layer divides exactly."""
    for stage in reversed(stages):
        out = (out - 1) * stage.stride + stage.span - 2 * stage.pad
    return out


def _size_ask(rng: random.Random, shape: Shape, op: str) -> SizeAsk:
    layers = 3 if "stack3" in shape else 2 if "stack" in shape else 1
    stages = [Stage(rng.choice((3, 5, 7))) for _ in range(layers - 1)]
    window = 3 if "pad" in shape else rng.choice((2, 3))  # a pooling pads only a 3x3 window
    stages.append(Stage(window, op=op) if op != CONV else Stage(rng.choice((3, 5, 7))))
    for step in shape:
        _with_step(rng, stages, step)
    out_h = rng.randint(4, 24 if layers == 1 else 12)
    out_w = rng.choice([n for n in range(4, 25) if n != out_h]) if "rect" in shape else out_h
    return SizeAsk(_input_side(out_h, stages), _input_side(out_w, stages), tuple(stages))


def _sizes(need: str | None = None, pooled: bool = False) -> Generator:
    def generate(rng: random.Random, level: str, concept: str) -> AskSpec:
        if level == "easy" and need is not None:
            return _drill(rng, need, concept)
        shape = rng.choice(_shapes(_POOL_SHAPES if pooled else _SIZE_SHAPES, level, need))
        if pooled and concept in ("max-pooling", "average-pooling"):
            op = concept.replace("-", " ")
        else:
            op = rng.choice(POOLS) if pooled else CONV
        return spec_for(concept, _size_ask(rng, shape, op))

    return generate


# ---------------------------------------------------------------- parameter counts


_COUNT_SHAPES: dict[str, tuple[Shape, ...]] = {
    "easy": ((),),
    "medium": (("bias",), ("stack",)),
    "hard": (("bias", "stack"), ("stack3",), ("rect",), ("rect", "bias")),
}
_CHANNELS = {  # input channels, output channels, kernel sizes per level
    "easy": ((1, 3), (8, 16, 32), (3, 5)),
    "medium": ((3, 16, 32), (16, 32, 64), (1, 3, 5)),
    "hard": ((32, 64, 128), (64, 128, 256), (3, 5, 7)),
}


def _counts(rng: random.Random, level: str, concept: str) -> AskSpec:
    shape = rng.choice(_COUNT_SHAPES[level])
    c_ins, c_outs, kernels = _CHANNELS[level]
    layers = []
    for _ in range(3 if "stack3" in shape else 2 if "stack" in shape else 1):
        k = rng.choice(kernels)
        layers.append(CountLayer(k, k, rng.choice(c_outs)))
    if "rect" in shape:
        k = rng.choice((3, 5, 7))
        height, width = rng.choice(((k, 1), (1, k)))
        layers[0] = replace(layers[0], height=height, width=width)
    size = rng.choice((28, 32, 56, 224))
    return spec_for(concept, CountAsk(rng.choice(c_ins), tuple(layers), "bias" in shape, size))


# ---------------------------------------------------------------- receptive fields


_FIELD_SHAPES: dict[str, tuple[Shape, ...]] = {
    "medium": (("stack",), ("stack", "dilation", "shown")),
    "hard": (("stack3",), ("stack", "stride"), ("stack3", "stride"), ("stack", "dilation")),
}


def _fields(need: str | None = None) -> Generator:
    def generate(rng: random.Random, level: str, concept: str) -> AskSpec:
        if level == "easy":
            return _drill(rng, need or "field", concept)
        shape = rng.choice(_shapes(_FIELD_SHAPES, level, need))
        layers = rng.randint(3, 5) if "stack3" in shape else 2
        stages = [Stage(rng.choice((3, 5, 7))) for _ in range(layers)]
        if "stride" in shape:  # a stride on the last layer would not change the field
            for i in rng.sample(range(layers - 1), rng.randint(1, layers - 1)):
                stages[i] = replace(stages[i], stride=2)
        if "dilation" in shape:
            i = rng.randrange(layers)
            dilation = rng.choice((2, 3))
            stages[i] = replace(stages[i], kernel=3, dilation=dilation, span_shown="shown" in shape)
        return spec_for(concept, FieldAsk(tuple(stages)))

    return generate


# ---------------------------------------------------------------- separable costs


def _separable(rng: random.Random, difficulty: str, concept: str) -> AskSpec:
    kernel = rng.choice((3, 5))
    c_in, c_out = rng.choice((16, 32, 64)), rng.choice((32, 64, 128))
    size = rng.choice((7, 14, 28, 56))
    separable = kernel * kernel * c_in + c_in * c_out
    standard = kernel * kernel * c_in * c_out
    setup = (
        f"A {kernel}x{kernel} convolution maps {c_in} to {c_out} channels (no bias, stride 1, "
        f"same padding) and produces a {size}x{size} output."
    )
    positions = f"each weight is used once per output position ({size}·{size})"
    weights = (
        f"depthwise k·k·in + pointwise in·out = {kernel}·{kernel}·{c_in} + {c_in}·{c_out} "
        f"= {separable} weights"
    )
    if difficulty == "easy":
        question = "How many weights does its depthwise separable version have?"
        answer = separable
        why = f"{weights} (the standard layer has k·k·in·out = {standard})"
    elif difficulty == "medium":
        question = "How many multiplications does its depthwise separable version need?"
        answer = separable * size * size
        why = f"{weights}; {positions}: {separable}·{size}·{size} = {answer}"
    else:
        question = (
            "How many fewer multiplications does the depthwise separable version need "
            "than the standard convolution?"
        )
        answer = (standard - separable) * size * size
        why = (
            f"standard: k·k·in·out = {standard} weights; separable: {weights}; {positions}: "
            f"({standard} − {separable})·{size}·{size} = {answer}"
        )
    return exact_spec(concept, difficulty, f"{setup} {question}", str(answer), why)


# ---------------------------------------------------------------- concepts to generators


# Every key is a concept id in knowledge/concepts.yaml (a unit test loads the ontology).
_GENERATORS: dict[str, tuple[Generator, ...]] = {
    "output-size": (_sizes(),),
    "convolution": (_sizes(),),
    "convolutional-layer": (_sizes(), _counts),
    "kernel-size": (_sizes(), _counts),
    "stride": (_sizes("stride"),),
    "padding": (_sizes("pad"),),
    "padding-modes": (_sizes("pad"),),
    "dilated-convolution": (_sizes("dilation"), _fields("dilation")),
    "receptive-field": (_fields(),),
    "pooling": (_sizes(pooled=True),),
    "max-pooling": (_sizes(pooled=True),),
    "average-pooling": (_sizes(pooled=True),),
    "parameter-count": (_counts,),
    "parameter-sharing": (_counts,),
    "kernel": (_counts,),
    "depthwise-separable-convolution": (_separable,),
}

COMPUTED_CONCEPTS: frozenset[str] = frozenset(_GENERATORS)


def make_computed_ask(
    rng: random.Random, concept_id: str | None = None, difficulty: str | None = None
) -> AskSpec:
    """A freshly generated numeric question with an exact integer answer.

    Args:
        rng: randomness for the numbers (and the concept / difficulty when not given).
        concept_id: one of COMPUTED_CONCEPTS, or None for any.
        difficulty: "easy", "medium" or "hard", or None for any; the ask's `difficulty`,
            which its steps decide, is always this one.

    Returns:
        A COMPUTED AskSpec whose `correct` is "10" (square sizes) or "10x12" or a count.
    """
    concept = concept_id if concept_id is not None else rng.choice(sorted(COMPUTED_CONCEPTS))
    if concept not in _GENERATORS:
        raise ValueError(f"no computed questions for concept {concept!r}")
    level = difficulty if difficulty is not None else rng.choice(DIFFICULTIES)
    if level not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {level!r}")
    generators = _GENERATORS[concept]
    generate = generators[0] if len(generators) == 1 else rng.choice(generators)
    return generate(rng, level, concept)
