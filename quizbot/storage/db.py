"""Async engine and session factory from a URL; SQLite pragmas; migrations applied in-process."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from quizbot.settings import default_database_url
from quizbot.storage import trouble
from quizbot.storage.trouble import check_url

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
# Execution option a unit of work sets so SQLite takes the write lock up front (BEGIN IMMEDIATE):
# two deferred transactions that both read then write would otherwise fail with SQLITE_BUSY.
WRITE_OPTION = "cnnquiz_write"
# PostgreSQL advisory lock key held while migrating ("cnnq" in ASCII); any constant would do.
MIGRATION_LOCK = 0x636E6E71
MIGRATION_LOCK_SQL = text("SELECT pg_advisory_xact_lock(:key)")
MIGRATION_WAIT_MS = 60_000


def normalize_url(url: str | None) -> str:
    """Pick the async driver for plain PostgreSQL URLs; default to the embedded SQLite file."""
    url = (url or "").strip() or default_database_url()
    for prefix in (
        "postgres://",
        "postgresql://",
        "postgresql+psycopg2://",
        "postgresql+psycopg://",
    ):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _install_sqlite_hooks(engine: Engine, autocheckpoint: int | None = None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event own BEGIN so we can choose IMMEDIATE for writers.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        # Busy timeout first: switching a new file to WAL needs a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if autocheckpoint is not None:
            cursor.execute(f"PRAGMA wal_autocheckpoint={autocheckpoint}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url` (see `normalize_url`), with SQLite set up for concurrent use.

    Raises DatabaseProblem (one line saying what to fix) for a URL no database can answer.
    """
    url = normalize_url(url)
    check_url(url)
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, **kwargs)
        _install_sqlite_hooks(engine.sync_engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # asyncpg waits 60 s for a server that accepts the connection and never answers.
    kwargs.setdefault("connect_args", {}).setdefault("timeout", trouble.CONNECT_TIMEOUT_S)
    return create_async_engine(url, **kwargs)


def sqlite_file_url(url: str) -> str | None:
    """The pysqlite URL of an on-disk SQLite database, else None (not SQLite, or in memory)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.set(drivername="sqlite").render_as_string(hide_password=False)


def make_sync_sqlite_engine(url: str, autocheckpoint: int | None = None) -> Engine:
    """A blocking engine on the same SQLite file, for units of work run in a worker thread.

    aiosqlite hops to its thread several times per statement; one hop per transaction is
    what keeps an answer's dozen statements within a few milliseconds. `autocheckpoint`
    (pages) moves the WAL checkpoint threshold of these connections.
    """
    sync_url = sqlite_file_url(url)
    if sync_url is None:
        raise ValueError("not an on-disk SQLite URL")
    engine = create_engine(sync_url, connect_args={"check_same_thread": False})
    _install_sqlite_hooks(engine, autocheckpoint)
    return engine


def checkpoint(engine: Engine) -> None:
    """A PASSIVE WAL checkpoint: copies committed pages home without blocking writers."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
    finally:
        raw.close()


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(url: str | AsyncEngine | None = None, revision: str = "head") -> None:
    """Apply migrations up to `revision` on the database at `url` (or through an engine).

    Any number of processes may call this at once on a new database: the first to take the
    lock migrates, the others wait for it and then find nothing left to do.
    """
    engine = url if isinstance(url, AsyncEngine) else make_engine(url)
    try:
        async with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:  # wait longer than usual: other processes may be migrating first
                await conn.exec_driver_sql(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
                await conn.commit()
                conn = await conn.execution_options(**{WRITE_OPTION: True})  # BEGIN IMMEDIATE
            try:
                async with conn.begin():
                    if (
                        conn.dialect.name == "postgresql"
                    ):  # an advisory lock, released when this transaction ends
                        await conn.execute(MIGRATION_LOCK_SQL, {"key": MIGRATION_LOCK})
                    await conn.run_sync(
                        lambda sync: command.upgrade(alembic_config(sync), revision)
                    )
            finally:
                if sqlite:
                    await conn.execution_options(**{WRITE_OPTION: False})
                    await conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                    await conn.commit()
    finally:
        if engine is not url:
            await engine.dispose()
    logger.info("database migrated to %s", revision)


async def current_revision(url: str | AsyncEngine | None = None) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    engine = url if isinstance(url, AsyncEngine) else make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        if engine is not url:
            await engine.dispose()
