"""The mastery map: met concepts, their prerequisites for context, the weakest marked."""

from __future__ import annotations

from adapters.pictures import mastery_colour
from quizbot.storage.records import MasteryRec
from quizbot.study.mapping import mastery_map
from tests.integration.test_service_kit import make_bank


def _met(**levels: float) -> dict[str, MasteryRec]:
    return {
        c.replace("_", "-"): MasteryRec(c.replace("_", "-"), p, 2, 1) for c, p in levels.items()
    }


def test_met_concepts_bring_their_prerequisites_and_the_weak_ones_are_marked() -> None:
    bank = make_bank()
    mastery = _met(resnet=0.3, vgg=0.9, skip_connection=0.6)
    shown = mastery_map(bank, "Ann", mastery)
    by_id = {c.concept_id: c for c in shown.concepts}
    assert by_id["vanishing-gradient"].mastery is None, "a prerequisite shown for context"
    assert {c for c, info in by_id.items() if info.weak} == {"resnet", "skip-connection"}
    assert not by_id["vgg"].weak, "known concepts are never marked weak"
    assert set(shown.edges) == {
        ("resnet", "skip-connection"),
        ("skip-connection", "vanishing-gradient"),
    }
    assert "backpropagation" not in by_id, "only direct prerequisites of met concepts"


def test_nothing_met_is_an_empty_map() -> None:
    unplayed = {"vgg": MasteryRec("vgg", 0.2, 0, 0)}
    assert mastery_map(make_bank(), "New", unplayed).concepts == ()


def test_colours_run_from_red_through_yellow_to_green() -> None:
    assert (mastery_colour(0.0), mastery_colour(0.5), mastery_colour(1.0)) == (
        "#d64541",
        "#f4d03f",
        "#3fa34d",
    )
