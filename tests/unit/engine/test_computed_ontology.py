"""Computed asks against the real ontology: every wired concept exists and its topic reaches it."""

from __future__ import annotations

import random

import pytest

from knowledge.bank import Bank
from knowledge.build import build_bank
from quizbot.asking.computed import COMPUTED_CONCEPTS, make_computed_ask
from quizbot.topics import TopicMatcher

pytestmark = pytest.mark.slow  # builds the whole bank once


@pytest.fixture(scope="module")
def real_bank() -> Bank:
    return build_bank()


def test_every_wired_concept_is_in_the_ontology(real_bank: Bank) -> None:
    assert sorted(COMPUTED_CONCEPTS - set(real_bank.concepts)) == []


@pytest.mark.parametrize(
    "topic",
    [
        "conv output size",  # the issue: these two never asked a computed question
        "parameter count",
        "receptive field",
        "stride",
        "padding",
        "pooling",
        "max pooling",
        "average pooling",
        "depthwise separable convolution",
        "dilated convolution",
        "kernel size",
        "conv layer",
    ],
)
def test_each_topic_reaches_a_computed_ask(real_bank: Bank, topic: str) -> None:
    concept = TopicMatcher(real_bank.concepts.values()).resolve(topic)
    assert concept in COMPUTED_CONCEPTS
    spec = make_computed_ask(random.Random(0), concept)
    assert spec.concept_id == concept


# The concepts slip follow-ups drill (tests/unit/engine/test_slips.py checks each one's).
FOLLOW_UP_CONCEPTS = frozenset(
    {
        "padding",
        "stride",
        "output-size",
        "dilated-convolution",
        "parameter-count",
        "parameter-sharing",
        "receptive-field",
    }
)


def test_every_follow_up_is_on_a_concept_of_the_ontology(real_bank: Bank) -> None:
    assert sorted(FOLLOW_UP_CONCEPTS - set(real_bank.concepts)) == []
