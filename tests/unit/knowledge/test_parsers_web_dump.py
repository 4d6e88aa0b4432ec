"""Web-page dump parser, on the copied page: glued numbers, repeats, markers, navigation."""

# ruff: noqa: E501  (snippets are quoted verbatim from the source documents)

from __future__ import annotations

from knowledge.parsers import web_dump

# Quoted from 004_2f05e319ac35fcfb.txt (the page opens with an empty line).
HEAD = """
CNN & Image Classification
Convolutions, pooling, architectures (VGG, ResNet), transfer learning, data augmentation, fine-tuning
1What is a convolution operation in a CNN?
What is a convolution operation in a CNN?
Answer
A convolution is a mathematical operation that applies a filter (kernel) over an image by sliding this filter across the input and computing the dot product at each position. This allows extracting local features such as edges, textures, or patterns. Unlike dense networks where each neuron is connected to all inputs, convolution exploits the spatial structure of images by sharing filter weights across the entire image.
2What is the role of stride in a convolution layer?
What is the role of stride in a convolution layer?
Answer
Stride defines the step size when moving the filter across the image. A stride of 1 moves the filter by one pixel at each step, while a stride of 2 moves it by 2 pixels, thus reducing the output size. Increasing stride allows reducing the spatial dimension of the feature map and computational cost, but may also cause information loss if the stride is too large.
What is the difference between Max Pooling and Average Pooling?
What is a feature map in a CNN?
"""
NAVIGATION = """+21 interview questions
Other Data Science & ML interview topics
Python Basics
Python Object-Oriented Programming
Git Fundamentals
Supervised ML: Classification
Deep Learning Fundamentals
Master Data Science & ML for your next interview
Access all questions, flashcards, technical tests, code review exercises and interview simulators.
Start for free"""
PAGE = HEAD + NAVIGATION


def test_glued_number_becomes_the_ref_and_is_stripped_from_the_text() -> None:
    parsed = web_dump.parse(PAGE, "web", {})
    assert [(q.ref, q.text) for q in parsed[:2]] == [
        ("Q1", "What is a convolution operation in a CNN?"),
        ("Q2", "What is the role of stride in a convolution layer?"),
    ]


def test_repeated_question_and_answer_marker_stay_out_of_the_answer() -> None:
    first = web_dump.parse(PAGE, "web", {})[0]
    assert first.answer is not None
    assert first.answer.startswith("A convolution is a mathematical operation")
    assert "Answer" not in first.answer.splitlines()
    assert "What is a convolution operation" not in first.answer


def test_trailing_questions_are_kept_without_an_answer() -> None:
    parsed = web_dump.parse(PAGE, "web", {})
    assert [(q.ref, q.text, q.answer) for q in parsed[2:]] == [
        ("item 3", "What is the difference between Max Pooling and Average Pooling?", None),
        ("item 4", "What is a feature map in a CNN?", None),
    ]


def test_site_navigation_never_becomes_a_question_even_without_a_stop_marker() -> None:
    for manifest in ({}, {"stop_at": r"^\+\d+ interview questions"}):
        parsed = web_dump.parse(PAGE, "web", manifest)
        texts = " ".join(q.text + (q.answer or "") for q in parsed)
        assert len(parsed) == 4
        for junk in ("Python Basics", "Start for free", "interview topics", "+21", "CNN & Image"):
            assert junk not in texts


def test_navigation_right_after_an_answer_does_not_extend_that_answer() -> None:
    page = HEAD.split("What is the difference")[0] + NAVIGATION
    last = web_dump.parse(page, "web", {})[-1]
    assert last.answer is not None and last.answer.endswith("if the stride is too large.")
