"""Deduplication: labelled pairs from the real sources, clustering, canonical choice, stable ids."""
# ruff: noqa: E501  (the labelled pairs are quoted verbatim from the sources)

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from knowledge.dedup import (
    THRESHOLD,
    Similarity,
    clarity_key,
    cluster,
    merge_difficulty,
)
from knowledge.model import Difficulty, RawQuestion
from knowledge.sources import load_raw_questions

# Same question, different phrasing (all texts as they appear in the five sources).
POSITIVE = [
    ("What is batch normalization in CNN?", "What is batch normalization, and how does it improve CNN training?"),
    ("What is batch normalization in CNN?", "Explain the concept of batch normalization and its role in CNN training."),
    ("What is batch normalization, and how does it improve CNN training?", "Explain the concept of batch normalization and its role in CNN training."),
    ("What is a Convolutional Neural Network (CNN)?", "What is a convolutional neural network (CNN), and how does it differ from traditional neural networks?"),
    ("What is convolution in CNN?", "What is a convolution operation in a CNN?"),
    ("What is valid vs same padding?", 'Explain the terms "Valid Padding" and "Same Padding" in CNN.'),
    ("Types of pooling in CNN?", "What are the different types of Pooling? Explain their characteristics."),
    ("What are feature maps?", "Can you explain what is meant by 'feature map' in the context of CNNs?"),
    ("What are feature maps?", "What is a feature map in a CNN?"),
    ("What is receptive field in CNN?", "Explain the concept of receptive fields in the context of CNNs."),
    ("Why is ReLU commonly used in CNNs?", "Explain the significance of the RELU Activation function in Convolution Neural Network."),
    ("What is weight sharing in CNN?", "Can you explain the concept of parameter sharing in CNNs?"),
    ("What is weight sharing in CNN?", "How does parameter sharing work in convolutional layers?"),
    ("What is dilated convolution?", "Explain the concept of dilated convolutions and their advantage over regular convolutions."),
    ("Discuss the role of skip connections in CNN architectures.", "Discuss the benefits of using skip connections in CNN architectures like ResNet"),
    ("Why use dropout in CNN?", "What is the purpose of using dropout in a CNN?"),
    ("What is data augmentation in CNN?", "What is data augmentation, and how does it improve CNN performance?"),
    ("What is data augmentation in CNN?", "What is image augmentation, and why is it used in training CNN models?"),
    ("What is transfer learning in CNN?", "Describe the concept of transfer learning in the context of CNNs."),
    ("What is focal loss?", "Explain the concept of focal loss and its application in class-imbalanced scenarios."),
    ("What is UNet?", "How does the U-Net architecture work, and for what type of problems is it suited?"),
    ("What is ResNet?", "Can you describe the mechanism behind residual networks (ResNets) and how they address the vanishing gradient problem?"),
    ("Can you explain the difference between a fully connected layer and a convolutional layer?", "What is the difference between a fully connected layer and a convolutional layer?"),
    ("What is feature extraction in CNN?", "Explain the concept of feature extraction in CNNs."),
    ("What is knowledge distillation in CNN?", "Explain the process of model distillation in CNNs."),
    ("What is quantization in CNN?", "What is model quantization, and how does it optimize CNN performance?"),
    ("What is object detection?", "Explain the concept of object detection in CNNs."),
    ("What is the purpose of pooling?", "Use of Pooling layer?"),
    ("How do CNNs deal with overfitting?", "How can you prevent overfitting in a CNN model?"),
    ("Describe the process of backpropagation in CNNs. How does it differ from traditional neural networks?", "How does the backpropagation algorithm work in the context of CNNs?"),
    ("What is stride in CNN?", "What is Stride? What is the effect of high Stride on the feature map?"),
    ("Explain the role of the flattening layer in CNN.", 'What is meant by "flattening" in the context of CNNs?'),
    ("What is adversarial attack in CNN?", "What are adversarial examples, and how can they affect CNN models?"),
    ("What is the difference between Max Pooling and Average Pooling?", "When would you choose max pooling over average pooling, and vice versa?"),
    ("What is the difference between a fully connected layer and a convolutional layer?", "How does a fully connected layer differ from a convolutional layer?"),
    ("What is convolution in CNN?", "How does the convolution operation work, including on multi-channel inputs?"),
    ("What is AlexNet?", "Give an overview of the AlexNet architecture."),
    pytest.param(
        "What are the metrics commonly used to evaluate the performance of Convolutional Neural Networks (CNNs)?",
        "What are accuracy metrics used in evaluating CNN models?",
        marks=pytest.mark.xfail(strict=True, reason="known miss: 'accuracy' reads as a topic word"),
    ),
]  # fmt: skip

# Questions that share a concept but ask different things: must stay apart.
NEGATIVE = [
    ("What is an R-CNN?", "What is Fast R-CNN?"),
    ("What is Fast R-CNN?", "What is Faster R-CNN?"),
    ("What is Faster R-CNN?", "What is Mask R-CNN?"),
    ("What is 3D convolution?", "Applications of 3D CNNs?"),
    ("What is AlexNet?", "Why was AlexNet significant?"),
    ("What is 1x1 convolution?", "Applications of 1x1 convolutions?"),
    ("What is dilated convolution?", "Where is dilated convolution useful?"),
    ("What is depthwise separable convolution?", "Which architectures use depthwise separable convolutions?"),
    ("What is batch normalization in CNN?", "What is layer normalization?"),
    ("What is layer normalization?", "What is group normalization?"),
    ("What is group normalization?", "What is instance normalization?"),
    ("What is batch normalization in CNN?", "Advantages of batch normalization?"),
    ("What is dropout in CNN?", "Why use dropout in CNN?"),
    ("What is data augmentation in CNN?", "Why is data augmentation important in CNN?"),
    ("What is transfer learning in CNN?", "Advantages of transfer learning?"),
    ("What is pooling in CNN?", "What is the purpose of pooling?"),
    ("What is a global average pooling layer?", "Why use global average pooling?"),
    ("What is semantic segmentation in CNN?", "What is instance segmentation in CNN?"),
    ("What is instance segmentation in CNN?", "What is panoptic segmentation?"),
    ("What is spatial attention?", "What is channel attention?"),
    ("What are skip connections in CNN?", "What is a residual block?"),
    ("What is ShuffleNet?", "What is SqueezeNet?"),
    ("What is image classification?", "What is image localization?"),
    ("What is saliency map?", "What is Grad-CAM?"),
    ("What is pruning in CNN?", "What is quantization in CNN?"),
    ("How can you calculate the output size of a convolutional layer?", "How do you calculate the number of parameters in a convolutional layer?"),
    ("Explain the difference between local and global pooling.", "What are the implications of using different types of pooling (max pooling vs. average pooling) in CNNs?"),
    ("How can you handle imbalanced datasets in CNN models?", "Explain how class weights can be used to handle imbalanced data in CNN training."),
    ("What is image augmentation, and why is it used in training CNN models?", "How does one implement real-time data augmentation in CNNs?"),
    ("What is model compression in CNN?", "What is knowledge distillation in CNN?"),
    ("What is fine-tuning in CNN?", "What is transfer learning in CNN?"),
    ("What are feature maps?", "Importance of Feature Mapping?"),
    ("What is YOLO?", "What is SSD (Single Shot Detector)?"),
    ("Discuss the difference between categorical crossentropy and sparse categorical crossentropy loss functions.", "What are common loss functions used in CNNs for classification problems?"),
    ("What is valid vs same padding?", "What is padding in CNN?"),
    ("What is a Convolutional Neural Network (CNN)?", "What are the key components of a CNN?"),
    ("What is the difference between CNN and MLP?", "Why do CNNs have fewer parameters than MLPs?"),
    ("Explain the concept of occlusion and how it affects CNN performance.", "What is occlusion sensitivity analysis?"),
    ("What is the difference between Max Pooling and Average Pooling?", "Explain the difference between local and global pooling."),
    ("How do you count the parameters of a convolutional layer and of a fully connected layer?", "What is the difference between a fully connected layer and a convolutional layer?"),
    ("Give an overview of the AlexNet architecture.", "Why was AlexNet significant?"),
]  # fmt: skip


def _pair_texts() -> list[tuple[str, str]]:
    pairs = []
    for p in [*POSITIVE, *NEGATIVE]:
        pairs.append(tuple(p.values) if hasattr(p, "values") else p)
    return pairs  # type: ignore[return-value]


@pytest.fixture(scope="module")
def raw() -> list[RawQuestion]:
    return load_raw_questions()


@pytest.fixture(scope="module")
def scorer(raw: list[RawQuestion]):
    texts = sorted({q.text for q in raw} | {t for pair in _pair_texts() for t in pair})
    sim = Similarity(texts)
    index = {t: i for i, t in enumerate(texts)}
    return lambda a, b: sim.score(index[a], index[b])


@pytest.fixture(scope="module")
def groups(raw: list[RawQuestion]):
    return cluster(raw).groups


def test_labelled_pairs_come_from_the_sources(raw: list[RawQuestion]) -> None:
    texts = {q.text.strip() for q in raw}
    missing = [t for pair in _pair_texts() for t in pair if t not in texts]
    assert not missing


@pytest.mark.parametrize(("first", "second"), POSITIVE)
def test_same_question_scores_above_threshold(scorer, first: str, second: str) -> None:
    assert scorer(first, second) >= THRESHOLD


@pytest.mark.parametrize(("first", "second"), NEGATIVE)
def test_different_questions_score_below_threshold(scorer, first: str, second: str) -> None:
    assert scorer(first, second) < THRESHOLD


def test_precision_and_recall_on_labelled_pairs(scorer) -> None:
    pairs = _pair_texts()
    labels = [True] * len(POSITIVE) + [False] * len(NEGATIVE)
    predicted = [scorer(a, b) >= THRESHOLD for a, b in pairs]
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    assert len(POSITIVE) >= 25 and len(NEGATIVE) >= 25
    assert tp / (tp + fp) == 1.0  # precision: merging different questions loses questions
    assert tp / len(POSITIVE) >= 0.95  # recall


def _group_of(groups, text: str):
    return next(g for g in groups if any(m.text == text for m in g.members))


def test_batch_normalization_variants_become_one_question(groups) -> None:
    group = _group_of(groups, "What is batch normalization in CNN?")
    texts = {v.text for v in group.variants}
    assert "What is batch normalization, and how does it improve CNN training?" in texts
    assert "Explain the concept of batch normalization and its role in CNN training." in texts
    assert {v.source for v in group.variants} >= {"cnn100-md", "cnn-leveled", "cnn50-qa"}
    assert group.text == "What is batch normalization in CNN?"
    assert group.answer  # the markdown source answers it; the leveled list does not
    assert group.difficulty is Difficulty.HARD  # the only label, from the leveled list


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("What is an R-CNN?", "What is Fast R-CNN?"),
        ("What is 3D convolution?", "Applications of 3D CNNs?"),
        ("What is AlexNet?", "Why was AlexNet significant?"),
    ],
)
def test_questions_sharing_a_concept_stay_apart(groups, first: str, second: str) -> None:
    assert _group_of(groups, first).id != _group_of(groups, second).id


def test_exact_duplicates_within_a_document_merge(groups) -> None:
    group = _group_of(groups, "How does the backpropagation algorithm work in the context of CNNs?")
    refs = {(v.source, v.ref) for v in group.variants}
    assert {("cnn50-qa", "Q3"), ("cnn50-qa", "Q4")} <= refs


def test_every_raw_question_lands_in_exactly_one_group(raw, groups) -> None:
    seen = [(m.source, m.ref, m.text) for g in groups for m in g.members]
    assert sorted(seen) == sorted((q.source, q.ref, q.text) for q in raw)
    assert len(groups) < len(raw)


def test_distinct_questions_of_one_document_never_merge(groups) -> None:
    for g in groups:
        forms = {}
        for m in g.members:
            forms.setdefault(m.source, set()).add(m.text.lower().strip(" ?."))
        assert all(len(v) == 1 for v in forms.values()), g.text


def test_clustering_ignores_input_order(raw, groups) -> None:
    shuffled = list(raw)
    random.Random(7).shuffle(shuffled)
    again = cluster(shuffled).groups
    assert [(g.id, g.text, g.variants) for g in again] == [
        (g.id, g.text, g.variants) for g in groups
    ]


def test_adding_an_unrelated_question_keeps_every_id(raw, groups) -> None:
    extra = RawQuestion("admin-pack", "1", "How does a Kalman filter track objects across frames?")
    again = cluster([*raw, extra]).groups
    assert {g.id for g in groups} <= {g.id for g in again}
    assert len(again) == len(groups) + 1


def test_a_new_phrasing_joins_its_question_and_keeps_its_id(raw, groups) -> None:
    before = _group_of(groups, "What is batch normalization in CNN?")
    extra = RawQuestion(
        "admin-pack", "7", "Can you explain the concept of batch normalization in CNNs?"
    )
    after = _group_of(cluster([*raw, extra]).groups, extra.text)
    assert after.id == before.id
    assert len(after.variants) == len(before.variants) + 1


def test_ids_are_unique(groups) -> None:
    assert len({g.id for g in groups}) == len(groups)


def test_canonical_text_prefers_a_complete_single_question() -> None:
    fragment = RawQuestion("a", "1", "Types of pooling in CNN?")
    double = RawQuestion("b", "2", "What are the different types of Pooling? Explain them.")
    clean = RawQuestion("c", "3", "What are the different types of pooling in a CNN?")
    ours = RawQuestion("d", "4", "Which pooling types exist?", derived=True)
    best = min([fragment, double, clean, ours], key=clarity_key)
    assert best is clean


def test_best_answer_is_the_most_complete_reasonable_one() -> None:
    base = RawQuestion("a", "1", "What is dropout in CNN?", answer="Randomly drops units.")
    fuller = replace(
        base, source="b", answer="Randomly zeroes activations during training to curb overfitting."
    )
    absurd = replace(base, source="c", answer="word " * 2000)
    group = cluster([base, fuller, absurd]).groups[0]
    assert group.answer == fuller.answer


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([Difficulty.EASY, Difficulty.EASY, Difficulty.HARD], Difficulty.EASY),
        ([Difficulty.EASY, Difficulty.MEDIUM], Difficulty.MEDIUM),
        ([None, Difficulty.HARD], Difficulty.HARD),
        ([None, None], None),
    ],
)
def test_difficulty_is_most_common_label_ties_to_harder(labels, expected) -> None:
    assert merge_difficulty(labels) is expected
