"""Interview mode through the service: typed answers, ticked key points, capped ratings."""

from __future__ import annotations

import pytest

from quizbot.bootstrap import Runtime
from quizbot.errors import InvalidInput
from quizbot.replies import AskKind, PlayerRef, QuestionCard
from quizbot.service import QuizService
from tests.content import OPEN_POINTS
from tests.integration.test_service_kit import clock, player, right, runtime

__all__ = ["clock", "runtime"]  # fixtures used below

TWO_OF_THREE = "The first point matters, and so does the second point, as I said before."


async def open_card(svc: QuizService, me: PlayerRef) -> QuestionCard:
    """Ask on the chain rule until the open question comes (others answered right)."""
    for _ in range(6):
        card = await svc.ask(me, "chain rule")
        if card.kind is AskKind.OPEN:
            return card
        await svc.answer(me, card.ask_id, await right(svc, me, card.ask_id))
    raise AssertionError("no open question on the chain rule")


async def test_a_typed_answer_ticks_the_key_points_it_covers(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await open_card(svc, me)
    shown = await svc.answer(me, card.ask_id, TWO_OF_THREE)
    assert shown.correct is None and shown.rating_choices
    assert shown.key_points == OPEN_POINTS
    assert shown.covered == (True, True, False)
    assert shown.coverage == "Your answer covered 2 of 3 key points."
    assert shown.typed == TWO_OF_THREE

    rated = await svc.rate(me, card.ask_id, "easy")
    assert rated.coverage == "Counted as Good: your answer covered 2 of 3 key points."
    queue = await svc.review(me)
    assert [i.label for i in queue.upcoming] == ["Derive the chain rule."]


async def test_a_keyword_list_counts_as_again_however_it_is_rated(
    runtime: Runtime,
) -> None:
    svc, me, honest = runtime.service, player("u1"), player("u2")
    stuffed_card, honest_card = await open_card(svc, me), await open_card(svc, honest)
    stuffed = await svc.answer(me, stuffed_card.ask_id, "first point second point third point")
    assert stuffed.covered == (False, False, False)
    assert stuffed.coverage and "list of keywords" in stuffed.coverage
    rated = await svc.rate(me, stuffed_card.ask_id, "easy")
    assert rated.coverage == "Counted as Again: your answer covered a list of keywords."
    await svc.answer(honest, honest_card.ask_id, "")  # revealed without typing: as before
    assert (await svc.rate(honest, honest_card.ask_id, "easy")).coverage is None

    def due(reviews: object) -> object:
        return next(i.due_at for i in reviews.upcoming if i.label == "Derive the chain rule.")  # type: ignore[attr-defined]

    assert due(await svc.review(me)) < due(await svc.review(honest)), "it comes back sooner"
    stats = await svc.stats(me)
    assert [c.name for c in stats.weakest][:1] == ["chain rule"]


async def test_a_revealed_card_shows_no_ticks_and_a_long_answer_is_refused(
    runtime: Runtime,
) -> None:
    svc, me = runtime.service, player()
    card = await open_card(svc, me)
    with pytest.raises(InvalidInput, match="too long"):
        await svc.answer(me, card.ask_id, "word " * 1000)
    shown = await svc.answer(me, card.ask_id, "")
    assert shown.covered == () and shown.coverage is None and shown.rating_choices
