"""Linking question texts to concepts: the right primary, and every source question covered."""

from __future__ import annotations

import pytest

from knowledge.linker import ConceptLinker, normalize
from knowledge.ontology import load_concepts
from knowledge.sources import load_raw_questions


@pytest.fixture(scope="module")
def linker() -> ConceptLinker:
    return ConceptLinker(load_concepts())


@pytest.mark.parametrize(
    ("text", "primary"),
    [
        ("What is an R-CNN?", "rcnn"),
        ("What is Fast R-CNN?", "fast-rcnn"),
        ("What is Faster R-CNN?", "faster-rcnn"),
        ("What is Mask R-CNN?", "mask-rcnn"),
        ("What is 3D convolution?", "3d-convolution"),
        ("Applications of 3D CNNs?", "3d-convolution"),
        ("What is AlexNet?", "alexnet"),
        ("Why was AlexNet significant?", "alexnet"),
        ("Give an overview of the AlexNet architecture.", "alexnet"),
        (
            "What is batch normalization, and how does it improve CNN training?",
            "batch-normalization",
        ),
        (
            "Explain the concept of batch normalization and its role in CNN training.",
            "batch-normalization",
        ),
        (
            "Which architectures use depthwise separable convolutions?",
            "depthwise-separable-convolution",
        ),
        ("What is the difference between Max Pooling and Average Pooling?", "max-pooling"),
        ("What is stride in CNN?", "stride"),
        ("What is the role of stride in a convolution layer?", "stride"),
        ("What is a Convolutional Neural Network (CNN)?", "cnn"),
        ("What is 1x1 convolution?", "1x1-convolution"),
        ("What are skip connections in CNN?", "skip-connection"),
        ("Why are residual connections important?", "skip-connection"),
        (
            "Can you describe the mechanism behind residual networks (ResNets) and how they "
            "address the vanishing gradient problem?",
            "resnet",
        ),
        (
            "Discuss the benefits of using skip connections in CNN architectures like ResNet",
            "skip-connection",
        ),
        ("What is weight sharing in CNN?", "parameter-sharing"),
        (
            "What is image augmentation, and why is it used in training CNN models?",
            "data-augmentation",
        ),
        (
            "Discuss the benefits and drawbacks of using pre-trained CNN models for a new task.",
            "pretrained-model",
        ),
        (
            "Explain the significance of the RELU Activation function in Convolution Neural "
            "Network.",
            "relu",
        ),
        ("Discuss the benefits of using GPUs for CNN training and inference.", "gpu"),
        (
            "An input image has been converted into a matrix of size 12 X 12 along with a filter "
            "of size 3 X 3 with a Stride of 1. Determine the size of the convoluted matrix.",
            "output-size",
        ),
        ("What is valid vs same padding?", "padding-modes"),
        ("What is a global average pooling layer?", "global-average-pooling"),
        ("What is Squeeze-and-Excitation (SE) block?", "se-block"),
        ("List down the hyperparameters of a Pooling Layer.", "pooling"),
        ("How does a CNN model learn from images during training?", "training-process"),
    ],
)
def test_primary_is_the_specific_concept_the_question_names(
    linker: ConceptLinker, text: str, primary: str
) -> None:
    assert linker.link(text)[0] == primary


def test_shorter_names_inside_longer_matches_are_not_linked(linker: ConceptLinker) -> None:
    assert linker.link("What is Fast R-CNN?") == ("fast-rcnn",)
    assert "convolution" not in linker.link("What is depthwise separable convolution?")
    assert "pooling" not in linker.link("Why use global average pooling?")


def test_umbrella_cnn_is_kept_but_never_first_when_something_specific_is_named(
    linker: ConceptLinker,
) -> None:
    assert linker.link("What is dropout in CNN?") == ("dropout", "cnn")


def test_every_concept_mentioned_is_linked_in_text_order(linker: ConceptLinker) -> None:
    linked = linker.link(
        "What are stride and padding in CNNs, and how do they affect the output size of the "
        "convolutional layer?"
    )
    assert linked[:4] == ("stride", "padding", "output-size", "convolutional-layer")


def test_normalisation_handles_case_hyphens_plurals_and_conv_forms() -> None:
    assert normalize("Pre-trained ConvNets") == normalize("pretrained convnet")
    assert normalize("Convolutional Layers") == normalize("conv layer")
    assert normalize("1 x 1 convolutions") == normalize("1x1 convolution")
    assert normalize("regularisation") == normalize("Regularization")


def test_word_boundaries_and_case_sensitive_acronyms(linker: ConceptLinker) -> None:
    assert linker.link("Read the road map of the city.") == ()
    assert linker.link("What does mAP measure for detectors?")[0] == "mean-average-precision"
    assert "relu" not in linker.link("Is prelude music calm?")


def test_unrelated_text_links_nothing(linker: ConceptLinker) -> None:
    assert linker.link("What is the capital of France?") == ()


def test_answer_is_a_fallback_and_never_displaces_the_question_primary(
    linker: ConceptLinker,
) -> None:
    fallback = linker.link("Why does this trick help?", "Dropout silences random units.")
    assert fallback == ("dropout",)
    linked = linker.link("What is ResNet?", "A network with residual connections and dropout.")
    assert linked[0] == "resnet"
    assert "skip-connection" in linked  # a prerequisite of the primary
    assert "dropout" not in linked  # mentioned, but unrelated to the primary


def test_every_raw_source_question_links_to_a_concept(linker: ConceptLinker) -> None:
    questions = load_raw_questions()
    assert len(questions) > 200
    unlinked = [(q.source, q.ref, q.text) for q in questions if not linker.link(q.text)]
    assert unlinked == []
