"""`Q17.` heading parser, on snippets quoted from the 50-question document with long answers."""

# ruff: noqa: E501  (snippets are quoted verbatim from the source documents)

from __future__ import annotations

from typing import Any

import pytest

from knowledge.model import RawQuestion
from knowledge.parsers import ParseError, q_headings

# Quoted from 003_3a022910d3a350e3.txt (answers shortened where marked "[...]").
BACKPROP_ANSWER = (
    "Backpropagation in CNNs is the algorithm used to update the network's weights and biases "
    "based on the calculated gradients of the loss function. [...]"
)
SNIPPET = f"""50 Most important CNN interview Questions

Q3. How does the backpropagation algorithm work in the context of CNNs?

{BACKPROP_ANSWER}

Q4. How does the backpropagation algorithm work in the context of CNNs?

{BACKPROP_ANSWER}

Q5. What is data augmentation, and how does it improve CNN performance?

Data augmentation is a technique used in CNNs [...] Data augmentation helps to prevent

overfitting and improve the generalization ability of the CNN by introducing variations that are likely to occur in real-world scenarios.

Q6.Explain the concept of object detection in CNNs.

Object detection in CNNs is the task of identifying and localizing multiple objects within an image or video.

Q10. . Explain the process of model distillation in CNNs.

Model distillation in CNNs is a technique where a large and complex model, often referred to as the teacher model, is used to train a smaller and more lightweight model, known as the student model.

Q15. Why do we prefer Convolutional Neural networks (CNN) over Artificial Neural networks (ANN) for image data as input?

- 1. Feedforward neural networks can learn a single feature representation of the image [...]
- 2. CNN can learn multiple layers of feature representations of an image by applying filters, or transformations.

Q20. Explain the terms "Valid Padding" and "Same Padding" in CNN.

Valid Padding: This type is used when there is no requirement for Padding. The output matrix after convolution will have the dimension of $(n - f + 1) \\times (n - f + 1)$.

Q21. What are the different types of Pooling? Explain their characteristics.

Spatial Pooling can be of different types - max pooling, average pooling, and Sum pooling.

Q23 What is Stride? What is the effect of high Stride on the feature map? Stride:

Stride refers to the number of pixels the convolutional filter moves across the input data at each step during the convolution operation.

Q29. AlexNet Architecture Overview:

Structure: AlexNet consists of eight layers, including five convolutional layers followed by three fully connected layers.

Q32 . Common CNN Layers?

Batch Normalization Layer

Helps stabilize and expedite training by normalizing the input layer by layer

Example:

```
import tensorflow as tf
from tensorflow.keras import layers, models
# Initialize the CNN model
model = models.Sequential()
Q33. this line is code, not a heading
model.add(layers.Dense(10, activation='softmax'))
```

Q38. Importance of Feature Mapping?

Feature mapping performs two key functions:

39. The Role of Bias in Feature Mapping

In CNNs, bias is a learnable parameter associated with each filter, independent of the input data. Bias adds flexibility to the model, enabling it to better represent the underlying data.

Q46 . Preprocessing Step before applying CNN? Resizing:

Images in the dataset may have varying sizes, but CNNs usually require fixed-size inputs.

Q47, What are the metrics commonly used to evaluate the performance of Convolutional Neural Networks (CNNs)?

Accuracy:

Accuracy measures the proportion of correctly classified samples out of the total number of samples in the dataset.
"""
MANIFEST: dict[str, Any] = {
    "rephrase": {
        "Q29": "Give an overview of the AlexNet architecture.",
        "Q39": "What is the role of bias in feature mapping?",
    }
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, RawQuestion]:
    return {q.ref: q for q in q_headings.parse(SNIPPET, "qh", MANIFEST)}


def test_every_heading_variant_is_found_in_order(parsed: dict[str, RawQuestion]) -> None:
    assert list(parsed) == [
        "Q3", "Q4", "Q5", "Q6", "Q10", "Q15", "Q20", "Q21", "Q23", "Q29", "Q32", "Q38",
        "Q39", "Q46", "Q47",
    ]  # fmt: skip


def test_malformed_numbering_is_stripped_from_the_question(
    parsed: dict[str, RawQuestion],
) -> None:
    assert parsed["Q10"].text == "Explain the process of model distillation in CNNs."
    assert parsed["Q6"].text == "Explain the concept of object detection in CNNs."
    assert parsed["Q32"].text == "Common CNN Layers?"
    assert parsed["Q47"].text.startswith("What are the metrics commonly used")


def test_answer_label_glued_to_the_heading_moves_into_the_answer(
    parsed: dict[str, RawQuestion],
) -> None:
    stride = parsed["Q23"]
    assert stride.text == "What is Stride? What is the effect of high Stride on the feature map?"
    assert stride.answer is not None and stride.answer.startswith("Stride:\nStride refers to")
    resizing = parsed["Q46"]
    assert resizing.text == "Preprocessing Step before applying CNN?"
    assert resizing.answer is not None and resizing.answer.startswith("Resizing:\nImages in")


def test_two_sentence_question_stays_whole(parsed: dict[str, RawQuestion]) -> None:
    assert parsed["Q21"].text == (
        "What are the different types of Pooling? Explain their characteristics."
    )


def test_heading_that_lost_its_q_is_still_a_heading(parsed: dict[str, RawQuestion]) -> None:
    assert parsed["Q38"].answer == "Feature mapping performs two key functions:"
    bias = parsed["Q39"]
    assert bias.text == "What is the role of bias in feature mapping?" and bias.derived
    assert bias.answer is not None and bias.answer.startswith("In CNNs, bias is a learnable")


def test_topic_heading_is_asked_with_our_question_and_marked_derived(
    parsed: dict[str, RawQuestion],
) -> None:
    alexnet = parsed["Q29"]
    assert alexnet.text == "Give an overview of the AlexNet architecture."
    assert alexnet.derived and alexnet.original == "AlexNet Architecture Overview:"
    assert alexnet.answer is not None and alexnet.answer.startswith("Structure: AlexNet")
    assert not parsed["Q38"].derived and parsed["Q38"].original is None


def test_topic_heading_without_our_question_is_an_error_naming_it() -> None:
    with pytest.raises(ParseError, match=r"Q29 'AlexNet Architecture Overview:'.*rephrase"):
        q_headings.parse(SNIPPET, "qh", {})
    with pytest.raises(ParseError, match=r"Q39 'The Role of Bias in Feature Mapping'"):
        q_headings.parse(SNIPPET, "qh", {"rephrase": {"Q29": "Overview?"}})


def test_rephrasing_a_heading_that_does_not_exist_is_an_error() -> None:
    manifest = {"rephrase": {"Q29": "x?", "Q39": "y?", "Q31": "z?"}}
    with pytest.raises(ParseError, match="Q31"):
        q_headings.parse(SNIPPET, "qh", manifest)


def test_exact_duplicate_question_is_kept_as_two_raw_items(
    parsed: dict[str, RawQuestion],
) -> None:
    assert parsed["Q3"].text == parsed["Q4"].text
    assert parsed["Q3"].answer == parsed["Q4"].answer == BACKPROP_ANSWER


def test_code_block_stays_in_the_answer_verbatim(parsed: dict[str, RawQuestion]) -> None:
    answer = parsed["Q32"].answer
    assert answer is not None
    assert "Example:\n```\nimport tensorflow as tf\n" in answer
    assert "# Initialize the CNN model\nmodel = models.Sequential()" in answer
    assert "Q33. this line is code, not a heading" in answer
    assert answer.endswith("activation='softmax'))\n```")


def test_sentence_split_by_a_page_break_is_joined(parsed: dict[str, RawQuestion]) -> None:
    assert "helps to prevent overfitting and improve" in (parsed["Q5"].answer or "")


def test_numbered_bullets_and_inline_math_are_cleaned(parsed: dict[str, RawQuestion]) -> None:
    assert (parsed["Q15"].answer or "").splitlines()[1].startswith("2. CNN can learn multiple")
    assert "dimension of (n - f + 1) × (n - f + 1)." in (parsed["Q20"].answer or "")


def test_numbered_line_out_of_sequence_is_answer_text_not_a_heading() -> None:
    text = "Q7. What is pooling?\n\nThree reasons:\n\n2. Fewer parameters.\n\n9. Invariance.\n"
    (only,) = q_headings.parse(text, "qh", {})
    assert only.answer == "Three reasons:\n2. Fewer parameters.\n9. Invariance."
