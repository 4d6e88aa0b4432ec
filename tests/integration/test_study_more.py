"""'More' through the service: only once answered, for the caller, with everything in it."""

from __future__ import annotations

import pytest

from quizbot.bootstrap import Runtime
from quizbot.errors import InvalidInput, UnknownAsk
from tests.integration.test_service_kit import clock, player, right, runtime, wrong

__all__ = ["clock", "runtime"]  # fixtures used below


async def test_more_waits_for_the_answer_then_explains_it_in_full(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    with pytest.raises(InvalidInput, match="Answer the question first"):
        await svc.more(me, card.ask_id)  # it would give the answer away
    await svc.answer(me, card.ask_id, await wrong(svc, me, card.ask_id))
    shown = await svc.more(me, card.ask_id)
    assert shown.answer == shown.model_answer == "Residual blocks let very deep nets train."
    assert sorted(o.why for o in shown.wrong_options) == ["Reason 1", "Reason 2", "Reason 3"]
    assert [o.text for o in shown.wrong_options] == [
        c.text for c in card.choices if c.text != shown.answer
    ]
    assert shown.foundations == (
        "ResNet",
        "skip connection",
        "vanishing gradient",
        "backpropagation",
        "chain rule",
    )
    assert [(a.ref, a.disputed) for a in shown.sources] == [
        ("Q50", "ResNet-18 and ResNet-34 exist too."),
        ("Hard 22", None),
    ]
    with pytest.raises(UnknownAsk):
        await svc.more(player("someone-else"), card.ask_id)


async def test_more_on_a_generated_follow_up_names_its_concepts(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    miss = await svc.answer(me, card.ask_id, await wrong(svc, me, card.ask_id))
    follow = miss.next
    assert follow is not None
    await svc.answer(me, follow.ask_id, await right(svc, me, follow.ask_id))
    shown = await svc.more(me, follow.ask_id)
    assert shown.concept_path == ("ResNet", "skip connection")
    assert shown.model_answer == (
        "skip connection: skip connection is a thing about skip-connection."
    )
    assert shown.sources == () and shown.note and "generated" in shown.note
