"""Playing through the service: grading, follow-ups, one score per answer, restarts."""

from __future__ import annotations

import asyncio
import random

import pytest

from quizbot.bootstrap import Runtime, bootstrap
from quizbot.errors import InvalidInput, UnknownAsk, UnknownTopic
from quizbot.replies import AskKind
from tests.backends import SQLITE_ONLY
from tests.integration.test_service_kit import (
    FakeClock,
    clock,
    make_bank,
    player,
    right,
    runtime,
    spec_of,
    wrong,
)

__all__ = ["clock", "runtime"]  # fixtures used below


async def test_wrong_answers_walk_down_prerequisites_then_offer_the_original(
    runtime: Runtime,
) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "res net")
    assert card.concept_path == ("ResNet",) and card.follow_up_of is None and card.choices

    miss = await svc.answer(me, card.ask_id, await wrong(svc, me, card.ask_id))
    assert miss.correct is False and miss.points == 0
    assert miss.answer == "Residual blocks let very deep nets train."
    assert miss.explanation
    first = miss.next
    assert first is not None and first.follow_up_of == card.ask_id
    # Name-the-concept follow-ups: the card must not carry the concept it asks for.
    assert first.kind is AskKind.CONCEPT and first.concepts == ()
    assert first.concept_path == ("ResNet", "?")

    miss2 = await svc.answer(me, first.ask_id, await wrong(svc, me, first.ask_id))
    assert miss2.concept_path == ("ResNet", "skip connection")  # answered: now it is shown
    second = miss2.next
    assert second is not None and second.follow_up_of == first.ask_id
    assert second.concept_path == ("ResNet", "skip connection", "?")

    hit = await svc.answer(me, second.ask_id, await right(svc, me, second.ask_id))
    assert hit.correct is True and 0 < hit.points < 20  # follow-ups earn less than a fresh ask
    # Back up one level at a time: first the skip-connection step that was missed...
    up = hit.next
    assert up is not None and up.is_retry and up.concept_path == ("ResNet", "?")
    up_spec = await spec_of(svc, me, up.ask_id)
    assert up_spec.concept_id == "skip-connection"
    climbed = await svc.answer(me, up.ask_id, await right(svc, me, up.ask_id))
    assert climbed.points == 0 and climbed.practice  # just shown: practice, not points
    # ...then the original question, its options in a new order.
    again = climbed.next
    assert again is not None and again.is_retry and again.prompt == card.prompt
    assert again.concept_path == ("ResNet",)
    first_spec, retry_spec = (
        await spec_of(svc, me, card.ask_id),
        await spec_of(svc, me, again.ask_id),
    )
    assert {c.text for c in retry_spec.choices} == {c.text for c in first_spec.choices}
    assert retry_spec.answer_text == first_spec.answer_text
    assert [c.text for c in retry_spec.choices] != [c.text for c in first_spec.choices]
    done = await svc.answer(me, again.ask_id, await right(svc, me, again.ask_id))
    assert done.correct and done.points == 0 and done.next is None  # the walk is over


async def test_a_walk_goes_down_to_the_foundation_and_never_revisits(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    concepts: list[str] = []
    while card is not None:
        concepts.append((await spec_of(svc, me, card.ask_id)).concept_id)
        verdict = await svc.answer(me, card.ask_id, await wrong(svc, me, card.ask_id))
        card = verdict.next
    # Every level down to the chain rule, which has no prerequisite; no concept twice
    # except one second, different question at the foundation.
    chain = ["resnet", "skip-connection", "vanishing-gradient", "backpropagation", "chain-rule"]
    assert concepts[:5] == chain
    assert len(concepts) <= 6 and all(concepts.count(c) == 1 for c in chain[:-1])
    assert verdict.concept_path[-1] == "chain rule"


async def test_mastery_and_reviews_move_with_every_answer(
    runtime: Runtime, clock: FakeClock
) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    await svc.answer(me, card.ask_id, await right(svc, me, card.ask_id))
    stats = await svc.stats(me)
    assert (stats.answered, stats.correct, stats.streak) == (1, 1, 1)
    assert stats.points == 20 and stats.strongest[0].concept_id == "resnet"
    assert stats.strongest[0].mastery > 0.5 and stats.due_reviews == 0
    clock.advance(days=30)  # the fsrs card comes due; it is asked before anything new
    assert (await svc.stats(me)).due_reviews == 1
    again = await svc.ask(me)
    assert (await spec_of(svc, me, again.ask_id)).question_id == "q-resnet"


async def test_a_double_answer_scores_once(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    good = await right(svc, me, card.ask_id)
    first = await svc.answer(me, card.ask_id, good)
    second = await svc.answer(me, card.ask_id, good)
    assert first.points == 20 and not first.already_answered
    assert second.already_answered and second.points == 20 and second.next is None
    assert (await svc.stats(me)).points == 20


async def test_two_racing_answers_score_once(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    good = await right(svc, me, card.ask_id)
    verdicts = await asyncio.gather(*(svc.answer(me, card.ask_id, good) for _ in range(3)))
    assert sorted(v.already_answered for v in verdicts) == [False, True, True]
    stats = await svc.stats(me)
    assert (stats.answered, stats.points) == (1, 20)


async def test_an_answer_after_a_restart_is_graded_from_the_stored_ask(
    migrated_database_url: str, runtime: Runtime, clock: FakeClock
) -> None:
    me = player()
    card = await runtime.service.ask(me, "resnet")
    good = await right(runtime.service, me, card.ask_id)
    await runtime.aclose()
    # A new process: different randomness, so a regenerated question would shuffle differently.
    async with await bootstrap(
        database_url=migrated_database_url, bank=make_bank(), clock=clock, rng=random.Random(99)
    ) as fresh:
        verdict = await fresh.service.answer(me, card.ask_id, good)
    assert verdict.correct is True and verdict.points == 20


async def test_foreign_and_unknown_asks_are_refused(runtime: Runtime) -> None:
    svc = runtime.service
    card = await svc.ask(player("u1"), "resnet")
    good = await right(svc, player("u1"), card.ask_id)
    with pytest.raises(UnknownAsk):
        await svc.answer(player("u2"), card.ask_id, good)
    with pytest.raises(UnknownAsk):
        await svc.answer(player("u1", workspace="g2"), card.ask_id, good)
    with pytest.raises(UnknownAsk):
        await svc.answer(player("u1"), "0" * 32, "a")
    assert (await svc.answer(player("u1"), card.ask_id, good)).correct is True


async def test_bad_input_writes_nothing(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    for bad in ("", "   ", "x" * 600, "z"):
        with pytest.raises(InvalidInput):
            await svc.answer(me, card.ask_id, bad)
    with pytest.raises(UnknownTopic) as caught:
        await svc.ask(me, "quantum knitting")
    assert caught.value.suggestions
    assert (await svc.stats(me)).answered == 0
    assert (await svc.answer(me, card.ask_id, await right(svc, me, card.ask_id))).correct


@SQLITE_ONLY
async def test_concept_path_and_topic_suggestions(runtime: Runtime) -> None:
    path = runtime.service.concept_path("resnet")
    assert path.name == "ResNet"
    assert path.chains == (
        ("ResNet", "skip connection", "vanishing gradient", "backpropagation", "chain rule"),
    )
    assert ("resnet", "ResNet") in runtime.service.suggest_topics("res")


async def test_a_miss_says_why_the_picked_option_is_wrong(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    spec = await spec_of(svc, me, card.ask_id)
    picked = await wrong(svc, me, card.ask_id)
    miss = await svc.answer(me, card.ask_id, picked)
    assert miss.why_wrong == spec.why_wrong(picked) and miss.why_wrong
    hit_card = await svc.ask(me, "vgg")
    hit = await svc.answer(me, hit_card.ask_id, await right(svc, me, hit_card.ask_id))
    assert hit.correct and hit.why_wrong is None


async def test_the_sources_answers_are_shown_once_the_question_is_answered(
    runtime: Runtime,
) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "resnet")
    with pytest.raises(InvalidInput, match="Answer the question first"):
        await svc.sources(me, card.ask_id)  # they would give the answer away
    await svc.answer(me, card.ask_id, await right(svc, me, card.ask_id))
    shown = await svc.sources(me, card.ask_id)
    assert shown.model_answer == "Residual blocks let very deep nets train."
    assert [(a.title, a.ref, a.answer) for a in shown.answers] == [
        ("book-a", "Q50", "A network with 50 to 152+ layers."),
        ("book-b", "Hard 22", "Identity shortcuts carry the signal past each block."),
    ]
    assert shown.answers[0].disputed == "ResNet-18 and ResNet-34 exist too."
    assert shown.answers[1].disputed is None
    with pytest.raises(UnknownAsk):
        await svc.sources(player("someone-else"), card.ask_id)


async def test_a_generated_question_has_no_sources_and_says_so(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "res net")
    miss = await svc.answer(me, card.ask_id, await wrong(svc, me, card.ask_id))
    follow = miss.next
    assert follow is not None and follow.kind is AskKind.CONCEPT
    await svc.answer(me, follow.ask_id, await right(svc, me, follow.ask_id))
    shown = await svc.sources(me, follow.ask_id)
    assert shown.answers == () and shown.note and "generated" in shown.note
