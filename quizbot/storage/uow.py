"""Units of work: one transaction per engine call, repositories scoped by workspace.

The repositories are plain synchronous code over a `Session`. `Store.run(fn)` runs a
transaction function on a worker thread with a blocking SQLite connection (one thread hop per
transaction instead of several per statement), or through `AsyncSession.run_sync` on
PostgreSQL. Quiz and drops alike reach the database only this way. Database trouble surfaces
as `StorageUnavailable` after a rollback, so nothing is ever half-written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from quizbot.errors import StorageUnavailable
from quizbot.storage.db import WRITE_OPTION, checkpoint, make_sync_sqlite_engine, sqlite_file_url
from quizbot.storage.models import Workspace
from quizbot.storage.repos.asks import AnswerRepo, AskRepo
from quizbot.storage.repos.boards import BoardRepo
from quizbot.storage.repos.drop_admins import DropAdminRepo
from quizbot.storage.repos.drop_inputs import DropInputRepo
from quizbot.storage.repos.drop_posts import DropPostRepo
from quizbot.storage.repos.drop_schedules import ScheduleRepo
from quizbot.storage.repos.drops import DropRepo
from quizbot.storage.repos.flags import FlagAdmin, FlagRepo, FlagSummary
from quizbot.storage.repos.installations import InstallationRepo, OAuthStateRepo
from quizbot.storage.repos.learning import MasteryRepo, ReviewRepo, StreakRepo
from quizbot.storage.repos.ratings import RatingRepo, question_report
from quizbot.storage.repos.rebuild import rebuild_workspace_scores
from quizbot.storage.repos.scores import ScoreRepo
from quizbot.storage.repos.study import HintRepo, TypedAnswerRepo
from quizbot.storage.repos.teams import TeamRepo
from quizbot.storage.repos.tenancy import PlayerRepo, WorkspaceRepo

logger = logging.getLogger(__name__)

T = TypeVar("T")
UNAVAILABLE = "The quiz database is not reachable right now; nothing was saved. Try again soon."
CHECKPOINT_EVERY_S = 1.0
# Connections of the Store checkpoint on their own only as a backstop (~40 MB of WAL); the
# background checkpointer normally keeps the WAL small.
BACKSTOP_PAGES = 10_000
_DOWN = (OperationalError, InterfaceError, OSError, TimeoutError, ConnectionError)


class WorkspaceRepos:
    """Every repository bound to one workspace; none of their queries can leave it."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self.players = PlayerRepo(session, workspace_id)
        self.teams = TeamRepo(session, workspace_id)
        self.asks = AskRepo(session, workspace_id)
        self.answers = AnswerRepo(session, workspace_id)
        self.mastery = MasteryRepo(session, workspace_id)
        self.reviews = ReviewRepo(session, workspace_id)
        self.streaks = StreakRepo(session, workspace_id)
        self.scores = ScoreRepo(session, workspace_id)
        self.boards = BoardRepo(session, workspace_id)
        self.ratings = RatingRepo(session, workspace_id)
        self.typed = TypedAnswerRepo(session, workspace_id)
        self.hints = HintRepo(session, workspace_id)
        self.drop_admins = DropAdminRepo(session, workspace_id)
        self.flags = FlagRepo(session, workspace_id)


class Tx:
    """The repositories of one open transaction (what `Store.run` hands its function)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspaces = WorkspaceRepo(session)
        self.drops = DropRepo(session)
        self.schedules = ScheduleRepo(session)
        self.drop_inputs = DropInputRepo(session)
        self.drop_posts = DropPostRepo(session)
        self.installations = InstallationRepo(session)
        self.oauth_states = OAuthStateRepo(session)
        self.flags = FlagAdmin(session)

    def scoped(self, workspace_id: int) -> WorkspaceRepos:
        return WorkspaceRepos(self.session, workspace_id)


def _is_down(exc: BaseException) -> bool:
    return isinstance(exc, _DOWN) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def _unavailable(exc: BaseException) -> StorageUnavailable:
    logger.warning("database unavailable: %s", type(exc).__name__)
    return StorageUnavailable(UNAVAILABLE)


class Store:
    """Runs transaction functions against one database; commit on return, rollback on raise."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        sync_url = sqlite_file_url(engine.url.render_as_string(hide_password=False))
        self._sync = make_sync_sqlite_engine(sync_url, BACKSTOP_PAGES) if sync_url else None
        self._writes = 0
        self._checkpointer: asyncio.Task[None] | None = None
        self._sync_sessions = (
            sessionmaker(self._sync, expire_on_commit=False, autoflush=False)
            if self._sync
            else None
        )

    @classmethod
    def from_sessions(cls, sessions: async_sessionmaker[AsyncSession]) -> Store:
        bind = sessions.kw.get("bind")
        if not isinstance(bind, AsyncEngine):
            raise TypeError("the session factory must be bound to an AsyncEngine")
        return cls(bind)

    async def run(self, fn: Callable[[Tx], T], *, write: bool = True) -> T:
        """Run `fn` in one transaction and return its result (StorageUnavailable when down)."""
        try:
            if self._sync_sessions is not None:
                if write:
                    self._writes += 1
                    if self._checkpointer is None:
                        self._checkpointer = asyncio.create_task(self._checkpoint_loop())
                return await asyncio.to_thread(self._run_blocking, fn, write)
            async with self.sessions() as session:
                await session.connection(execution_options={WRITE_OPTION: write})
                result = await session.run_sync(lambda s: fn(Tx(s)))
                await session.commit()
                return result
        except Exception as exc:
            if _is_down(exc):
                raise _unavailable(exc) from exc
            raise

    def _run_blocking(self, fn: Callable[[Tx], T], write: bool) -> T:
        assert self._sync_sessions is not None
        with self._sync_sessions() as session:
            session.connection(execution_options={WRITE_OPTION: write})
            result = fn(Tx(session))
            session.commit()
            return result

    async def _checkpoint_loop(self) -> None:
        """Checkpoint the WAL off the request path (a commit that has to do it waits ~10 ms)."""
        assert self._sync is not None
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY_S)
            if self._writes:
                self._writes = 0
                try:
                    await asyncio.to_thread(checkpoint, self._sync)
                except Exception:  # a busy or closing database: the next round retries
                    logger.debug("WAL checkpoint failed", exc_info=True)

    async def aclose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpointer
            self._checkpointer = None
        if self._sync is not None:
            self._sync.dispose()


def _rebuild(tx: Tx, workspace_id: int | None) -> int:
    ids = (
        [workspace_id]
        if workspace_id is not None
        else list(tx.session.execute(select(Workspace.id)).scalars())
    )
    return sum(rebuild_workspace_scores(tx.session, ws) for ws in ids)


async def rebuild_scores(
    sessions: async_sessionmaker[AsyncSession] | Store, workspace_id: int | None = None
) -> int:
    """Rebuild the boards of one workspace (or all) from the logs; returns answers replayed."""
    store = sessions if isinstance(sessions, Store) else Store.from_sessions(sessions)
    try:
        return await store.run(lambda tx: _rebuild(tx, workspace_id))
    finally:
        if store is not sessions:
            await store.aclose()


async def question_ratings(
    sessions: async_sessionmaker[AsyncSession],
) -> list[tuple[str, float, int, int]]:
    """Each question's calibrated rating, answers and right answers, over all workspaces."""
    store = Store.from_sessions(sessions)
    try:
        return await store.run(lambda tx: question_report(tx.session), write=False)
    finally:
        await store.aclose()


async def question_flags(
    sessions: async_sessionmaker[AsyncSession], *, open_only: bool = True
) -> list[FlagSummary]:
    """Players' reports per question over all workspaces, most open reports first."""
    store = Store.from_sessions(sessions)
    try:
        return await store.run(lambda tx: tx.flags.summary(open_only), write=False)
    finally:
        await store.aclose()


async def clear_question_flags(
    sessions: async_sessionmaker[AsyncSession], key: str, at: datetime
) -> int:
    """Close the open reports on a question in every workspace; how many were open."""
    store = Store.from_sessions(sessions)
    try:
        return await store.run(lambda tx: tx.flags.clear(key, at))
    finally:
        await store.aclose()
