"""Layer arithmetic behind computed asks: the layers asked about, their answers and step counts."""

from __future__ import annotations

from dataclasses import dataclass

# Difficulty by steps: an ask counts its steps beyond one plain layer (square, stride 1, no
# padding, no bias) and its level, hence its points, follows from that count alone.
#
#   step                                               counts   for example
#   padding > 0                                        1        3x3 conv, padding 1     medium
#   a stride > 1                                       1        2x2 pooling, stride 2   medium
#   each stacked layer after the first                 1        two 3x3 convs           medium
#   a bias per output channel (parameter counts)       1        3x3 conv with biases    medium
#   all positions; the standard layer (separable)      1 each   savings over positions  hard
#   dilation; a rectangular input or kernel            2        always hard
#   0 steps: easy (10 pts) · 1: medium (20) · 2 or more: hard (30), e.g. padding with stride
#   A step the prompt works out for you does not count: a drill asks one step with the rest
#   given (a padded width, a window count) and is easy; a dilated kernel whose span the prompt
#   states adds no step. Stride, padding, receptive-field and dilation asks drill at easy.

DIFFICULTIES = ("easy", "medium", "hard")
CONV = "convolution"
POOLS = ("max pooling", "average pooling")


def level_of(steps: int) -> str:
    """The difficulty of an ask with `steps` steps beyond one plain layer."""
    return DIFFICULTIES[min(steps, 2)]


@dataclass(frozen=True, slots=True)
class Stage:
    """One sliding-window layer: a convolution or a pooling (`op`)."""

    kernel: int
    stride: int = 1
    pad: int = 0
    dilation: int = 1
    op: str = CONV
    span_shown: bool = False  # the prompt states a dilated kernel's span, so it is no step

    @property
    def span(self) -> int:
        """Input pixels one window covers along a side: dilation·(kernel − 1) + 1."""
        return self.dilation * (self.kernel - 1) + 1

    def out(self, side: int) -> int:
        return (side + 2 * self.pad - self.span) // self.stride + 1


@dataclass(frozen=True, slots=True)
class SizeAsk:
    """What size comes out when a height x width input goes through `stages` in order."""

    height: int
    width: int
    stages: tuple[Stage, ...]


@dataclass(frozen=True, slots=True)
class CountLayer:
    """A convolution layer of a parameter count: kernel height, width and output channels."""

    height: int
    width: int
    out: int


@dataclass(frozen=True, slots=True)
class CountAsk:
    """How many learnable parameters `layers` stacked on `channels` input channels have."""

    channels: int
    layers: tuple[CountLayer, ...]
    bias: bool
    size: int  # the input's side, which does not matter (weights are shared)


@dataclass(frozen=True, slots=True)
class FieldAsk:
    """How many input pixels per side one unit of the last of `stages` sees."""

    stages: tuple[Stage, ...]


Params = SizeAsk | CountAsk | FieldAsk


def output_size(ask: SizeAsk) -> tuple[int, int]:
    height, width = ask.height, ask.width
    for stage in ask.stages:
        height, width = stage.out(height), stage.out(width)
    return height, width


def weights_of(ask: CountAsk) -> tuple[int, ...]:
    """The weight count of each layer (no biases)."""
    ins = (ask.channels, *(layer.out for layer in ask.layers))
    return tuple(c.height * c.width * n * c.out for c, n in zip(ask.layers, ins[:-1], strict=True))


def parameter_count(ask: CountAsk) -> int:
    return sum(weights_of(ask)) + (sum(layer.out for layer in ask.layers) if ask.bias else 0)


def receptive_field(ask: FieldAsk) -> int:
    field, jump = 1, 1
    for stage in ask.stages:
        field += (stage.span - 1) * jump
        jump *= stage.stride
    return field


def steps_of(params: Params) -> int:
    """The steps an ask takes beyond one plain layer (see the table above)."""
    if isinstance(params, CountAsk):
        rect = any(layer.height != layer.width for layer in params.layers)
        return int(params.bias) + len(params.layers) - 1 + 2 * rect
    stages = params.stages
    rect = isinstance(params, SizeAsk) and params.height != params.width
    return (
        any(s.pad > 0 for s in stages)
        + any(s.stride > 1 for s in stages)
        + len(stages)
        - 1
        + 2 * any(s.dilation > 1 and not s.span_shown for s in stages)
        + 2 * rect
    )
