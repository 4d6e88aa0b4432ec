"""Gists: one short sentence per answer, from the real sources, usable as a choice."""

from __future__ import annotations

import pytest

from knowledge.gist import MAX_CHARS, gist
from knowledge.sources import load_raw_questions


@pytest.fixture(scope="module")
def answers() -> dict[tuple[str, str], tuple[str, str]]:
    return {(q.source, q.ref): (q.text, q.answer) for q in load_raw_questions() if q.answer}


def test_every_real_answer_gets_a_short_clean_gist(answers) -> None:
    for (source, ref), (question, answer) in answers.items():
        g = gist(answer, question)
        assert g, (source, ref)
        assert len(g) <= MAX_CHARS, (source, ref)
        assert "\n" not in g and "**" not in g and "```" not in g and not g.startswith("* ")
        assert g.strip().lower() != question.strip().lower()


def test_first_sentence_of_a_prose_answer(answers) -> None:
    question, answer = answers[("cnn-web-dump", "Q2")]
    assert (
        gist(answer, question)
        == "Stride defines the step size when moving the filter across the image."
    )


def test_bullet_only_answer_becomes_a_list(answers) -> None:
    question, answer = answers[("cnn100-md", "Q9")]
    assert (
        gist(answer, question)
        == "Max pooling, average pooling, global pooling (global max/average)."
    )


def test_bold_labels_lose_their_markdown(answers) -> None:
    question, answer = answers[("cnn100-md", "Q7")]
    g = gist(answer, question)
    assert g.startswith("Valid: No padding") and "Same: Padding" in g


def test_heading_lines_are_skipped() -> None:
    answer = "Overview:\nThe input layer receives the raw images.\nMore follows."
    assert gist(answer, "Explain the input layer.") == "The input layer receives the raw images."


def test_an_answer_of_labelled_items_becomes_the_list_of_labels(answers) -> None:
    question, answer = answers[("cnn50-qa", "Q16")]  # "Input Layer:" then paragraphs, ...
    assert gist(answer, question) == (
        "Input Layer, Convolutional Layer, ReLU Layer, Pooling Layer, Fully Connected Layer, "
        "Softmax / Logistic Layer, Output Layer."
    )
    question, answer = answers[("cnn50-qa", "Q30")]  # "Dropout: Randomly deactivates ..."
    assert gist(answer, question) == (
        "Dropout, Weight Decay (L2 Regularization), Batch Normalization, Data Augmentation, "
        "Early Stopping."
    )


def test_labels_stop_at_a_second_list_and_need_a_list_question() -> None:
    answer = (
        "Common problems include:\nBorder Effects: edges lose information.\n"
        "Overfitting: too many weights.\nThese problems can be addressed through techniques:\n"
        "Padding: add a border.\nDropout: drop units."
    )
    assert gist(answer, "Which problems does convolution have?") == ("Border Effects, Overfitting.")
    defined = "Core: sharing weights.\nSpeed: fewer parameters.\nSize: smaller models."
    assert gist(defined, "What is weight sharing?") == "Core: sharing weights."


def test_code_is_never_the_gist(answers) -> None:
    question, answer = answers[("cnn50-qa", "Q32")]
    assert "import" not in gist(answer, question)
    assert gist("```python\nimport torch\n```\nDropout zeroes random units while training.") == (
        "Dropout zeroes random units while training."
    )


def test_restating_the_question_is_skipped() -> None:
    answer = "What is pooling in CNN? Pooling downsamples feature maps to cut computation."
    assert gist(answer, "What is pooling in CNN?") == (
        "Pooling downsamples feature maps to cut computation."
    )


def test_abbreviations_do_not_end_the_sentence(answers) -> None:
    question, answer = answers[("cnn100-md", "Q1")]
    assert "(e.g., images)" in gist(answer, question)


def test_long_sentences_are_cut_at_a_clause_with_an_ellipsis() -> None:
    sentence = "Batch normalization " + ", ".join(["re-centres and rescales activations"] * 12)
    g = gist(sentence + ".")
    assert len(g) <= MAX_CHARS and g.endswith("…")


def test_no_answer_no_gist() -> None:
    assert gist(None) is None and gist("   ") is None
