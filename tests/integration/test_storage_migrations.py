"""Migrations on an empty database build exactly the schema the models describe."""

from __future__ import annotations

import asyncio
import sys
from asyncio.subprocess import PIPE
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from quizbot.storage.db import current_revision, make_engine, normalize_url, upgrade
from quizbot.storage.schema import load_metadata
from quizbot.storage.uow import Store

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_upgrade_on_empty_database_matches_models(database_url: str) -> None:
    assert await current_revision(database_url) is None
    await upgrade(database_url)
    engine = make_engine(database_url)
    metadata = load_metadata()
    try:
        async with engine.connect() as conn:
            diffs = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    assert diffs == []
    assert set(metadata.tables) <= tables
    assert await current_revision(database_url) is not None


async def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    await upgrade(database_url)
    first = await current_revision(database_url)
    await upgrade(database_url)
    assert await current_revision(database_url) == first


def test_plain_postgres_urls_get_the_async_driver() -> None:
    assert normalize_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_url("postgresql://u@h:5432/db") == "postgresql+asyncpg://u@h:5432/db"
    assert normalize_url("postgresql+asyncpg://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalize_url("").startswith("sqlite+aiosqlite:///")


# Each process imports first, says "ready", and migrates when the test writes "go" to all at once.
STARTER = """
import asyncio, sys
from quizbot.storage.db import upgrade
print("ready", flush=True)
sys.stdin.readline()
asyncio.run(upgrade(sys.argv[1]))
"""


async def test_first_start_by_several_processes_at_once_all_succeed(database_url: str) -> None:
    # The Procfile starts web and worker together; each migrates a database nobody has yet.
    starters = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            STARTER,
            database_url,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
        )
        for _ in range(4)
    ]
    for proc in starters:
        assert proc.stdout is not None
        assert await proc.stdout.readline() == b"ready\n"
    for proc in starters:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
    results = [await proc.communicate() for proc in starters]
    failures = [
        err.decode()[-300:]
        for proc, (_, err) in zip(starters, results, strict=True)
        if proc.returncode
    ]
    assert failures == []
    assert await current_revision(database_url) is not None


async def test_answer_totals_are_backfilled_from_the_log(database_url: str) -> None:
    await upgrade(database_url, "0005_drop_posts")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO workspaces (id, platform, external_id, timezone, created_at)"
                    " VALUES (1, 'slack', 'T1', 'UTC', :at)"
                ),
                {"at": AT},
            )
            await conn.execute(
                text(
                    "INSERT INTO players (id, workspace_id, external_id, display_name,"
                    " created_at) VALUES (1, 1, 'U1', 'Ada', :at)"
                ),
                {"at": AT},
            )
            await conn.execute(
                text(
                    "INSERT INTO player_streaks (player_id, workspace_id, last_day, streak, best)"
                    " VALUES (1, 1, :day, 1, 1)"
                ),
                {"day": AT.date()},
            )
            for n, correct in enumerate((True, False, None, True)):
                await conn.execute(
                    text(
                        "INSERT INTO asks (id, workspace_id, kind, concept_id, spec_json,"
                        " concept_path, root_ask_id, depth, created_at)"
                        " VALUES (:id, 1, 'choice', 'c', '{}', '[]', :id, 0, :at)"
                    ),
                    {"id": f"a{n}", "at": AT},
                )
                await conn.execute(
                    text(
                        "INSERT INTO answers (ask_id, workspace_id, player_id, concept_id,"
                        " response, correct, points, answered_at)"
                        " VALUES (:id, 1, 1, 'c', 'a', :correct, 0, :at)"
                    ),
                    {"id": f"a{n}", "correct": correct, "at": AT},
                )
        await upgrade(engine)
        store = Store(engine)
        totals = await store.run(lambda tx: tx.scoped(1).streaks.totals(1), write=False)
        await store.aclose()
    finally:
        await engine.dispose()
    assert totals == (3, 2)  # graded answers (the self-rated one left out), and right ones
