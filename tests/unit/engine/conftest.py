"""A small hand-made bank: a prerequisite chain, a few architectures, layers and operations."""

from __future__ import annotations

import pytest

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question, Variant
from tests.content import item_for

E, M, H = Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD


def _c(
    cid: str, name: str, kind: str, pre: tuple[str, ...] = (), aliases=(), confusable=()
) -> Concept:
    definition = f"The idea of {name}, explained."
    return Concept(cid, name, kind, definition, tuple(aliases), pre, tuple(confusable))


CONCEPTS = [
    _c("gradient-descent", "gradient descent", "training"),
    _c("backpropagation", "backpropagation", "training", ("gradient-descent",), ("backprop",)),
    _c("vanishing-gradient", "vanishing gradient", "problem", ("backpropagation",)),
    _c(
        "skip-connection",
        "skip connection",
        "technique",
        ("vanishing-gradient",),
        ("residual connection", "shortcut connection", "skip connections"),
    ),
    _c("batch-normalization", "batch normalization", "technique", ("gradient-descent",), ("bn",)),
    _c("dropout", "dropout", "technique", ("gradient-descent",)),
    _c("kernel", "kernel", "operation", (), ("filter",)),
    _c("convolution", "convolution", "operation", ("kernel",), ("conv",)),
    _c("stride", "stride", "operation", ("convolution",)),
    _c("padding", "padding", "operation", ("convolution",), ("zero padding",)),
    _c("pooling", "pooling", "layer", ("convolution",)),
    _c("max-pooling", "max pooling", "layer", ("pooling",), ("maxpool",)),
    _c("fully-connected", "fully connected layer", "layer", (), ("dense layer",)),
    _c("cnn", "convolutional neural network", "architecture", ("convolution", "pooling"), ("cnn",)),
    _c("vgg", "VGG", "architecture", ("cnn",), confusable=("resnet", "mobilenet", "inception")),
    _c("resnet", "ResNet", "architecture", ("skip-connection", "batch-normalization", "cnn")),
    _c("mobilenet", "MobileNet", "architecture", ("cnn",)),
    _c("inception", "Inception", "architecture", ("cnn",), ("googlenet",)),
]


# Questions only ever asked open (no fair multiple-choice item was written for them): the
# foundations' and backpropagation's, so a new player's first asks must come from elsewhere.
OPEN_ONLY = frozenset({"q-backprop", "q-gd-easy", "q-gd-hard"})


def _q(qid: str, concepts: tuple[str, ...], diff: Difficulty | None, gist: str | None) -> Question:
    """A reviewed question; one without a gist, or in OPEN_ONLY, has no choice item."""
    answer = None if gist is None else f"{gist}. More detail follows here."
    variants = (Variant("interview-book", qid.upper(), f"Question {qid}?"),)
    choice = None
    if gist is not None and qid not in OPEN_ONLY:
        choice = item_for(gist)
    return Question(
        qid,
        f"Question {qid}?",
        answer,
        gist,
        diff,
        concepts,
        variants,
        reviewed=gist is not None,
        choice=choice,
        key_points=("first point", "second point", "third point") if choice is None else (),
    )


QUESTIONS = [
    _q(
        "q-resnet-1",
        ("resnet", "skip-connection"),
        M,
        "Identity shortcuts let very deep nets train",
    ),
    _q("q-resnet-2", ("resnet",), H, "It stacks residual blocks with bottlenecks"),
    _q("q-vgg", ("vgg",), E, "Stacks of small 3x3 convolutions"),
    _q("q-mobilenet", ("mobilenet",), M, "Depthwise separable convolutions to save compute"),
    _q("q-inception", ("inception",), H, "Parallel branches with different kernel sizes"),
    _q("q-cnn", ("cnn", "convolution"), E, "Shared local filters over an image"),
    _q("q-skip", ("skip-connection",), M, "Adds a block's input to its output"),
    _q("q-bn", ("batch-normalization",), E, "Normalises activations per mini-batch"),
    _q("q-dropout", ("dropout",), E, "Randomly zeroes units during training"),
    _q("q-vanish", ("vanishing-gradient", "backpropagation"), M, "Gradients shrink layer by layer"),
    _q("q-backprop", ("backpropagation",), E, "The chain rule applied backwards"),
    _q("q-gd-easy", ("gradient-descent",), E, "Step against the gradient"),
    _q("q-gd-hard", ("gradient-descent",), H, "Learning rate too big diverges"),
    _q("q-gd-open", ("gradient-descent",), M, None),  # no answer anywhere: a flashcard
    _q("q-pool", ("max-pooling",), E, "Keeps the largest value in each window"),
    _q("q-conv", ("convolution",), M, "Slides a kernel and sums products"),
]


@pytest.fixture
def bank() -> Bank:
    return Bank.from_parts(CONCEPTS, QUESTIONS)
