"""Hints through the service: a nudge that keeps the answer back, and half points after it."""

from __future__ import annotations

import pytest

from quizbot.bootstrap import Runtime
from quizbot.errors import InvalidInput
from quizbot.replies import AskKind
from tests.integration.test_service_kit import clock, player, right, runtime, wrong
from tests.integration.test_study_interview import open_card

__all__ = ["clock", "runtime"]  # fixtures used below


async def test_a_hint_masks_the_name_and_halves_the_points(runtime: Runtime) -> None:
    svc, me, other = runtime.service, player("u1"), player("u2")
    card = await svc.ask(me, "resnet")
    hint = await svc.hint(me, card.ask_id)
    assert hint.text == "Think of this: ____ is a thing about ____."
    assert hint.note == "A right answer now earns half points."
    assert (await svc.hint(me, card.ask_id)).text == hint.text, "asking twice costs nothing more"
    hinted = await svc.answer(me, card.ask_id, await right(svc, me, card.ask_id))

    plain_card = await svc.ask(other, "resnet")
    plain = await svc.answer(other, plain_card.ask_id, await right(svc, other, plain_card.ask_id))
    assert plain.points > 0 and not plain.hinted
    assert hinted.hinted and hinted.points == plain.points // 2
    with pytest.raises(InvalidInput, match="already answered"):
        await svc.hint(me, card.ask_id)


async def test_a_concept_hint_gives_the_kind_and_the_first_letter(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    miss = await svc.answer(me, card.ask_id, await wrong(svc, me, card.ask_id))
    follow = miss.next
    assert follow is not None and follow.kind is AskKind.CONCEPT
    hint = await svc.hint(me, follow.ask_id)
    assert hint.text == "It is a technique; its name has 2 words and starts with “S”."


async def test_an_open_question_hint_is_a_key_point_and_free(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await open_card(svc, me)
    hint = await svc.hint(me, card.ask_id)
    assert hint.text == "A key point: first point" and hint.note is None
