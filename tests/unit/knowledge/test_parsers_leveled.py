"""Easy / Medium / Hard numbered-list parser, on snippets of the leveled question list."""

# ruff: noqa: E501  (snippets are quoted verbatim from the source documents)

from __future__ import annotations

from knowledge.model import Difficulty
from knowledge.parsers import leveled_list

# Quoted from 001_88b9a46f4617a36d.txt: "##" for Easy/Medium but "###" for Hard, and the
# Hard list is numbered 1, 21, 22, ...
SNIPPET = """

# Interview Questions on CNN

## Easy:

1. What is a Convolutional Neural Network (CNN)?
2. Can you explain the difference between a fully connected layer and a convolutional layer?

## Medium:

1. How does a CNN extract features from an image?
19. What are feature detectors in CNNs, and how do they work?

### Hard:

1. Explain the concept of dilated convolutions and their advantage over regular convolutions.
21. How do inception networks differ from traditional CNN architectures, and what problem do they solve?
22. Can you describe the mechanism behind residual networks (ResNets) and how they address the vanishing gradient problem?
23. What is batch normalization, and how does it improve CNN training?"""


def test_every_item_gets_the_difficulty_of_its_heading() -> None:
    parsed = leveled_list.parse(SNIPPET, "lvl", {})
    assert [q.difficulty for q in parsed] == [Difficulty.EASY] * 2 + [Difficulty.MEDIUM] * 2 + [
        Difficulty.HARD
    ] * 4


def test_refs_keep_the_printed_numbering_glitch_and_stay_unique() -> None:
    refs = [q.ref for q in leveled_list.parse(SNIPPET, "lvl", {})]
    assert refs[-4:] == ["Hard 1", "Hard 21", "Hard 22", "Hard 23"]
    assert len(set(refs)) == len(refs)
    assert "Easy 1" in refs and "Medium 1" in refs


def test_title_heading_is_not_a_question_and_items_have_no_answer() -> None:
    parsed = leveled_list.parse(SNIPPET, "lvl", {})
    assert all("Interview Questions on CNN" not in q.text for q in parsed)
    assert all(q.answer is None for q in parsed)
    assert parsed[-1].text == "What is batch normalization, and how does it improve CNN training?"


def test_a_number_repeated_under_one_heading_still_gets_a_unique_ref() -> None:
    text = "## Hard:\n1. What is a capsule network?\n1. What is focal loss?\n"
    assert [q.ref for q in leveled_list.parse(text, "lvl", {})] == ["Hard 1", "Hard 1#2"]
