"""The per-test database fixture really gives an empty, writable database on each backend."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


async def test_fresh_database_is_writable_and_isolated(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, v TEXT)"))
            await conn.execute(text("INSERT INTO probe (id, v) VALUES (1, 'x')"))
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT v FROM probe"))).all()
        assert [r[0] for r in rows] == ["x"]
    finally:
        await engine.dispose()
