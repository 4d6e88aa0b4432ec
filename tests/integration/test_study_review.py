"""Review through the service: the queue with dates, and the due cards asked first."""

from __future__ import annotations

from quizbot.bootstrap import Runtime
from tests.integration.test_service_kit import (
    FakeClock,
    clock,
    player,
    right,
    runtime,
    set_timezone,
    wrong,
)

__all__ = ["clock", "runtime"]  # fixtures used below


async def test_a_new_player_has_nothing_to_review(runtime: Runtime) -> None:
    shown = await runtime.service.review(player())
    assert (shown.due, shown.upcoming, shown.due_count, shown.card) == ((), (), 0, None)


async def test_review_lists_cards_with_dates_then_asks_the_most_overdue(
    runtime: Runtime, clock: FakeClock
) -> None:
    svc, me = runtime.service, player()
    await set_timezone(svc, me, "Europe/Berlin")
    hit = await svc.ask(me, "vgg")
    await svc.answer(me, hit.ask_id, await right(svc, me, hit.ask_id))
    clock.advance(minutes=1)
    miss = await svc.ask(me, "alexnet")
    await svc.answer(me, miss.ask_id, await wrong(svc, me, miss.ask_id))

    now = await svc.review(me)
    assert now.due_count == 0 and now.card is None, "nothing is due right after answering"
    assert [i.concept for i in now.upcoming] == ["AlexNet", "VGG"], "a miss comes back sooner"
    assert now.next_due is not None and now.next_due.due_at > clock.now
    assert now.upcoming[1].label == "What is special about vgg?"
    utc = now.upcoming[0].due_at
    berlin = f"{(utc.hour + 1) % 24:02d}:{utc.minute:02d} Europe/Berlin"  # UTC+1 in November
    assert now.upcoming[0].when.endswith(berlin)

    clock.advance(days=30)
    later = await svc.review(me)
    assert later.due_count == 2 and later.upcoming == ()
    assert [i.concept for i in later.due] == ["AlexNet", "VGG"]
    assert later.card is not None and later.card.prompt == "What is special about alexnet?"
    verdict = await svc.answer(me, later.card.ask_id, await right(svc, me, later.card.ask_id))
    assert verdict.correct and verdict.points > 0, "a due review scores again"
    after = await svc.review(me)
    assert after.due_count == 1 and [i.concept for i in after.due] == ["VGG"]
    assert after.card is not None and after.card.prompt == "What is special about vgg?"
