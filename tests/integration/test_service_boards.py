"""Leaderboards in the workspace's timezone, teams, drops and flashcards through the service."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from knowledge.bank import Bank
from quizbot.bootstrap import Runtime
from quizbot.errors import InvalidInput, InvalidTeamName, QuizError
from quizbot.replies import AskKind, Board, Period, PlayerRef
from quizbot.selection import Pick, build_ask
from quizbot.service import QuizService
from quizbot.storage.records import AskRec
from quizbot.storage.uow import Tx, rebuild_scores
from tests.backends import SQLITE_ONLY
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


async def _score(rt: Runtime, who: PlayerRef, *, good: bool = True) -> int:
    card = await rt.service.ask(who, "resnet")
    pick = right if good else wrong
    verdict = await rt.service.answer(who, card.ask_id, await pick(rt.service, who, card.ask_id))
    return verdict.points


def _names(board) -> list[tuple[int, str, int]]:
    return [(r.rank, r.name, r.points) for r in board.rows]


async def test_week_and_month_follow_the_workspace_timezone(
    runtime: Runtime, clock: FakeClock
) -> None:
    svc = runtime.service
    await set_timezone(svc, player(), "America/New_York")
    me = player("u3", name="December")
    clock.now = datetime(2026, 11, 30, 4, 30, tzinfo=UTC)  # Sun 29 Nov 23:30 in New York
    await _score(runtime, player("u1", name="Sunday"))
    clock.now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # Mon 30 Nov 20:00 in New York
    await _score(runtime, player("u2", name="Monday"))
    clock.now = datetime(2026, 12, 1, 5, 30, tzinfo=UTC)  # Tue 1 Dec 00:30 in New York
    await _score(runtime, me)
    week = await svc.leaderboard(me, Board.PLAYERS, Period.WEEK)
    month = await svc.leaderboard(me, Board.PLAYERS, Period.MONTH)
    total = await svc.leaderboard(me, Board.PLAYERS, Period.ALL)
    assert {r.name for r in week.rows} == {"Monday", "December"}
    assert [r.name for r in month.rows] == ["December"]
    assert {r.name for r in total.rows} == {"Sunday", "Monday", "December"}
    assert [r.rank for r in total.rows] == [1, 1, 1]  # a three-way tie shares first place
    assert week.caller is not None and week.caller.is_caller and week.caller.name == "December"
    assert await rebuild_scores(svc.store) == 3  # the boards are exactly what the log says
    assert await svc.leaderboard(me, Board.PLAYERS, Period.WEEK) == week
    assert await svc.leaderboard(me, Board.PLAYERS, Period.MONTH) == month


async def test_top_ten_plus_the_callers_own_rank(runtime: Runtime, clock: FakeClock) -> None:
    for i in range(11):
        await _score(runtime, player(f"p{i}"))
        if i < 5:  # a second right answer on a later day: more points, and a streak bonus
            clock.advance(days=1)
            await _score(runtime, player(f"p{i}"))
            clock.advance(days=-1)
    loser = player("zz", name="Last")
    assert await _score(runtime, loser, good=False) == 0
    board = await runtime.service.leaderboard(loser, Board.PLAYERS, Period.ALL)
    assert len(board.rows) == 10
    assert [r.rank for r in board.rows] == [1, 1, 1, 1, 1, 6, 6, 6, 6, 6]
    assert board.rows[0].points > board.rows[5].points
    assert not any(r.is_caller for r in board.rows)
    assert board.caller is not None and (board.caller.rank, board.caller.points) == (12, 0)


async def test_team_board_ranks_by_points_per_active_member(runtime: Runtime) -> None:
    svc = runtime.service
    big = [player(f"b{i}") for i in range(3)]
    await svc.team_create(big[0], "Big Team")
    for who in big[1:]:
        await svc.team_join(who, "big team")
    await svc.team_create(player("s0"), "Solo")
    big_points = 0
    for who in big[:2]:  # two active members; the third never plays
        big_points += await _score(runtime, who)
    solo = await _score(runtime, player("s0")) + await _score(runtime, player("s0"))
    assert big_points > solo > big_points / 2  # more in total, less per active member
    board = await svc.leaderboard(big[2], Board.TEAMS, Period.WEEK)
    rows = [(r.rank, r.name, r.points, r.members, r.average) for r in board.rows]
    assert rows == [
        (1, "Solo", solo, 1, float(solo)),
        (2, "Big Team", big_points, 2, big_points / 2),
    ]
    assert board.caller is not None and board.caller.name == "Big Team"
    assert board.rows[1].is_caller


async def test_team_names_are_validated_and_unique_per_workspace(runtime: Runtime) -> None:
    svc, ada, bob = runtime.service, player("ada"), player("bob")
    for bad, words in [
        ("", "visible"),
        ("   ", "visible"),
        ("x" * 33, "32"),
        ("bad\x07bell", "control"),
        ("tab\tname", "control"),
    ]:
        with pytest.raises(InvalidTeamName) as caught:
            await svc.team_create(ada, bad)
        assert words in caught.value.message
    assert "created" in (await svc.team_create(ada, "  Night Owls ")).text
    with pytest.raises(InvalidTeamName) as caught:
        await svc.team_create(bob, "NIGHT OWLS")
    assert "Night Owls" in caught.value.message
    assert "joined" in (await svc.team_join(bob, "night owls")).text
    await svc.team_create(bob, "Larks")  # moving teams leaves the old one
    listing = await svc.team_list(bob)
    assert [(t.name, t.members, t.is_mine) for t in listing.teams] == [
        ("Larks", 1, True),
        ("Night Owls", 1, False),
    ]
    with pytest.raises(InvalidTeamName) as caught:
        await svc.team_join(ada, "Nobody")
    assert set(caught.value.suggestions) == {"Larks", "Night Owls"}
    await svc.team_leave(ada)
    with pytest.raises(QuizError):
        await svc.team_leave(ada)
    other = player("ada", workspace="g2")
    await svc.team_create(other, "Night Owls")  # same name, another workspace: fine
    assert [t.name for t in (await svc.team_list(other)).teams] == ["Night Owls"]


async def test_workspaces_never_see_each_other(runtime: Runtime) -> None:
    alpha, beta = player("u1", "g1", "Alpha"), player("u1", "g2", "Beta")
    await _score(runtime, alpha)
    await _score(runtime, beta)
    await _score(runtime, player("u2", "g2", "Gamma"))
    await _score(runtime, beta)
    g1 = await runtime.service.leaderboard(alpha, Board.PLAYERS, Period.ALL)
    g2 = await runtime.service.leaderboard(beta, Board.PLAYERS, Period.ALL)
    assert [r.name for r in g1.rows] == ["Alpha"]
    assert [r.name for r in g2.rows] == ["Beta", "Gamma"]
    assert (await runtime.service.stats(alpha)).answered == 1
    assert (await runtime.service.stats(beta)).answered == 2


def _open_drop(tx: Tx, bank: Bank, now: datetime) -> tuple[int, str]:
    """What the drop worker does: a channel ask (no player) closing an hour from now."""
    ws = tx.workspaces.get_or_create("discord", "g1", now)
    spec = build_ask(bank, Pick("question", "resnet", "q-resnet"), random.Random(1))
    ask_id = "d" * 32
    tx.scoped(ws.id).asks.add(
        AskRec(
            ask_id,
            ws.id,
            None,
            spec,
            ("resnet",),
            None,
            ask_id,
            0,
            now,
            "d1",
            now + timedelta(hours=1),
        )
    )
    return ws.id, ask_id


def _award_drop(tx: Tx, ws_id: int, ask_id: str, now: datetime) -> int:
    """What the reveal does: points for every right answer, once per answer."""
    repos = tx.scoped(ws_id)
    return sum(
        repos.scores.award(a.id, 20, now, "UTC") for a in repos.answers.for_ask(ask_id) if a.correct
    )


async def test_drop_asks_are_open_to_all_once_and_close(runtime: Runtime, clock: FakeClock) -> None:
    svc = runtime.service
    ws_id, ask_id = await svc.store.run(lambda tx: _open_drop(tx, runtime.bank, clock.now))
    ada, bob, cy = player("ada"), player("bob"), player("cy")
    good = await right(svc, ada, ask_id)
    first = await svc.answer(ada, ask_id, good)
    assert first.correct and first.pending_reveal and first.points == 0 and first.answer == ""
    assert (await svc.answer(ada, ask_id, good)).already_answered
    late_wrong = await svc.answer(bob, ask_id, await wrong(svc, bob, ask_id))
    assert late_wrong.correct is False and late_wrong.next is None
    with pytest.raises(QuizError):
        await svc.answer(player("ada", workspace="g2"), ask_id, good)
    clock.advance(hours=2)
    closed = await svc.answer(cy, ask_id, good)
    assert closed.closed and closed.points == 0
    assert await svc.store.run(lambda tx: _award_drop(tx, ws_id, ask_id, clock.now)) == 1
    assert await svc.store.run(lambda tx: _award_drop(tx, ws_id, ask_id, clock.now)) == 0
    board = await svc.leaderboard(ada, Board.PLAYERS, Period.ALL)
    assert [(r.name, r.points) for r in board.rows] == [("ADA", 20), ("BOB", 0)]


async def test_flashcards_reveal_then_self_rate_for_no_points(runtime: Runtime) -> None:
    svc, me = runtime.service, player()
    card = await svc.ask(me, "chain rule")
    assert card.kind is AskKind.OPEN and card.points == 0
    reveal = await svc.answer(me, card.ask_id, "")  # just reveal (a typed answer is graded)
    assert reveal.correct is None and [c.id for c in reveal.rating_choices] == [
        "again",
        "hard",
        "good",
        "easy",
    ]
    rated = await svc.rate(me, card.ask_id, "Good")
    assert rated.points == 0 and not rated.already_answered
    assert (await svc.rate(me, card.ask_id, "easy")).already_answered
    with pytest.raises(InvalidInput):
        await svc.rate(me, card.ask_id, "meh")
    choice = await svc.ask(me, "resnet")
    with pytest.raises(InvalidInput):
        await svc.rate(me, choice.ask_id, "good")
    stats = await svc.stats(me)
    assert stats.answered == 0 and stats.strongest[0].concept_id == "chain-rule"


@SQLITE_ONLY
async def test_drop_commands_go_to_the_drop_service_when_there_is_one(runtime: Runtime) -> None:
    assert runtime.drops is not None
    admin = PlayerRef("discord", "g1", "boss", "Boss", is_admin=True)
    await runtime.drops.drop_set(admin, "general", "09:00", "Europe/Berlin")
    assert [s.channel_id for s in await runtime.service.drop_list(admin)] == ["general"]
    bare = QuizService(runtime.bank, runtime.store)  # a service built without drops
    with pytest.raises(QuizError) as caught:
        await bare.drop_list(admin)
    assert "not set up" in caught.value.message


async def test_stats_list_missed_concepts_as_weakest_never_as_strongest(runtime: Runtime) -> None:
    svc, me = runtime.service, player("misser")
    for topic in ("vgg", "alexnet", "inception"):
        card = await svc.ask(me, topic)
        await svc.answer(me, card.ask_id, await wrong(svc, me, card.ask_id))
    stats = await svc.stats(me)
    assert stats.answered == 3 and stats.correct == 0
    assert stats.strongest == ()
    assert {s.concept_id for s in stats.weakest} == {"vgg", "alexnet", "inception"}
    card = await svc.ask(me, "resnet")
    await svc.answer(me, card.ask_id, await right(svc, me, card.ask_id))
    stats = await svc.stats(me)
    assert [s.concept_id for s in stats.strongest] == ["resnet"]
    assert "resnet" not in {s.concept_id for s in stats.weakest}


async def test_limits_hold_after_nfkc_on_both_databases(runtime: Runtime) -> None:
    svc, ada = runtime.service, player("ada")
    # One character typed, eighteen stored: eight of them used to overflow PostgreSQL only.
    with pytest.raises(InvalidTeamName) as caught:
        await svc.team_create(ada, "\ufdfa" * 8)
    assert "32" in caught.value.message
    # Full-width letters are the same name once normalised, so the second is a duplicate.
    assert "created" in (await svc.team_create(ada, "\uff2f\uff37\uff2c")).text
    with pytest.raises(InvalidTeamName):
        await svc.team_create(player("bob"), "owl")
    for bad in [player("u" * 65), player("u1", workspace="g" * 65), player("two words")]:
        with pytest.raises(InvalidInput) as wrong_id:
            await svc.stats(bad)
        assert "not valid" in wrong_id.value.message
    long_name = player("cat", name="\ufb03" * 120)  # "ffi" ligatures: 360 letters once normalised
    await svc.team_join(long_name, "OWL")
    listing = await svc.team_list(long_name)
    assert [(t.name, t.members, t.is_mine) for t in listing.teams] == [("OWL", 2, True)]


async def test_a_team_board_without_points_says_points_count_after_joining(
    runtime: Runtime,
) -> None:
    ada = player("ada")
    assert await _score(runtime, ada) > 0  # before ada had a team
    await runtime.service.team_create(ada, "Owls")
    board = await runtime.service.leaderboard(ada, Board.TEAMS, Period.WEEK)
    assert board.rows == ()  # her points predate the team, so the board is empty
    assert "after joining" in board.empty_note


async def test_a_player_with_no_answers_ranks_after_everyone_who_answered(
    runtime: Runtime,
) -> None:
    assert await _score(runtime, player("ada"), good=False) == 0  # answered: on the board at 0
    board = await runtime.service.leaderboard(player("bob"), Board.PLAYERS, Period.WEEK)
    assert [(r.name, r.rank) for r in board.rows] == [("ADA", 1)]
    assert board.caller is not None and (board.caller.rank, board.caller.points) == (2, 0)
