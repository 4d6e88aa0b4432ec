"""Authored items and merge overrides: loading with file:line, the lint, the guessers."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.dedup import cluster
from knowledge.itemlint import (
    Scored,
    closest_tfidf,
    farthest_tfidf,
    guess_rates,
    lint,
    longest,
    most_central,
    most_overlap,
    odd_shape,
)
from knowledge.items import load_items
from knowledge.merges import load_overrides
from knowledge.model import AskedAs, RawQuestion
from knowledge.yamlfile import YamlProblem

GOOD = """\
items:
  - ref: book Q1
    answer: |
      Stride is the step between two kernel positions.
    gist: The step the kernel takes between output positions.
    choice:
      correct: The number of pixels the kernel moves between outputs
      distractors:
        - text: The number of zero pixels added around the input border
          why: That is padding.
        - text: The number of pixels skipped between the kernel's taps
          why: That is dilation.
        - text: The number of channels the kernel reads at each position
          why: A kernel always spans every input channel.
    key_points: [step between positions, stride 2 halves each side, cheap downsampling]
  - ref: book Q2
    answer: Talk through the whole design.
    gist: A design discussion.
    key_points: [data, model, evaluation]
"""


def _write(tmp_path: Path, body: str, name: str = "items.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_items_load_with_their_choice_and_key_points(tmp_path: Path) -> None:
    items = load_items([_write(tmp_path, GOOD)])
    stride, design = items["book Q1"], items["book Q2"]
    assert stride.asked_as is AskedAs.CHOICE and design.asked_as is AskedAs.OPEN
    assert stride.choice is not None and len(stride.choice.distractors) == 3
    assert stride.choice.options[0].startswith("The number of pixels the kernel moves")
    assert design.key_points == ("data", "model", "evaluation")
    assert stride.where.endswith("items.yaml:2")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("    gist: A design discussion.\n", ""), ":16: missing 'gist'"),
        (("    key_points: [data, model, evaluation]\n", ""), ":16: an open question needs"),
        (
            ("        - text: The number of channels", "        - txt: The number of channels"),
            ":13: each distractor needs exactly 'text' and 'why'",
        ),
        (("  - ref: book Q2\n", "  - ref: book Q2\n    anwser: typo\n"), "unknown key(s) anwser"),
        (("key_points: [data, model, evaluation]", "key_points: [data]"), "3 to 6 key points"),
        (("ref: book Q2", "ref: book Q1"), "ref 'book Q1' already has an item"),
    ],
)
def test_every_malformed_item_is_named_with_its_line(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*edit))
    with pytest.raises(YamlProblem) as err:
        load_items([path])
    assert any(message in p and str(path) in p for p in err.value.problems), err.value.problems


def test_unreadable_files_are_file_line_problems_not_tracebacks(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"items:\n  - ref: caf\xe9\n")
    deep = _write(tmp_path, "items: " + "[" * 5000 + "]" * 5000, "deep.yaml")
    broken = _write(tmp_path, "items: [unclosed", "broken.yaml")
    with pytest.raises(YamlProblem) as err:
        load_items([latin, deep, broken])
    problems = "\n".join(err.value.problems)
    assert f"{latin}:2: not UTF-8 text" in problems
    assert f"{deep}:1: nested more than" in problems
    assert f"{broken}:1: not valid YAML" in problems


FAIR = Scored(
    "fair",
    "What is stride?",
    (
        "The number of pixels the kernel moves between outputs",
        "The number of zero pixels added around the input border",
        "The number of pixels skipped between the kernel's taps",
        "The number of channels the kernel reads at each position",
    ),
)


def test_a_fair_item_passes_the_lint() -> None:
    assert lint(FAIR) == []


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (("Short", *FAIR.options[1:]), "option lengths are uneven"),
        ((FAIR.options[1], *FAIR.options[1:]), "two options are the same"),
        (("The number of pixels the kernel moves, e.g.", *FAIR.options[1:]), "looks cut off"),
        (("The number of pixels the kernel moves between…", *FAIR.options[1:]), "looks cut off"),
        (("", *FAIR.options[1:]), "an option is empty"),
        (
            ("Stride is the number of pixels the kernel moves each step", *FAIR.options[1:]),
            "the right option alone repeats the question's word 'strid'",
        ),
        (
            (
                FAIR.options[0],
                "Only the number of zero pixels added around the input border",
                "Always the number of pixels skipped between the kernel's taps",
                FAIR.options[3],
            ),
            "absolute words (only, always, never) mark the wrong options",
        ),
        (
            (
                FAIR.options[0],
                "The number of zero pixels added around any input border",
                "The number of pixels the kernel's taps skip for good",
                "The number of channels the kernel reads at each position",
            ),
            "absolute words (only, always, never) mark the wrong options",
        ),
    ],
)
def test_the_lint_names_what_gives_an_item_away(options: tuple[str, ...], problem: str) -> None:
    assert any(problem in p for p in lint(Scored("x", FAIR.prompt, options)))


def test_a_cue_word_shared_by_two_distractors_is_fair() -> None:
    options = (
        "Stride: how far the kernel moves between outputs",
        "Stride: how much zero border is added to the input",
        "Stride: how far apart the kernel's own taps are",
        "How many channels the kernel reads at each step",
    )
    assert lint(Scored("x", "What is stride?", options)) == []


WHY = "Why is data augmentation used?"
REASONED = (
    "It raises training accuracy, because each image is seen many more times per epoch",
    "It balances the classes, because every class gets the same number of altered copies",
    "It blocks adversarial attacks, because random flips already cover tiny perturbations",
)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (  # every distractor argues "because ..."; the key alone states a bare fact
            ("It shows many label-preserving variants of an image, curbing overfitting", *REASONED),
            "the right option alone lacks a reason clause",
        ),
        (  # the key alone gives a consequence ("so that")
            (
                "Extra zeros set around the input's border so that edge pixels are covered too",
                "Extra zeros set around the output map afterwards, restoring the input's size",
                "Extra zero channels stacked onto the input, matching its depth to the filters",
                "Extra zeros slotted between neighbouring input pixels, enlarging the output map",
            ),
            "the right option alone has a reason clause",
        ),
        (  # the key alone joins two benefits
            (
                "It keeps the output from shrinking and lets border pixels be covered fully",
                "It keeps the channel count equal to the input's, preserving colour information",
                "It cuts the layer's computation, skipping the added zero entries when multiplying",
                "It enlarges each unit's receptive field, letting deeper layers see more",
            ),
            "the right option alone has two benefits or cases joined with 'and' / 'or'",
        ),
        (  # the key alone covers both cases
            (
                "Networks trained on ImageNet, reused as frozen feature extractors or fine-tuned",
                "Networks trained on ImageNet, reused by retraining the early layers they hold",
                "Networks trained on ImageNet, whose fixed head rules out learning new classes",
                "Architectures searched on ImageNet, released as blueprints to train from scratch",
            ),
            "the right option alone has two benefits or cases joined with 'and' / 'or'",
        ),
        (  # the key alone hedges against confident distractors
            (
                "It usually lets higher learning rates train stably, speeding up convergence",
                "It makes training insensitive to batch size, even at one image per batch",
                "It gives identical outputs in training as at inference, storing no statistics",
                "It rescales each layer's weights to unit norm, making weight decay unnecessary",
            ),
            "the right option alone has a hedge",
        ),
    ],
)
def test_the_lint_flags_a_key_whose_sentence_shape_differs(
    options: tuple[str, ...], problem: str
) -> None:
    problems = lint(Scored("x", WHY, options))
    assert any(problem in p for p in problems), problems
    assert odd_shape([Scored("x", WHY, options)]) == [1.0]


def test_a_shape_shared_with_a_distractor_or_odd_in_a_distractor_is_fair() -> None:
    # All four give a reason: nothing stands out.
    key = "It curbs overfitting, because the network sees many label-preserving variants"
    assert lint(Scored("x", WHY, (key, *REASONED))) == []
    # The key joins two things but so does a distractor.
    joined = (
        "It keeps the output from shrinking and lets border pixels be covered fully",
        "It keeps the channel count and the colour information of the input intact",
        "It cuts the layer's computation, skipping the added zero entries when multiplying",
        "It enlarges each unit's receptive field, letting deeper layers see more of the image",
    )
    assert lint(Scored("x", WHY, joined)) == []
    # The odd one out is a distractor (a distractor alone hedges or joins): no cue to the key.
    odd_wrong = (
        "It keeps the output from shrinking, covering border pixels fully",
        "It may keep the channel count equal to the input's, preserving colour",
        "It cuts the layer's computation, skipping the added zero entries",
        "It enlarges each unit's receptive field, letting deeper layers see more",
    )
    assert lint(Scored("x", WHY, odd_wrong)) == []
    assert odd_shape([Scored("x", WHY, odd_wrong)]) == [0.0]
    # A key that alone lacks a join or a hedge is not flagged: only the reason cuts both ways.
    plain_key = (
        "It keeps the output from shrinking, covering border pixels fully",
        "It may keep the channel count equal to the input's, preserving colour",
        "It can cut the layer's computation and skip the added zero entries",
        "It often enlarges each unit's receptive field and lets deeper layers see more",
    )
    assert lint(Scored("x", WHY, plain_key)) == []


def test_guessers_find_the_cues_a_careless_bank_leaves() -> None:
    # The right option is the longest and repeats the question: every guesser finds it.
    careless = [
        Scored(
            f"q{n}",
            f"What does batch normalization do in layer {n}?",
            (
                f"Batch normalization normalizes layer {n} activations over the batch",
                "It adds noise",
                "It is slow",
                "Nothing much",
            ),
        )
        for n in range(8)
    ]
    rates = guess_rates(careless)
    for name in ("most word overlap with the question", "longest option"):
        assert rates[name] == 1.0, rates
    assert rates["closest character TF-IDF to the question"] == 1.0, rates
    assert guess_rates([FAIR] * 4)["longest option"] < 1.0


def test_the_option_most_like_the_others_is_caught_when_distractors_copy_the_key() -> None:
    # Each distractor edits one half of the key: the key is what they have in common.
    copied = Scored(
        "c",
        "What does dropout do?",
        (
            "zeroes random units during training to stop co-adaptation",
            "zeroes random weights during inference to stop co-adaptation",
            "zeroes random units during inference to speed up training",
            "scales random units during training to stop overfitting",
        ),
    )
    assert most_central([copied]) == [1.0]
    assert most_central([FAIR]) != [1.0]


def test_the_option_least_like_the_question_is_caught_when_distractors_echo_it() -> None:
    # Each distractor repeats the question's wording; the key alone says it in other words.
    echoed = [
        Scored(
            f"e{n}",
            f"What does a pooling layer do to feature map {n}?",
            (
                f"Summarises each small window by one number, shrinking map {n}",
                f"A pooling layer adds learned weights to feature map {n}",
                f"A pooling layer adds channels to feature map {n}",
                f"A pooling layer does a convolution on feature map {n}",
            ),
        )
        for n in range(6)
    ]
    assert farthest_tfidf(echoed) == [1.0] * 6
    assert guess_rates(echoed)["farthest character TF-IDF from the question"] == 1.0
    assert guess_rates(echoed)["closest character TF-IDF to the question"] == 0.0
    # The same items with the key first reversed: the guesser no longer finds it.
    swapped = [Scored(i.where, i.prompt, (*i.options[1:], i.options[0])) for i in echoed]
    assert farthest_tfidf(swapped) == [0.0] * 6


def test_ties_give_a_guesser_a_share_not_a_win() -> None:
    same = Scored("t", "Which?", ("aaaa", "bbbb", "cccc", "dddd"))
    assert longest([same]) == [0.25]
    assert most_overlap([same]) == [0.25]
    assert closest_tfidf([same])[0] <= 0.25
    assert farthest_tfidf([same])[0] <= 0.25


def test_overrides_load_and_say_which_pairs_were_reviewed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "merge:\n  - refs: [a Q1, b Q9]\n    why: same question\n"
        "apart:\n  - refs: [a Q1, a Q2, c Q3]\n    why: what, why and how\n",
        "merges.yaml",
    )
    overrides = load_overrides(path)
    assert overrides.reviewed({"a Q2"}, {"c Q3"})
    assert overrides.reviewed({"b Q9"}, {"a Q1", "x Q5"})
    assert not overrides.reviewed({"a Q2"}, {"b Q9"})
    bad = _write(tmp_path, "merge:\n  - refs: [a Q1]\n", "bad.yaml")
    with pytest.raises(YamlProblem) as err:
        load_overrides(bad)
    assert any(f"{bad}:2:" in p and "two or more refs" in p for p in err.value.problems)
    assert any("say 'why'" in p for p in err.value.problems)


def _raw(source: str, ref: str, text: str) -> RawQuestion:
    return RawQuestion(source, ref, text, answer=f"Answer to {text}")


def test_a_reviewed_merge_joins_and_an_apart_set_separates(tmp_path: Path) -> None:
    raws = [
        _raw("a", "Q1", "What is dropout in a CNN?"),
        _raw("b", "Q1", "What is dropout in CNNs?"),
        _raw("c", "Q1", "Preprocessing steps before applying a CNN?"),
        _raw("d", "Q4", "What are common data preprocessing steps for CNN input?"),
    ]
    plain = cluster(raws)
    assert len(plain.groups) == 3  # the two dropout phrasings merge by themselves
    path = _write(
        tmp_path,
        "merge:\n  - refs: [c Q1, d Q4]\n    why: both ask for preprocessing steps\n"
        "apart:\n  - refs: [a Q1, b Q1]\n    why: pretend they differ\n",
        "merges.yaml",
    )
    reviewed = cluster(raws, overrides=load_overrides(path))
    sizes = sorted(len(g.members) for g in reviewed.groups)
    assert sizes == [1, 1, 2]
    merged = next(g for g in reviewed.groups if len(g.members) == 2)
    assert {m.source for m in merged.members} == {"c", "d"}
