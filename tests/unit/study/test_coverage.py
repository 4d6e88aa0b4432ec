"""Interview answers against key points: good, partial, off-topic, misspelt and keyword-stuffed."""

from __future__ import annotations

import pytest

from knowledge.model import Concept
from quizbot.study.coverage import PointMatcher, is_stuffed
from quizbot.study.interview import rating_cap

CONCEPTS = [
    Concept("weight-sharing", "weight sharing", "technique", "…", ("parameter sharing",)),
    Concept(
        "local-connectivity",
        "local connectivity",
        "property",
        "…",
        ("sparse connectivity", "local receptive field"),
    ),
    Concept("convolution", "convolution", "operation", "…", ("conv",)),
    Concept("fully-connected", "fully connected layer", "layer", "…", ("dense layer",)),
    Concept("filter", "filter", "component", "…", ("kernel",)),
    Concept("dropout", "dropout", "technique", "…"),
    Concept("pooling", "pooling", "operation", "…"),
]
# The key points of "Why does a CNN need far fewer parameters than a dense network?"
POINTS = (
    "weight sharing: one filter reused at every position",
    "local connectivity: each unit sees only a small patch",
    "conv parameter count does not depend on image size",
    "a dense layer needs a weight per input–output pair (hundreds of millions for images)",
)
GOOD = (
    "A convolution slides one small filter over the image and reuses the same weights at "
    "every position, which is parameter sharing. Each output unit only looks at a small local "
    "patch of the input. So the number of parameters depends on the kernel size and the "
    "channels, not on the image size, whereas a dense layer connects every input pixel to "
    "every output unit and needs hundreds of millions of weights."
)
PARTIAL = (
    "Because the same filter weights are shared and reused at every position in the image, "
    "you learn far fewer weights."
)
OFF_TOPIC = (
    "Pooling reduces the resolution and dropout randomly zeroes activations during training, "
    "which helps against overfitting."
)
MISSPELT = (
    "The filtre is reused at every positon (wieght sharing), and each unit sees a small patch "
    "of the input; the parameter count doesn't depend on the image size."
)
STUFFED = (
    "weight sharing filter reused position local connectivity unit small patch conv parameter "
    "count image size dense layer weight input output pair millions"
)
STUFFED_WITH_AND = (
    "weight sharing and filter and position and local connectivity and patch and parameter "
    "count and image size and dense layer and input output pairs"
)


@pytest.fixture(scope="module")
def matcher() -> PointMatcher:
    return PointMatcher(CONCEPTS)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (GOOD, (True, True, True, True)),
        (PARTIAL, (True, False, False, False)),
        (OFF_TOPIC, (False, False, False, False)),
        (MISSPELT, (True, True, True, False)),
    ],
    ids=["good", "partial", "off-topic", "misspelt"],
)
def test_an_answer_covers_the_points_it_explains(
    matcher: PointMatcher, answer: str, expected: tuple[bool, ...]
) -> None:
    coverage = matcher.coverage(answer, POINTS)
    assert coverage.covered == expected
    assert not coverage.stuffed


@pytest.mark.parametrize("answer", [STUFFED, STUFFED_WITH_AND], ids=["list", "joined-by-and"])
def test_a_list_of_keywords_covers_nothing(matcher: PointMatcher, answer: str) -> None:
    coverage = matcher.coverage(answer, POINTS)
    assert coverage.stuffed and coverage.count == 0


def test_an_alias_names_the_concept(matcher: PointMatcher) -> None:
    said = "It is all about parameter sharing: the filter is reused across every position."
    assert matcher.covers(said, POINTS[0])
    assert not matcher.covers("It is all about parameter counting.", POINTS[0])


@pytest.mark.parametrize(
    "text", ["Weight sharing.", "Conv layers reuse filters.", GOOD, PARTIAL, MISSPELT]
)
def test_short_answers_and_prose_are_not_called_stuffing(text: str) -> None:
    assert not is_stuffed(text)


@pytest.mark.parametrize(
    ("covered", "total", "stuffed", "cap"),
    [
        (0, 4, False, "again"),
        (4, 4, True, "again"),
        (1, 4, False, "hard"),
        (2, 4, False, "good"),
        (3, 4, False, "good"),
        (4, 4, False, "easy"),
        (0, 0, False, "easy"),
    ],
)
def test_the_rating_a_typed_answer_supports(
    covered: int, total: int, stuffed: bool, cap: str
) -> None:
    assert rating_cap(covered, total, stuffed) == cap
