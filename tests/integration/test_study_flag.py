"""Flag a question: reports are stored, listed with counts, cleared by admins, kept out of drops."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question
from quizbot.bootstrap import Runtime
from quizbot.drops.service import DropService
from quizbot.errors import InvalidInput, NotAllowed
from quizbot.service import QuizService
from quizbot.storage.models import QuestionFlag
from tests.content import reviewed
from tests.integration.test_drops_choice import MONDAY, berlin
from tests.integration.test_drops_choice import player as guild_player
from tests.integration.test_service_kit import clock, player, right, runtime, spec_of
from tests.unit.drops.fakes import ADMIN, drop_env, drop_rows

__all__ = ["clock", "runtime"]  # fixtures used below


async def test_reports_are_counted_per_question_and_cleared_by_admins(runtime: Runtime) -> None:
    svc, me, other = runtime.service, player("u1"), player("u2")
    admin = replace(player("boss"), is_admin=True)
    with pytest.raises(InvalidInput, match="Answer a question first"):
        await svc.flag(me, None)
    card = await svc.ask(me, "resnet")
    notice = await svc.flag(me, card.ask_id, "  two   options are right ")
    assert "reported" in notice.text and "Reason: two options are right" in notice.details
    theirs = await svc.ask(other, "resnet")
    await svc.answer(other, theirs.ask_id, await right(svc, other, theirs.ask_id))
    await svc.flag(other, None)  # the question they answered last
    await svc.flag(other, None, "the answer is outdated")  # updates their report, not a third

    with pytest.raises(NotAllowed):
        await svc.flags(me)
    listed = (await svc.flags(admin)).questions
    assert [(q.key, q.open, q.total) for q in listed] == [("q-resnet", 2, 2)]
    assert listed[0].label == "What is special about resnet?"
    assert set(listed[0].reasons) == {"two options are right", "the answer is outdated"}

    with pytest.raises(NotAllowed):
        await svc.flag_clear(me, "q-resnet")
    cleared = await svc.flag_clear(admin, "q-resnet")
    assert cleared.text.startswith("Cleared 2 reports")
    assert (await svc.flags(admin)).questions == ()
    with pytest.raises(InvalidInput, match="No open reports"):
        await svc.flag_clear(admin, "q-resnet")
    await svc.flag(me, card.ask_id)  # flagging again reopens the player's report
    assert [q.open for q in (await svc.flags(admin)).questions] == [1]


async def test_a_reason_too_long_is_refused_and_nothing_is_stored(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "vgg")
    with pytest.raises(InvalidInput, match="under 500 characters"):
        await svc.flag(me, card.ask_id, "x" * 501)

    def count(tx: object) -> int:
        return len(tx.session.execute(select(QuestionFlag)).all())  # type: ignore[attr-defined]

    assert await svc.store.run(count, write=False) == 0


async def test_drops_skip_a_reported_question_until_an_admin_clears_it(
    migrated_database_url: str,
) -> None:
    concept = Concept("pooling", "pooling", "operation", "Downsampling by a window statistic.")
    questions = [
        Question(qid, f"What about {qid}?", f"Gist {qid}. More.", f"Gist {qid}", lvl, ("pooling",))
        for qid, lvl in (("q-a", Difficulty.EASY), ("q-b", Difficulty.EASY))
    ]
    bank = Bank.from_parts([concept], [reviewed(q) for q in questions])
    channels = ("c1", "c2", "c3", "c4")
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        drops = DropService(
            env.service.store, bank, {"discord": env.publisher}, env.clock, rng=random.Random(3)
        )
        quiz = QuizService(bank, env.service.store, clock=env.clock, rng=random.Random(3))
        for channel in channels:
            await drops.drop_set(ADMIN, channel, "09:00", "Europe/Berlin", "daily")
        me = guild_player(1)
        card = await quiz.ask(me, "pooling")
        flagged = (await spec_of(quiz, me, card.ask_id)).question_id
        await quiz.flag(me, card.ask_id, "ambiguous")

        env.clock.now = berlin(MONDAY, 9)
        await drops.post_due()
        monday = {r.question_key for r in await drop_rows(env) if r.local_date == MONDAY}
        assert flagged not in monday and len(monday) == 1

        await quiz.flag_clear(replace(me, is_admin=True), str(flagged))
        tuesday = MONDAY + timedelta(days=1)
        env.clock.now = berlin(tuesday, 9)
        await drops.post_due()
        rows = await drop_rows(env)
    # Cleared, it is the only question not dropped lately: every channel gets it.
    assert [r.question_key for r in rows if r.local_date == tuesday] == [flagged] * len(channels)
