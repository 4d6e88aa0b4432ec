"""The curated ontology loads, covers what the engine needs, and bad files are rejected."""

from __future__ import annotations

import textwrap

import pytest

from knowledge.linker import contains_phrase, normalize
from knowledge.model import Concept
from knowledge.ontology import KINDS, OntologyError, load_concepts, parse_concepts

ENGINE_IDS = (
    "convolution",
    "stride",
    "padding",
    "kernel",
    "receptive-field",
    "pooling",
    "max-pooling",
    "feature-map",
    "depthwise-separable-convolution",
    "parameter-sharing",
    "resnet",
    "skip-connection",
    "vanishing-gradient",
    "backpropagation",
    "gradient-descent",
    "batch-normalization",
    "cnn",
)


@pytest.fixture(scope="module")
def concepts() -> dict[str, Concept]:
    return {c.id: c for c in load_concepts()}


def test_ontology_is_large_and_uses_only_documented_kinds(concepts: dict[str, Concept]) -> None:
    assert len(concepts) >= 120
    assert {c.kind for c in concepts.values()} <= KINDS


@pytest.mark.parametrize("concept_id", ENGINE_IDS)
def test_ids_the_engine_relies_on_exist(concepts: dict[str, Concept], concept_id: str) -> None:
    assert concept_id in concepts


def test_resnet_chain_walks_down_to_foundations(concepts: dict[str, Concept]) -> None:
    assert "skip-connection" in concepts["resnet"].prerequisites
    assert "vanishing-gradient" in concepts["skip-connection"].prerequisites
    assert "backpropagation" in concepts["vanishing-gradient"].prerequisites
    assert "gradient-descent" in concepts["backpropagation"].prerequisites


def test_every_definition_hides_its_own_name_and_aliases(concepts: dict[str, Concept]) -> None:
    leaks = [
        (c.id, label)
        for c in concepts.values()
        for label in (c.name, *c.aliases)
        if label.lower() in c.definition.lower()
        or contains_phrase(normalize(c.definition), normalize(label))
    ]
    assert leaks == []


def test_every_definition_is_one_sentence(concepts: dict[str, Concept]) -> None:
    for c in concepts.values():
        assert c.definition.endswith("."), c.id
        assert ". " not in c.definition.replace("e.g. ", "").replace("i.e. ", ""), c.id


def _yaml(body: str) -> str:
    return "concepts:\n" + textwrap.indent(textwrap.dedent(body), "  ")


VALID = """\
- id: alpha
  name: alpha
  kind: concept
  aliases: [opening glyph]
  prerequisites: []
  definition: "The symbol that starts the Greek script."
- id: beta
  name: beta
  kind: concept
  aliases: []
  prerequisites: [alpha]
  definition: "The second symbol of the Greek script."
"""


def test_small_valid_file_parses_into_concepts() -> None:
    concepts = parse_concepts(_yaml(VALID))
    assert [c.id for c in concepts] == ["alpha", "beta"]
    assert concepts[0].aliases == ("opening glyph",)
    assert concepts[1].prerequisites == ("alpha",)


def test_cycle_is_reported_with_its_members() -> None:
    text = _yaml(VALID.replace("prerequisites: []", "prerequisites: [beta]"))
    with pytest.raises(OntologyError) as err:
        parse_concepts(text)
    assert any("cycle" in p and "alpha" in p and "beta" in p for p in err.value.problems)


def test_unknown_prerequisite_names_concept_id_and_line() -> None:
    text = _yaml(VALID.replace("prerequisites: [alpha]", "prerequisites: [gamma]"))
    with pytest.raises(OntologyError) as err:
        parse_concepts(text)
    (problem,) = err.value.problems
    assert "beta" in problem and "gamma" in problem and "line 8" in problem


def test_duplicate_alias_across_concepts_is_caught_case_and_plural_insensitively() -> None:
    text = _yaml(VALID.replace("aliases: []", "aliases: [Opening Glyphs]"))
    with pytest.raises(OntologyError) as err:
        parse_concepts(text)
    assert any("beta" in p and "opening glyph" in p for p in err.value.problems)


def test_every_problem_is_listed_at_once() -> None:
    text = _yaml(
        VALID.replace("id: beta", "id: alpha")  # duplicate id
        + """\
- id: Bad_Id
  name: gamma
  kind: gadget
  prerequisites: [nowhere]
  definition: "Two sentences here. Another one follows."
- id: delta
  kind: concept
  definition: "A delta is the fourth letter."
"""
    )
    with pytest.raises(OntologyError) as err:
        parse_concepts(text)
    problems = "\n".join(err.value.problems)
    assert "duplicate id" in problems
    assert "kebab-case" in problems
    assert "unknown kind 'gadget'" in problems
    assert "one sentence" in problems
    assert "delta" in problems and "'name'" in problems
    assert "nowhere" in problems
    assert str(err.value).count("\n  - ") == len(err.value.problems)


def test_definition_that_gives_away_the_name_is_rejected() -> None:
    text = _yaml(VALID.replace("The second symbol", "Beta is the second symbol"))
    with pytest.raises(OntologyError, match="gives away its own name 'beta'"):
        parse_concepts(text)


def test_malformed_yaml_is_an_ontology_error() -> None:
    with pytest.raises(OntologyError, match="not valid YAML"):
        parse_concepts("concepts: [unclosed")


def test_a_definition_sharing_a_word_root_with_its_name_is_rejected() -> None:
    # "alphabetical" gives "alpha" away as surely as the name itself.
    text = _yaml(VALID.replace("starts the Greek script", "comes first in alphabetical order"))
    with pytest.raises(OntologyError, match=r"alpha \(line 2\): definition shares a word root"):
        parse_concepts(text)
    # The alias counts too: "glyph" is a root of "opening glyph".
    text = _yaml(VALID.replace("The symbol that", "The glyph that"))
    with pytest.raises(OntologyError, match="shares a word root with its name \\(glyph\\)"):
        parse_concepts(text)


GAMMA = """\
- id: gamma
  name: gamma
  kind: {kind}
  confusable: [{peer}]
  definition: "The third symbol of the Greek script."
"""


@pytest.mark.parametrize(
    ("kind", "peer", "problem"),
    [
        ("concept", "zeta", "confusable 'zeta' is not another concept"),
        ("concept", "gamma", "confusable 'gamma' is not another concept"),
        ("math", "alpha", "confusable 'alpha' is a concept, not a math"),
    ],
)
def test_confusables_must_be_other_concepts_of_the_same_kind(
    kind: str, peer: str, problem: str
) -> None:
    with pytest.raises(OntologyError, match=problem):
        parse_concepts(_yaml(VALID + GAMMA.format(kind=kind, peer=peer)))


def test_a_broader_or_narrower_concept_is_no_confusable() -> None:
    # beta builds on alpha: a learner who mixes them up lacks the prerequisite, not a name.
    text = _yaml(
        VALID.replace("  prerequisites: [alpha]", "  prerequisites: [alpha]\n  confusable: [alpha]")
    )
    with pytest.raises(OntologyError, match="confusable 'alpha' is a prerequisite chain away"):
        parse_concepts(text)
    fine = parse_concepts(_yaml(VALID + GAMMA.format(kind="concept", peer="beta")))
    assert fine[-1].confusable == ("beta",)


def test_every_shipped_definition_shares_no_word_root_with_its_names(
    concepts: dict[str, Concept],
) -> None:
    from knowledge.stems import shared_stems

    leaks = {
        c.id: shared_stems(c.definition, [c.name, *c.aliases])
        for c in concepts.values()
        if shared_stems(c.definition, [c.name, *c.aliases])
    }
    assert leaks == {}


def test_most_askable_concepts_have_three_confusable_neighbours() -> None:
    from knowledge.bank import Bank
    from knowledge.ontology import load_concepts

    bank = Bank.from_parts(load_concepts(), [])
    with_three = [c for c in bank.concepts if len(bank.confusables(c)) >= 3]
    assert len(with_three) >= 65  # the rest are asked by typing the name
    # The classic near-misses are there.
    assert {"average-pooling", "global-average-pooling"} & set(bank.confusables("max-pooling"))
    assert "exploding-gradient" in bank.confusables("vanishing-gradient")


def test_no_concept_is_named_from_two_versions_of_one_network() -> None:
    # GoogLeNet is Inception v1: offering both as distractors gives two names for one network.
    import itertools
    import re

    from knowledge.bank import Bank
    from knowledge.ontology import load_concepts

    bank = Bank.from_parts(load_concepts(), [])

    def names(cid: str) -> set[str]:
        c = bank.concepts[cid]
        return {re.sub(r"(?:\s+v\d+|[\s-]\d+)\b", "", n.lower()) for n in (c.name, *c.aliases)}

    same = [
        (cid, a, b)
        for cid in bank.concepts
        if len(bank.confusables(cid)) >= 3
        for a, b in itertools.combinations(bank.confusables(cid), 2)
        if names(a) & names(b)
    ]
    assert same == []
    assert "googlenet" not in bank.confusables("densenet")


# "Is a kind of" pairs (specific, general). The ontology has no field for this relation (only
# prerequisites, which also link ideas that are not kinds of each other, such as F1 and
# precision), so the table lives here. Name-the-concept options come from a concept's
# confusables, declared once and used both ways; none of them may be a kind of the answer or
# the answer a kind of it, and no two of them may be one a kind of the other, or a reviewer
# rules both out (or finds two defensible answers).
KIND_OF = (
    ("rmsprop", "adaptive-learning-rate"),
    ("adam", "adaptive-learning-rate"),
    ("sgd", "optimizer"),
    ("momentum", "optimizer"),
    ("rmsprop", "optimizer"),
    ("adam", "optimizer"),
    ("fine-tuning", "transfer-learning"),
    ("domain-adaptation", "transfer-learning"),
    ("bottleneck-block", "residual-block"),
    ("inverted-residual", "bottleneck-block"),
    ("se-block", "channel-attention"),
    ("depthwise-convolution", "group-convolution"),
    ("unet", "fcn"),
    ("segnet", "fcn"),
    ("rcnn", "two-stage-detector"),
    ("fast-rcnn", "two-stage-detector"),
    ("faster-rcnn", "two-stage-detector"),
    ("mask-rcnn", "faster-rcnn"),
    ("yolo", "one-stage-detector"),
    ("ssd", "one-stage-detector"),
    ("retinanet", "one-stage-detector"),
    ("semantic-segmentation", "segmentation"),
    ("instance-segmentation", "segmentation"),
    ("grad-cam", "saliency-map"),
    ("occlusion-sensitivity", "saliency-map"),
    ("input-normalization", "data-preprocessing"),
    ("global-average-pooling", "global-pooling"),
    ("max-pooling", "pooling"),
    ("average-pooling", "pooling"),
    ("sum-pooling", "pooling"),
    ("global-pooling", "pooling"),
    ("relu", "activation-function"),
    ("leaky-relu", "activation-function"),
    ("elu", "activation-function"),
    ("sigmoid", "activation-function"),
    ("tanh", "activation-function"),
    ("swish", "activation-function"),
    ("weight-decay", "regularization"),
    ("l1-regularization", "regularization"),
    ("dropout", "regularization"),
    ("pruning", "model-compression"),
    ("quantization", "model-compression"),
    ("knowledge-distillation", "model-compression"),
)


def _kinds(pairs: tuple[tuple[str, str], ...]) -> set[tuple[str, str]]:
    """The transitive closure of (specific, general) pairs."""
    closed = set(pairs)
    while True:
        more = {(a, d) for a, b in closed for c, d in closed if b == c} - closed
        if not more:
            return closed
        closed |= more


def nested_options(concepts: dict[str, Concept], pairs: tuple[tuple[str, str], ...]) -> list[str]:
    """Every concept whose option pool holds a kind of the answer (or the answer's own kind),
    or two options one of which is a kind of the other."""
    kinds = _kinds(pairs)
    related = kinds | {(b, a) for a, b in kinds}
    pools: dict[str, list[str]] = {}
    for c in concepts.values():
        for other in c.confusable:
            pools.setdefault(c.id, []).append(other)
            pools.setdefault(other, []).append(c.id)
    found = []
    for cid, pool in sorted(pools.items()):
        found += [f"{cid}: option {o} and the answer" for o in pool if (o, cid) in related]
        found += [
            f"{cid}: options {a} and {b}"
            for i, a in enumerate(pool)
            for b in pool[i + 1 :]
            if (a, b) in related
        ]
    return found


def test_every_kind_of_pair_names_real_concepts(concepts: dict[str, Concept]) -> None:
    assert [p for pair in KIND_OF for p in pair if p not in concepts] == []


def test_no_concept_offers_nested_options(concepts: dict[str, Concept]) -> None:
    assert nested_options(concepts, KIND_OF) == []


def test_nested_options_are_found_through_the_other_side_and_by_transitivity() -> None:
    def c(cid: str, *confusable: str) -> Concept:
        return Concept(
            id=cid, name=cid, kind="layer", definition="x.", confusable=tuple(confusable)
        )

    family = (("bottleneck", "residual"), ("inverted", "bottleneck"))
    pool = {x.id: x for x in (c("se", "residual"), c("inverted", "se"), c("residual"))}
    assert nested_options(pool, family) == ["se: options residual and inverted"]
    special = {x.id: x for x in (c("grouped"), c("depthwise", "grouped"))}
    assert nested_options(special, (("depthwise", "grouped"),)) == [
        "depthwise: option grouped and the answer",
        "grouped: option depthwise and the answer",
    ]
