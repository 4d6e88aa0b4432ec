"""Progress in stats: accuracy by local week, concepts mastered, the team's weakest concepts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from quizbot.bootstrap import Runtime
from quizbot.replies import PlayerRef
from quizbot.storage.uow import Tx
from tests.integration.test_service_kit import FakeClock, clock, player, right, runtime, wrong

__all__ = ["clock", "runtime"]  # fixtures used below


async def _answer(runtime: Runtime, who: PlayerRef, topic: str, correct: bool) -> None:
    svc = runtime.service
    card = await svc.ask(who, topic)
    pick = right if correct else wrong
    await svc.answer(who, card.ask_id, await pick(svc, who, card.ask_id))


async def _set_mastery(runtime: Runtime, who: PlayerRef, levels: dict[str, float]) -> None:
    now = runtime.service.clock()

    def write(tx: Tx) -> None:
        ws = tx.workspaces.get_or_create(who.platform, who.workspace, now)
        repos = tx.scoped(ws.id)
        pid = repos.players.get_or_create(who.user_id, who.display_name, now)
        for concept, p in levels.items():
            repos.mastery.put(pid, concept, p, True, now)

    await runtime.service.store.run(write)


async def test_accuracy_by_week_covers_the_last_four_local_weeks(
    runtime: Runtime, clock: FakeClock
) -> None:
    me = player("weekly")
    clock.now = datetime(2026, 10, 20, 12, tzinfo=UTC)  # five weeks back: left out
    await _answer(runtime, me, "vgg", correct=True)
    clock.now = datetime(2026, 11, 18, 12, tzinfo=UTC)  # week of Monday 16 November
    await _answer(runtime, me, "alexnet", correct=False)
    clock.now = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # Monday 23rd in UTC
    await _answer(runtime, me, "inception", correct=True)
    await _answer(runtime, me, "resnet", correct=False)

    stats = await runtime.service.stats(me)
    weeks = [(w.start, w.answered, w.correct) for w in stats.weeks]
    assert weeks == [
        (date(2026, 11, 2), 0, 0),
        (date(2026, 11, 9), 0, 0),
        (date(2026, 11, 16), 1, 0),
        (date(2026, 11, 23), 2, 1),
    ]
    assert stats.weeks[-1].accuracy == 0.5 and stats.weeks[0].accuracy is None
    assert stats.answered == 4, "the overall totals still count every answer"


async def test_concepts_mastered_count_and_share(runtime: Runtime) -> None:
    me = player("master")
    await _set_mastery(runtime, me, {"vgg": 0.9, "alexnet": 0.86, "resnet": 0.5})
    stats = await runtime.service.stats(me)
    assert (stats.mastered, stats.concepts) == (2, len(runtime.bank.concepts))
    assert stats.mastered_share == 2 / len(runtime.bank.concepts)


async def test_team_stats_show_the_teams_weakest_concepts(runtime: Runtime) -> None:
    svc, ann, bob, loner = runtime.service, player("ann"), player("bob"), player("loner")
    await svc.team_create(ann, "Edge")
    await svc.team_join(bob, "Edge")
    await _set_mastery(runtime, ann, {"vgg": 0.2, "alexnet": 0.9, "resnet": 0.6})
    await _set_mastery(runtime, bob, {"vgg": 0.4, "alexnet": 0.1, "inception": 0.95})
    await _set_mastery(runtime, loner, {"inception": 0.01})  # not in the team
    weakest = (await svc.stats(bob)).team_weakest
    assert [(s.concept_id, round(s.mastery, 2), s.attempts) for s in weakest] == [
        ("vgg", 0.3, 2),
        ("alexnet", 0.5, 2),
        ("resnet", 0.6, 1),
    ]
    assert (await svc.stats(loner)).team_weakest == ()
