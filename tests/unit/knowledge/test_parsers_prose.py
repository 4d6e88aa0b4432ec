"""Prose parser: answers with no question text, segmented and paired with our questions."""

# ruff: noqa: E501  (snippets are quoted verbatim from the source documents)

from __future__ import annotations

from typing import Any

import pytest

from knowledge.parsers import ParseError, prose

# Quoted from 002_3d11085faa9ce028.txt: title, subtitle printed twice, then two answers of
# two paragraphs each.
SNIPPET = """Convolutional Neural Network
15 interview questions from basic to advanced
15 interview questions from basic to advanced
A Convolutional Neural Network (CNN) is a deep learning architecture specifically designed for processing data with spatial structure, such as images, video, and audio spectrograms. Instead of connecting every input pixel to every neuron (as in fully connected networks), CNNs use convolutional layers with small learnable filters that slide across the input to produce feature maps.
CNNs exploit three key properties of images: (1) Local connectivity -- nearby pixels are more related than distant ones, (2) Translation equivariance -- the same pattern should be detected regardless of position, (3) Hierarchical composition -- complex patterns are built from simpler ones (edges combine into textures, textures into parts, parts into objects). These inductive biases make CNNs far more parameter-efficient and effective than fully connected networks for spatial data.
The convolution operation slides a small filter (kernel) across the input, computing an element-wise multiplication and summation (dot product) at each position. For a 3x3 filter on a single-channel input, the filter has 9 weights. At each position, these 9 weights are multiplied with the corresponding 9 input values, summed, and a bias is added to produce one output value.
For multi-channel inputs (e.g., an RGB image with 3 channels), each filter has depth equal to the number of input channels -- a 3x3 filter on RGB input is actually 3x3x3 = 27 weights. The dot product spans all channels simultaneously. Multiple filters are applied to produce multiple output feature maps, each detecting a different pattern. The output size depends on the input size, kernel size, padding, and stride."""

MANIFEST: dict[str, Any] = {
    "questions": [
        {
            "opens_with": "A Convolutional Neural Network (CNN) is a deep learning architecture",
            "text": "What is a CNN, and which properties of images does it exploit?",
        },
        {
            "opens_with": "The convolution operation slides a small filter",
            "text": "How does the convolution operation work?",
        },
    ]
}


def test_one_derived_question_per_segment_in_order() -> None:
    parsed = prose.parse(SNIPPET, "prose", MANIFEST)
    assert [(q.ref, q.text) for q in parsed] == [
        ("item 1", "What is a CNN, and which properties of images does it exploit?"),
        ("item 2", "How does the convolution operation work?"),
    ]
    assert all(q.derived for q in parsed)


def test_each_answer_holds_both_paragraphs_of_its_segment_and_no_title() -> None:
    first, second = prose.parse(SNIPPET, "prose", MANIFEST)
    assert first.answer is not None and second.answer is not None
    assert first.answer.startswith("A Convolutional Neural Network (CNN) is a deep learning")
    assert first.answer.endswith("effective than fully connected networks for spatial data.")
    assert first.answer.count("\n") == 1
    assert second.answer.endswith("kernel size, padding, and stride.")
    assert "15 interview questions" not in first.answer + second.answer


def test_anchor_that_matches_no_paragraph_is_an_error() -> None:
    manifest = {"questions": [{"opens_with": "Pooling progressively reduces", "text": "Q?"}]}
    with pytest.raises(ParseError, match="no paragraph open with 'Pooling progressively"):
        prose.parse(SNIPPET, "prose", manifest)


def test_segments_out_of_order_are_an_error() -> None:
    manifest = {"questions": list(reversed(MANIFEST["questions"]))}
    with pytest.raises(ParseError, match="out of order"):
        prose.parse(SNIPPET, "prose", manifest)


def test_manifest_without_questions_is_an_error() -> None:
    with pytest.raises(ParseError, match="questions"):
        prose.parse(SNIPPET, "prose", {})
