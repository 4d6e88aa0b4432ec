"""Shared fixtures: a fresh database per test, on SQLite always and PostgreSQL when configured.

Set CNNQUIZ_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to add the
PostgreSQL run; each test gets its own throwaway database there, so parallel runs never meet.
Tests that only need the schema in place ask for `migrated_database_url`: a copy of one
database per backend migrated once per run, which saves running every migration per test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("CNNQUIZ_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_ADMIN_URL else [])


def _asyncpg_dsn(url: str) -> str:
    """asyncpg wants a plain postgresql:// DSN without a SQLAlchemy driver suffix."""
    _scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


def _sqlalchemy_url(dsn: str) -> str:
    return "postgresql+asyncpg://" + dsn.split("://", 1)[1]


async def _fresh_pg_database(template: str | None = None) -> tuple[str, str]:
    import asyncpg

    admin = _asyncpg_dsn(PG_ADMIN_URL)
    name = f"cnnquiz_t_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await conn.close()
    base = admin.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


async def _drop_pg_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(PG_ADMIN_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A SQLAlchemy async URL to an empty database of each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'cnnquiz.db'}"
        return
    name, dsn = await _fresh_pg_database()
    try:
        yield _sqlalchemy_url(dsn)
    finally:
        await _drop_pg_database(name)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Per backend, a database migrated to head once per run: a SQLite file, a PG database name.

    Nothing connects to them after this fixture, so PostgreSQL can copy its one as a template.
    """
    from quizbot.storage.db import upgrade

    sqlite_file = tmp_path_factory.mktemp("migrated") / "cnnquiz.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{sqlite_file}"))
    templates = {"sqlite": str(sqlite_file)}
    if PG_ADMIN_URL:
        name, dsn = asyncio.run(_fresh_pg_database())
        asyncio.run(upgrade(_sqlalchemy_url(dsn)))
        templates["postgresql"] = name
    yield templates
    if "postgresql" in templates:
        asyncio.run(_drop_pg_database(templates["postgresql"]))


@pytest.fixture(params=BACKENDS)
async def migrated_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: dict[str, str]
) -> AsyncIterator[str]:
    """Like `database_url`, but with the schema already migrated to head."""
    if request.param == "sqlite":
        target = tmp_path / "cnnquiz.db"
        shutil.copyfile(migrated_templates["sqlite"], target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    name, dsn = await _fresh_pg_database(template=migrated_templates["postgresql"])
    try:
        yield _sqlalchemy_url(dsn)
    finally:
        await _drop_pg_database(name)
