"""Repositories: answers score once, every read stays in its workspace, boards rebuild exactly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quizbot.asking.spec import AskSpec
from quizbot.errors import InvalidInput, StorageUnavailable
from quizbot.replies import AskKind
from quizbot.storage.db import make_engine, upgrade
from quizbot.storage.models import PlayerScore, PlayerStreak, TeamActivity, TeamScore
from quizbot.storage.records import AskRec
from quizbot.storage.uow import Store, Tx, rebuild_scores

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SPEC = AskSpec(
    kind=AskKind.CHOICE,
    prompt="Why skip connections?",
    concept_id="skip-connection",
    difficulty="easy",
    answer_text="They ease gradient flow",
    explanation="Identity paths carry gradients.",
)


@pytest.fixture
async def store(migrated_database_url: str) -> AsyncIterator[Store]:
    engine = make_engine(migrated_database_url)
    store = Store(engine)
    yield store
    await store.aclose()
    await engine.dispose()


async def _seed(store: Store, workspace: str) -> tuple[int, int]:
    def seed(tx: Tx) -> tuple[int, int]:
        ws = tx.workspaces.get_or_create("discord", workspace, NOW)
        repos = tx.scoped(ws.id)
        pid = repos.players.get_or_create("u1", "Ada", NOW)
        repos.asks.add(_ask("ask-" + workspace, ws.id, pid))
        return ws.id, pid

    return await store.run(seed)


def _ask(ask_id: str, ws: int, pid: int | None) -> AskRec:
    return AskRec(ask_id, ws, pid, SPEC, ("skip-connection",), None, ask_id, 0, NOW)


async def _record(store: Store, ws: int, pid: int) -> int | None:
    def record(tx: Tx) -> int | None:
        repos = tx.scoped(ws)
        answer_id = repos.answers.record(
            ask_id="ask-g1",
            player_id=pid,
            team_id=None,
            concept_id="skip-connection",
            response="a",
            correct=True,
            points=10,
            at=NOW,
        )
        if answer_id is not None:
            repos.scores.credit_answer(
                answer_id=answer_id, player_id=pid, team_id=None, points=10, at=NOW, tz="UTC"
            )
        return answer_id

    return await store.run(record)


async def test_get_or_create_is_stable_and_renames(store: Store) -> None:
    def create(tx: Tx) -> tuple[bool, str, int, int, str | None]:
        ws = tx.workspaces.get_or_create("slack", "T1", NOW)
        again = tx.workspaces.get_or_create("slack", "T1", NOW)
        repos = tx.scoped(ws.id)
        first = repos.players.get_or_create("U1", "Ada", NOW)
        second = repos.players.get_or_create("U1", "Ada L.", NOW)
        return again == ws, ws.timezone, first, second, repos.players.name(first)

    same, tz, first, second, name = await store.run(create)
    assert same and tz == "UTC"
    assert first == second and name == "Ada L."


async def test_second_answer_to_the_same_ask_is_refused(store: Store) -> None:
    ws, pid = await _seed(store, "g1")
    assert await _record(store, ws, pid) is not None
    assert await _record(store, ws, pid) is None
    assert await store.run(lambda tx: tx.scoped(ws).boards.player_points(pid, "all")) == 10
    assert await store.run(lambda tx: tx.scoped(ws).answers.totals(pid), write=False) == (1, 1)


async def test_racing_answers_score_once(store: Store) -> None:
    ws, pid = await _seed(store, "g1")
    results = await asyncio.gather(*(_record(store, ws, pid) for _ in range(4)))
    assert sum(r is not None for r in results) == 1
    points = await store.run(lambda tx: tx.scoped(ws).boards.player_points(pid, "all"))
    assert points == 10


async def test_repositories_never_read_another_workspace(store: Store) -> None:
    ws_a, pid_a = await _seed(store, "g1")
    ws_b, pid_b = await _seed(store, "g2")
    await _record(store, ws_a, pid_a)

    def cross(tx: Tx) -> None:
        b = tx.scoped(ws_b)
        assert b.asks.get("ask-g1") is None
        assert b.answers.get("ask-g1", pid_a) is None
        assert b.players.name(pid_a) is None
        top, mine = b.boards.player_board("all", pid_b)
        assert top == [] and mine is not None and (mine.points, mine.rank) == (0, 1)
        assert b.mastery.all_for(pid_a) == {}
        team = b.teams.create("Owls", "owls", NOW)
        assert team is not None
        assert tx.scoped(ws_a).teams.by_key("owls") is None
        answer = tx.scoped(ws_a).answers.get("ask-g1", pid_a)
        assert answer is not None
        assert b.scores.award(answer.id, 50, NOW, "UTC") is False  # it lives in ws_a

    await store.run(cross)

    def points(tx: Tx) -> tuple[int, int]:
        return (
            tx.scoped(ws_a).boards.player_points(pid_a, "all"),
            tx.scoped(ws_b).boards.player_points(pid_a, "all"),
        )

    assert await store.run(points, write=False) == (10, 0)


async def _snapshot(store: Store) -> dict[str, set[tuple]]:
    def read(tx: Tx) -> dict[str, set[tuple]]:
        return {
            model.__tablename__: {tuple(r) for r in tx.session.execute(select(model.__table__))}
            for model in (PlayerScore, TeamScore, TeamActivity, PlayerStreak)
        }

    return await store.run(read, write=False)


async def test_rebuild_from_the_logs_equals_the_incremental_boards(store: Store) -> None:
    def fill(tx: Tx) -> tuple[int, int]:
        ws = tx.workspaces.get_or_create("discord", "g1", NOW)
        tx.workspaces.set_timezone(ws.id, "America/New_York")
        repos = tx.scoped(ws.id)
        owls = repos.teams.create("Owls", "owls", NOW)
        assert owls is not None
        pids = [repos.players.get_or_create(f"u{i}", f"P{i}", NOW) for i in range(4)]
        repos.teams.join(pids[0], owls.id, NOW)
        repos.teams.join(pids[1], owls.id, NOW)
        drop_answers = []
        # Spread answers over a month and across week/month edges in New York time.
        for n in range(40):
            at = datetime(2026, 10, 25, 3, 30, tzinfo=UTC) + timedelta(hours=17 * n)
            pid = pids[n % 4]
            ask_id = f"a{n}"
            repos.asks.add(_ask(ask_id, ws.id, None if n % 5 == 0 else pid))
            team = owls.id if pid in pids[:2] else None
            points = 0 if n % 5 == 0 else (n % 3) * 10
            answer_id = repos.answers.record(
                ask_id=ask_id,
                player_id=pid,
                team_id=team,
                concept_id="c",
                response="a",
                correct=points > 0,
                points=points,
                at=at,
            )
            assert answer_id is not None
            repos.scores.credit_answer(
                answer_id=answer_id,
                player_id=pid,
                team_id=team,
                points=points,
                at=at,
                tz="America/New_York",
            )
            repos.streaks.put(pid, at.date(), 1, 1, points > 0)  # totals kept per answer
            if n % 5 == 0:
                drop_answers.append((answer_id, at + timedelta(hours=30)))
        for answer_id, at in drop_answers:  # drop points arrive at the reveal, a day later
            assert repos.scores.award(answer_id, 15, at, "America/New_York")
            assert not repos.scores.award(answer_id, 15, at, "America/New_York")
        return ws.id, pids[0]

    ws, first = await store.run(fill)
    incremental = await _snapshot(store)
    assert len(incremental["player_scores"]) > 12 and incremental["team_activity"]
    totals = await store.run(lambda tx: tx.scoped(ws).streaks.totals(first), write=False)
    replayed = await rebuild_scores(store)
    assert replayed == 40
    assert await _snapshot(store) == incremental  # boards and answer totals alike
    assert totals == (10, 5)  # u0 answered 10 times, right when its points were not 0


async def test_a_failing_transaction_leaves_nothing_behind(database_url: str) -> None:
    await upgrade(database_url)
    engine = make_engine(database_url)
    store = Store(engine)

    def half_done(tx: Tx) -> None:
        ws = tx.workspaces.get_or_create("slack", "T9", NOW)
        tx.scoped(ws.id).players.get_or_create("U9", "Half", NOW)
        raise InvalidInput("bad input discovered after the first writes")

    try:
        with pytest.raises(InvalidInput):
            await store.run(half_done)
        assert await store.run(lambda tx: tx.workspaces.find("slack", "T9")) is None
    finally:
        await store.aclose()
        await engine.dispose()


@pytest.mark.parametrize(
    "url", ["postgresql://nobody@127.0.0.1:1/none", "sqlite+aiosqlite:///{tmp}/dir.db/x.db"]
)
async def test_store_reports_an_unreachable_database(url: str, tmp_path: Path) -> None:
    url = url.format(tmp=tmp_path)
    engine = make_engine(url)  # make_engine itself refuses a folder; this one appears later
    if "dir.db" in url:
        (tmp_path / "dir.db" / "x.db").mkdir(parents=True)  # a directory where the file should be
    store = Store(engine)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            await store.run(lambda tx: tx.workspaces.get_or_create("local", "local", NOW))
        assert "nothing was saved" in caught.value.message
    finally:
        await store.aclose()
        await engine.dispose()


async def test_sqlite_wal_is_checkpointed_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quizbot.storage.uow as uow_module

    calls: list[object] = []
    real = uow_module.checkpoint
    monkeypatch.setattr(uow_module, "CHECKPOINT_EVERY_S", 0.01)
    monkeypatch.setattr(uow_module, "checkpoint", lambda e: calls.append(real(e)))
    url = f"sqlite+aiosqlite:///{tmp_path / 'wal.db'}"
    await upgrade(url)
    engine = make_engine(url)
    store = Store(engine)
    try:
        await store.run(lambda tx: tx.workspaces.get_or_create("local", "local", NOW))
        for _ in range(100):
            if calls:
                break
            await asyncio.sleep(0.01)
        assert calls, "no checkpoint after a write"
        settled = len(calls)
        await asyncio.sleep(0.05)
        assert len(calls) == settled  # nothing written since: no more checkpoints
    finally:
        await store.aclose()
        await engine.dispose()
