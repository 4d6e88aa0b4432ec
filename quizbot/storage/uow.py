"""Unit of work: one session, one transaction per engine call, repositories scoped by workspace.

Database trouble surfaces as `StorageUnavailable` (a friendly message) after a rollback, so
nothing is ever half-written.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Self

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quizbot.errors import StorageUnavailable
from quizbot.storage.db import WRITE_OPTION
from quizbot.storage.models import Workspace
from quizbot.storage.repos.asks import AnswerRepo, AskRepo
from quizbot.storage.repos.learning import MasteryRepo, ReviewRepo, StreakRepo
from quizbot.storage.repos.rebuild import rebuild_workspace_scores
from quizbot.storage.repos.scores import ScoreRepo
from quizbot.storage.repos.teams import TeamRepo
from quizbot.storage.repos.tenancy import PlayerRepo, WorkspaceRepo

logger = logging.getLogger(__name__)

UNAVAILABLE = "The quiz database is not reachable right now; nothing was saved. Try again soon."
_DOWN = (OperationalError, InterfaceError, OSError, TimeoutError, ConnectionError)


class WorkspaceRepos:
    """Every repository bound to one workspace; none of their queries can leave it."""

    def __init__(self, session: AsyncSession, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self.players = PlayerRepo(session, workspace_id)
        self.teams = TeamRepo(session, workspace_id)
        self.asks = AskRepo(session, workspace_id)
        self.answers = AnswerRepo(session, workspace_id)
        self.mastery = MasteryRepo(session, workspace_id)
        self.reviews = ReviewRepo(session, workspace_id)
        self.streaks = StreakRepo(session, workspace_id)
        self.scores = ScoreRepo(session, workspace_id)


class UnitOfWork:
    """`async with UnitOfWork(sessions) as uow:` ... `await uow.commit()`; else rolled back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, write: bool = True) -> None:
        self._sessions = sessions
        self._write = write
        self.session: AsyncSession

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        try:
            # On SQLite a writer takes the lock at BEGIN (IMMEDIATE), so racing writers queue
            # on busy_timeout instead of failing when upgrading a read lock.
            await self.session.connection(execution_options={WRITE_OPTION: self._write})
        except _DOWN as exc:
            await self.session.close()
            raise _unavailable(exc) from exc
        self.workspaces = WorkspaceRepo(self.session)
        return self

    def scoped(self, workspace_id: int) -> WorkspaceRepos:
        return WorkspaceRepos(self.session, workspace_id)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        except Exception:  # the connection may be gone already; the original error matters
            logger.debug("rollback failed", exc_info=True)
        finally:
            await self.session.close()
        if isinstance(exc, _DOWN) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
            raise _unavailable(exc) from exc


def _unavailable(exc: BaseException) -> StorageUnavailable:
    logger.warning("database unavailable: %s", type(exc).__name__)
    return StorageUnavailable(UNAVAILABLE)


async def rebuild_scores(
    sessions: async_sessionmaker[AsyncSession], workspace_id: int | None = None
) -> int:
    """Rebuild the boards of one workspace (or all) from the logs; returns answers replayed."""
    async with UnitOfWork(sessions) as uow:
        ids = (
            [workspace_id]
            if workspace_id is not None
            else list((await uow.session.execute(select(Workspace.id))).scalars())
        )
        total = 0
        for ws in ids:
            total += await rebuild_workspace_scores(uow.session, ws)
        await uow.commit()
    return total
