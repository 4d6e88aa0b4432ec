"""Computed asks: generated layer geometry with exact integer answers (sizes, parameters, cost)."""

from __future__ import annotations

import random
from collections.abc import Callable

from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind

DIFFICULTIES = ("easy", "medium", "hard")
HINT = "Answer with a whole number, like 10 or 10x10."

Generator = Callable[[random.Random, str, str], AskSpec]


def _spec(concept: str, difficulty: str, prompt: str, answer: str, why: str) -> AskSpec:
    if "x" in answer:
        height, width = answer.split("x")
        correct = height if height == width else answer  # a square size may be typed once
        accepted: tuple[str, ...] = (answer,) if correct != answer else ()
    else:
        correct, accepted = answer, ()
    return AskSpec(
        kind=AskKind.COMPUTED,
        prompt=prompt,
        concept_id=concept,
        difficulty=difficulty,
        answer_text=answer,
        explanation=why,
        correct=correct,
        accepted=accepted,
        hint=HINT,
    )


def _conv_output(rng: random.Random, difficulty: str, concept: str) -> AskSpec:
    kernel = rng.choice((3, 5, 7))
    if difficulty == "easy":
        stride, pad = 1, 0
    elif difficulty == "medium":
        stride, pad = rng.choice((1, 2)), rng.randint(0, kernel // 2)
    else:
        stride, pad = rng.choice((2, 3)), rng.randint(0, kernel // 2)
    if concept == "stride":  # a question on stride always strides
        stride = max(stride, 2)
    if concept == "padding":
        pad = max(pad, 1)
    rect = difficulty == "hard"
    out_h = rng.randint(4, 32)
    out_w = rng.randint(4, 32) if rect else out_h
    while rect and out_w == out_h:
        out_w = rng.randint(4, 32)
    # Pick the output first so the input size always divides exactly.
    in_h = (out_h - 1) * stride + kernel - 2 * pad
    in_w = (out_w - 1) * stride + kernel - 2 * pad
    prompt = (
        f"A convolution with a {kernel}x{kernel} kernel, stride {stride} and padding {pad} "
        f"is applied to a {in_h}x{in_w} input. What is the output size (height x width)?"
    )
    why = (
        f"out = (in + 2·padding − kernel) / stride + 1: "
        f"({in_h} + {2 * pad} − {kernel}) / {stride} + 1 = {out_h}"
        + ("" if not rect else f", and ({in_w} + {2 * pad} − {kernel}) / {stride} + 1 = {out_w}")
    )
    return _spec(concept, difficulty, prompt, f"{out_h}x{out_w}", why)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _conv_params(rng: random.Random, difficulty: str, concept: str) -> AskSpec:
    if difficulty == "easy":
        kernel, c_in, c_out, bias = 3, rng.choice((1, 3)), rng.choice((8, 16, 32)), False
    elif difficulty == "medium":
        kernel, bias = rng.choice((1, 3, 5)), True
        c_in, c_out = rng.choice((3, 16, 32)), rng.choice((16, 32, 64))
    else:
        kernel, bias = rng.choice((3, 5, 7)), True
        c_in, c_out = rng.choice((32, 64, 128)), rng.choice((64, 128, 256))
    size = rng.choice((28, 32, 56, 224))
    bias_text = "with a bias per output channel" if bias else "and no bias"
    prompt = (
        f"A convolution layer maps {_count(c_in, 'input channel')} to "
        f"{_count(c_out, 'output channel')} with "
        f"{kernel}x{kernel} kernels {bias_text}, on a {size}x{size} input. "
        "How many learnable parameters does it have?"
    )
    weights = kernel * kernel * c_in * c_out
    total = weights + (c_out if bias else 0)
    why = (
        f"kernel·kernel·in·out = {kernel}·{kernel}·{c_in}·{c_out} = {weights}"
        + (f", plus {c_out} biases = {total}" if bias else "")
        + "; the input size does not matter because the weights are shared across positions"
    )
    return _spec(concept, difficulty, prompt, str(total), why)


def _receptive_field(rng: random.Random, difficulty: str, concept: str) -> AskSpec:
    depth = rng.randint(2, 3) if difficulty == "easy" else rng.randint(3, 5)
    layers: list[tuple[int, int]] = []
    for _ in range(depth):
        kernel = 3 if difficulty == "easy" else rng.choice((3, 5, 7))
        stride = rng.choice((1, 2)) if difficulty == "hard" else 1
        layers.append((kernel, stride))
    field_size, jump = 1, 1
    terms = ["1"]
    for kernel, stride in layers:
        field_size += (kernel - 1) * jump
        terms.append(f"{kernel - 1}·{jump}")
        jump *= stride
    listing = ", ".join(f"{k}x{k} stride {s}" for k, s in layers)
    prompt = (
        f"These convolutions are stacked in order (no pooling): {listing}. "
        "What is the receptive field of one output unit, in input pixels per side?"
    )
    why = (
        "each layer adds (kernel − 1) × the product of the strides before it, starting from 1: "
        f"{' + '.join(terms)} = {field_size}"
    )
    return _spec(concept, difficulty, prompt, str(field_size), why)


def _pooling(rng: random.Random, difficulty: str, concept: str) -> AskSpec:
    window, stride = (2, 2) if difficulty == "easy" else (rng.choice((2, 3)), 2)
    if difficulty == "hard":
        window, stride = 3, rng.choice((2, 3))
    out_h = rng.randint(3, 32)
    out_w = rng.randint(3, 32) if difficulty == "hard" else out_h
    in_h, in_w = (out_h - 1) * stride + window, (out_w - 1) * stride + window
    prompt = (
        f"A {window}x{window} max pooling with stride {stride} and no padding is applied to a "
        f"{in_h}x{in_w} feature map. What is the output size (height x width)?"
    )
    why = f"out = (in − window) / stride + 1: ({in_h} − {window}) / {stride} + 1 = {out_h}"
    if out_w != out_h or in_w != in_h:
        why += f", and ({in_w} − {window}) / {stride} + 1 = {out_w}"
    return _spec(concept, difficulty, prompt, f"{out_h}x{out_w}", why)


def _depthwise(rng: random.Random, difficulty: str, concept: str) -> AskSpec:
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
    return _spec(concept, difficulty, f"{setup} {question}", str(answer), why)


_GENERATORS: dict[str, Generator] = {
    "convolution": _conv_output,
    "stride": _conv_output,
    "padding": _conv_output,
    "parameter-sharing": _conv_params,
    "kernel": _conv_params,
    "receptive-field": _receptive_field,
    "pooling": _pooling,
    "max-pooling": _pooling,
    "depthwise-separable-convolution": _depthwise,
}

COMPUTED_CONCEPTS: frozenset[str] = frozenset(_GENERATORS)


def make_computed_ask(
    rng: random.Random, concept_id: str | None = None, difficulty: str | None = None
) -> AskSpec:
    """A freshly generated numeric question with an exact integer answer.

    Args:
        rng: randomness for the numbers (and the concept / difficulty when not given).
        concept_id: one of COMPUTED_CONCEPTS, or None for any.
        difficulty: "easy", "medium" or "hard", or None for any.

    Returns:
        A COMPUTED AskSpec whose `correct` is "10" (square sizes) or "10x12" or a count.
    """
    concept = concept_id if concept_id is not None else rng.choice(sorted(COMPUTED_CONCEPTS))
    if concept not in _GENERATORS:
        raise ValueError(f"no computed questions for concept {concept!r}")
    level = difficulty if difficulty is not None else rng.choice(DIFFICULTIES)
    if level not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {level!r}")
    return _GENERATORS[concept](rng, level, concept)
