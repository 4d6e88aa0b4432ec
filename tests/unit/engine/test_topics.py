"""Topic matching: fuzzy resolution and suggestions."""

from __future__ import annotations

import pytest

from knowledge.bank import Bank
from quizbot.errors import UnknownTopic
from quizbot.topics import TopicMatcher


@pytest.fixture
def matcher(bank: Bank) -> TopicMatcher:
    return TopicMatcher(bank.concepts.values())


@pytest.mark.parametrize(
    ("typed", "concept"),
    [
        ("resnet", "resnet"),
        ("ResNet", "resnet"),
        ("res net", "resnet"),
        ("res-net", "resnet"),
        ("skip conections", "skip-connection"),
        ("Skip Connection", "skip-connection"),
        ("residual connection", "skip-connection"),
        ("max-pooling", "max-pooling"),
        ("maxpool", "max-pooling"),
        ("backprop", "backpropagation"),
        ("batch normalisation", "batch-normalization"),
        ("googlenet", "inception"),
        ("mobile", "mobilenet"),  # a unique prefix
        ("pool", "pooling"),
    ],
)
def test_resolves_names_aliases_and_typos(matcher: TopicMatcher, typed: str, concept: str) -> None:
    assert matcher.resolve(typed) == concept


def test_nonsense_raises_with_suggestions(matcher: TopicMatcher, bank: Bank) -> None:
    with pytest.raises(UnknownTopic) as err:
        matcher.resolve("quantum banana")
    assert "quantum banana" in err.value.message
    names = {c.name for c in bank.concepts.values()}
    assert 1 <= len(err.value.suggestions) <= 5
    assert set(err.value.suggestions) <= names


def test_near_miss_suggests_the_close_concept(matcher: TopicMatcher) -> None:
    with pytest.raises(UnknownTopic) as err:
        matcher.resolve("skip gradient")
    assert {"skip connection", "vanishing gradient"} & set(err.value.suggestions)


def test_empty_topic_is_refused(matcher: TopicMatcher) -> None:
    with pytest.raises(UnknownTopic):
        matcher.resolve("  ")


def test_suggest_for_autocomplete(matcher: TopicMatcher, bank: Bank) -> None:
    first = matcher.suggest("res")
    assert first[0] == ("resnet", "ResNet")
    assert ("skip-connection", "skip connection") in matcher.suggest("resid")
    everything = matcher.suggest("", limit=100)
    assert len(everything) == len(bank.concepts)
    assert len(matcher.suggest("", limit=3)) == 3
    assert len({cid for cid, _ in matcher.suggest("conv")}) == len(matcher.suggest("conv"))


def test_a_one_word_alias_is_spelled_out_inside_a_longer_topic() -> None:
    from knowledge.model import Concept

    concepts = [
        Concept("convolution", "convolution", "operation", "Sliding a filter.", ("conv",)),
        Concept("conv-output", "convolution output size", "math", "How big the output is."),
        Concept("batch-size", "batch size", "training", "Examples per step."),
    ]
    matcher = TopicMatcher(concepts)
    assert matcher.resolve("conv output size") == "conv-output"
    assert matcher.resolve("conv") == "convolution"
    with pytest.raises(UnknownTopic):
        matcher.resolve("conv banana")
