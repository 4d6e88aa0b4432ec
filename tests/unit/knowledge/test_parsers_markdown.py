"""Markdown `### Q12.` parser, on snippets quoted from the 100-question Markdown document."""

# ruff: noqa: E501, W291  (snippets are quoted verbatim from the source documents)

from __future__ import annotations

import pytest

from knowledge.parsers import ParseError, markdown_q

# Quoted from 000_e69b63329c20410b.txt (note the two trailing spaces after list items).
SNIPPET = """# Convolutional Neural Networks (CNN) – 100 Interview Questions & Answers

---

### Q1. What is a Convolutional Neural Network (CNN)?
A CNN is a deep learning architecture designed to process data with grid-like topology (e.g., images) using convolutional, pooling, and fully connected layers.

---

### Q2. What are the key components of a CNN?
* Convolutional layers  
* Activation functions  
* Pooling layers  
* Fully connected layers  
* Dropout/normalization layers

---

### Q7. What is valid vs same padding?
* **Valid**: No padding, output smaller than input.  
* **Same**: Padding ensures output size equals input size.

---

### Q71. What is YOLO?
“You Only Look Once” — a real-time object detection CNN that predicts bounding boxes and classes in one pass.
"""


def _parse() -> dict[str, tuple[str, str | None]]:
    return {q.ref: (q.text, q.answer) for q in markdown_q.parse(SNIPPET, "md", {})}


def test_each_heading_is_one_question_with_its_number_as_ref() -> None:
    parsed = markdown_q.parse(SNIPPET, "md", {})
    assert [q.ref for q in parsed] == ["Q1", "Q2", "Q7", "Q71"]
    assert parsed[0].text == "What is a Convolutional Neural Network (CNN)?"
    assert all(q.source == "md" and not q.derived and q.difficulty is None for q in parsed)


def test_document_title_and_rules_are_not_part_of_any_answer() -> None:
    answers = "\n".join(a or "" for _, a in _parse().values())
    assert "100 Interview Questions" not in answers
    assert "---" not in answers


def test_bullet_list_answer_keeps_every_item_on_its_own_line() -> None:
    _, answer = _parse()["Q2"]
    assert answer == (
        "- Convolutional layers\n- Activation functions\n- Pooling layers\n"
        "- Fully connected layers\n- Dropout/normalization layers"
    )


def test_bold_markup_is_removed_from_bullets() -> None:
    _, answer = _parse()["Q7"]
    assert answer == (
        "- Valid: No padding, output smaller than input.\n"
        "- Same: Padding ensures output size equals input size."
    )


def test_one_line_answer_is_kept_verbatim_including_typographic_quotes() -> None:
    _, answer = _parse()["Q71"]
    assert answer is not None and answer.startswith("“You Only Look Once” — a real-time")


def test_document_without_headings_is_an_error() -> None:
    with pytest.raises(ParseError, match="md"):
        markdown_q.parse("Just a paragraph.\n", "md", {})
