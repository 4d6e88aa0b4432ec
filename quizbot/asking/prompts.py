"""Computed ask prompts: the question text for a layer ask, and reading it back off a stored ask."""

from __future__ import annotations

import re

from quizbot.asking.layers import CONV, CountAsk, CountLayer, FieldAsk, Params, SizeAsk, Stage
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind

SIZE_QUESTION = "What is the output size (height x width)?"


def article(n: int) -> str:
    """The article before a number: "an 8x8", "a 10x10"."""
    return "an" if str(n).startswith("8") or n in (11, 18) else "a"


def counted(n: int, noun: str) -> str:
    """A number with its noun: 1 pixel, 3 pixels."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------- writing a prompt


def _dilation_text(stage: Stage) -> str:
    if stage.dilation == 1:
        return ""
    shown = f" (spanning {stage.span} pixels)" if stage.span_shown else ""
    return f"dilation {stage.dilation}{shown}"


def _stage_text(stage: Stage) -> str:
    k, s, p = stage.kernel, stage.stride, stage.pad
    if stage.op == CONV:
        dilated = f"{_dilation_text(stage)}, " if stage.dilation > 1 else ""
        return f"convolution with a {k}x{k} kernel, {dilated}stride {s} and padding {p}"
    return f"{k}x{k} {stage.op} with stride {s} and " + (f"padding {p}" if p else "no padding")


def _size_prompt(ask: SizeAsk) -> str:
    h, w, stages = ask.height, ask.width, ask.stages
    if len(stages) == 1:
        noun = "input" if stages[0].op == CONV else "feature map"
        where = f"is applied to {article(h)} {h}x{w} {noun}"
        return f"A {_stage_text(stages[0])} {where}. {SIZE_QUESTION}"
    listing = "; then ".join(f"a {_stage_text(s)}" for s in stages)
    where = f"in order to {article(h)} {h}x{w} input"
    return f"These layers are applied {where}: {listing}. {SIZE_QUESTION}"


def _count_prompt(ask: CountAsk) -> str:
    size, layers = ask.size, ask.layers
    first = layers[0]
    if len(ask.layers) == 1:
        bias = "with a bias per output channel" if ask.bias else "and no bias"
        return (
            f"A convolution layer maps {counted(ask.channels, 'input channel')} to "
            f"{counted(first.out, 'output channel')} with {first.height}x{first.width} kernels "
            f"{bias}, on {article(size)} {size}x{size} input. "
            "How many learnable parameters does it have?"
        )
    listing = ", then ".join(f"{c.height}x{c.width} kernels to {c.out} channels" for c in layers)
    bias = "each with a bias per output channel" if ask.bias else "with no bias"
    return (
        f"These convolution layers are stacked on {article(size)} {size}x{size} input with "
        f"{counted(ask.channels, 'channel')}: {listing}, {bias}. "
        "How many learnable parameters do they have in total?"
    )


def _field_prompt(ask: FieldAsk) -> str:
    listing = ", ".join(
        f"{s.kernel}x{s.kernel} stride {s.stride}"
        + (f" {_dilation_text(s)}" if s.dilation > 1 else "")
        for s in ask.stages
    )
    return (
        f"These convolutions are stacked in order (no pooling): {listing}. "
        "What is the receptive field of one output unit, in input pixels per side?"
    )


def prompt_of(params: Params) -> str:
    """The question text for `params`; `params_of` reads it back."""
    if isinstance(params, SizeAsk):
        return _size_prompt(params)
    if isinstance(params, CountAsk):
        return _count_prompt(params)
    return _field_prompt(params)


# ---------------------------------------------------------------- reading it back


_STAGE = re.compile(
    r"convolution with an? (\d+)x\d+ kernel, (?:dilation (\d+)( \(spanning \d+ pixels\))?, )?"
    r"stride (\d+) and padding (\d+)"
    r"|(\d+)x\d+ (max pooling|average pooling) with stride (\d+) and (?:no padding|padding (\d+))"
)
_SIZE_INPUT = re.compile(r" to an? (\d+)x(\d+) (?:input|feature map)")
_ONE_COUNT = re.compile(
    r"^A convolution layer maps (\d+) input channels? to (\d+) output channels? with "
    r"(\d+)x(\d+) kernels"
)
_MANY_COUNT = re.compile(r"^These convolution layers are stacked on .* input with (\d+) channels?:")
_COUNT_LAYER = re.compile(r"(\d+)x(\d+) kernels to (\d+) channels")
_COUNT_SIZE = re.compile(r" on an? (\d+)x\d+ input")
_FIELD_STAGE = re.compile(r"(\d+)x\d+ stride (\d+)(?: dilation (\d+)( \(spanning \d+ pixels\))?)?")


def _int(text: str | None, default: int) -> int:
    return default if text is None else int(text)


def _parse_stage(m: re.Match[str]) -> Stage:
    if m.group(1) is not None:
        k, d, shown, s, p = m.group(1, 2, 3, 4, 5)
        return Stage(int(k), int(s), int(p), _int(d, 1), span_shown=shown is not None)
    k, op, s, p = m.group(6, 7, 8, 9)
    return Stage(int(k), int(s), _int(p, 0), op=op)


def _parse_size(prompt: str) -> SizeAsk | None:
    where = _SIZE_INPUT.search(prompt)
    stages = tuple(_parse_stage(m) for m in _STAGE.finditer(prompt))
    if where is None or not stages:
        return None
    return SizeAsk(int(where.group(1)), int(where.group(2)), stages)


def _parse_count(prompt: str) -> CountAsk | None:
    size, bias = _COUNT_SIZE.search(prompt), "with a bias per output channel" in prompt
    one, many = _ONE_COUNT.match(prompt), _MANY_COUNT.match(prompt)
    if size is None:
        return None
    if one is not None:
        c_in, c_out, kh, kw = (int(g) for g in one.groups())
        return CountAsk(c_in, (CountLayer(kh, kw, c_out),), bias, int(size.group(1)))
    layers = tuple(CountLayer(*map(int, m.groups())) for m in _COUNT_LAYER.finditer(prompt))
    if many is None or not layers:
        return None
    return CountAsk(int(many.group(1)), layers, bias, int(size.group(1)))


def _parse_field(prompt: str) -> FieldAsk | None:
    stages = tuple(
        Stage(int(k), int(s), dilation=_int(d, 1), span_shown=shown is not None)
        for k, s, d, shown in (m.groups() for m in _FIELD_STAGE.finditer(prompt))
    )
    return FieldAsk(stages) if stages else None


def _read(prompt: str) -> Params | None:
    if prompt.endswith(SIZE_QUESTION):
        return _parse_size(prompt)
    if "learnable parameters" in prompt:
        return _parse_count(prompt)
    if prompt.startswith("These convolutions are stacked") and "receptive field" in prompt:
        return _parse_field(prompt)
    return None


def params_of(spec: AskSpec) -> Params | None:
    """The numbers a size, count or receptive-field ask was generated from, read off its prompt.

    Args:
        spec: any ask; persisted asks keep only their text, so the prompt is the record.

    Returns:
        The parameters, or None for another kind of ask (separable costs, drills, bank items)
        or a prompt this module did not write.
    """
    if spec.kind is not AskKind.COMPUTED:
        return None
    params = _read(spec.prompt)
    return params if params is not None and prompt_of(params) == spec.prompt else None
