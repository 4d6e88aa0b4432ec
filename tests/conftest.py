"""Shared fixtures: a fresh database per test, on SQLite always and PostgreSQL when configured.

Set CNNQUIZ_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to add the
PostgreSQL run; each test gets its own throwaway database there, so parallel runs never meet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
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


async def _fresh_pg_database() -> tuple[str, str]:
    import asyncpg

    admin = _asyncpg_dsn(PG_ADMIN_URL)
    name = f"cnnquiz_t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
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
