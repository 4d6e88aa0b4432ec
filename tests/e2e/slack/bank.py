"""A small test bank for the Slack end-to-end tests, plus an oracle for the right choice.

Every concept definition carries a code ("D07") so a concept-naming prompt, whose names are
blanked out, still tells the test which concept it asks about.
"""

from __future__ import annotations

import re

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question, Variant
from tests.content import reviewed, with_confusables

_SPECS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("gradient-descent", "gradient descent", "training", ()),
    ("learning-rate", "learning rate", "training", ("gradient-descent",)),
    ("momentum", "momentum", "training", ("gradient-descent",)),
    ("backpropagation", "backpropagation", "training", ("gradient-descent",)),
    ("vanishing-gradient", "vanishing gradient", "problem", ("backpropagation",)),
    ("exploding-gradient", "exploding gradient", "problem", ("backpropagation",)),
    ("overfitting", "overfitting", "problem", ()),
    ("dead-relu", "dead ReLU", "problem", ()),
    ("skip-connection", "skip connection", "technique", ("vanishing-gradient",)),
    ("batch-normalization", "batch normalization", "technique", ()),
    ("dropout", "dropout", "technique", ("overfitting",)),
    ("weight-decay", "weight decay", "technique", ("overfitting",)),
    ("data-augmentation", "data augmentation", "technique", ("overfitting",)),
    ("convolution", "convolution", "operation", ()),
    ("stride", "stride", "operation", ("convolution",)),
    ("resnet", "ResNet", "architecture", ("skip-connection",)),
    ("vgg", "VGG", "architecture", ("convolution",)),
    ("mobilenet", "MobileNet", "architecture", ("convolution",)),
    ("inception", "Inception", "architecture", ("convolution",)),
    ("alexnet", "AlexNet", "architecture", ("convolution",)),
    ("attention", "attention", "mechanism", ()),
    ("padding", "padding", "operation", ("convolution",)),
    ("pooling", "pooling", "operation", ("convolution",)),
    ("dilation", "dilation", "operation", ("convolution",)),
]

CONCEPTS = [
    Concept(cid, name, kind, f"Definition code D{i:02d}: one idea of deep learning.", (), pre)
    for i, (cid, name, kind, pre) in enumerate(_SPECS)
]

_GISTS: list[tuple[str, str, str]] = [
    ("q-gd", "gradient-descent", "Step against the gradient"),
    ("q-lr", "learning-rate", "Too large a step diverges"),
    ("q-momentum", "momentum", "Averages past gradients to damp zig-zags"),
    ("q-backprop", "backpropagation", "The chain rule applied backwards"),
    ("q-vanish", "vanishing-gradient", "Gradients shrink layer by layer"),
    ("q-explode", "exploding-gradient", "Gradients grow layer by layer"),
    ("q-overfit", "overfitting", "Fits noise in the training set"),
    ("q-dead-relu", "dead-relu", "Units stuck at zero output forever"),
    ("q-skip", "skip-connection", "Adds a block's input to its output"),
    ("q-bn", "batch-normalization", "Normalises activations per mini-batch"),
    ("q-dropout", "dropout", "Randomly zeroes units during training"),
    ("q-wd", "weight-decay", "Penalises large weights in the loss"),
    ("q-aug", "data-augmentation", "Random crops and flips of the inputs"),
    ("q-resnet", "resnet", "Identity shortcuts let very deep nets train"),
    ("q-vgg", "vgg", "Stacks of small 3x3 convolutions"),
    ("q-mobilenet", "mobilenet", "Depthwise separable convolutions to save compute"),
    ("q-inception", "inception", "Parallel branches with different kernel sizes"),
    ("q-alexnet", "alexnet", "ReLU and dropout on two GPUs in 2012"),
]

QUESTIONS = [
    Question(
        qid,
        f"Question {qid}?",
        f"{gist}. More detail follows here.",
        gist,
        Difficulty.MEDIUM,
        (concept,),
        (Variant("interview-book", qid.upper(), f"Question {qid}?"),),
    )
    for qid, concept, gist in _GISTS
] + [
    Question(
        "q-attention",
        "Question q-attention?",
        "Attention re-weights features by how relevant each one is to the task.",
        None,
        Difficulty.MEDIUM,
        ("attention",),
        (
            Variant(
                "interview-book", "Q-ATT", "Question q-attention?", answer="It weighs features."
            ),
            Variant(
                "web-dump",
                "W1",
                "What is attention?",
                answer="Attention is what makes models smart.",
                disputed="Says nothing about what attention computes.",
            ),
        ),
    )
]


def e2e_bank() -> Bank:
    return Bank.from_parts(
        with_confusables(CONCEPTS), [reviewed(q) for q in QUESTIONS], fingerprint="slack-e2e"
    )


def right_text(prompt: str) -> str:
    """The text of the right choice for a prompt the engine built from this bank."""
    for question in QUESTIONS:
        if question.text in prompt and question.gist:
            return question.gist
    code = re.search(r"code D(\d\d)", prompt)
    if code:
        return CONCEPTS[int(code.group(1))].name
    raise AssertionError(f"no known answer for prompt {prompt!r}")
