"""One place that wires settings, database, migrations, question bank and the quiz service."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.drops.service import DropService
from quizbot.service import Clock, QuizService
from quizbot.settings import Settings
from quizbot.storage.db import make_engine, make_sessions, normalize_url, upgrade
from quizbot.storage.trouble import explain

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything a front end needs; `aclose()` releases the database."""

    settings: Settings
    bank: Bank
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    service: QuizService
    drops: DropService | None = None  # also `service.drops`; adapters add their publishers
    closed: bool = field(default=False, repr=False)

    async def aclose(self) -> None:
        if not self.closed:
            self.closed = True
            await self.service.aclose()
            await self.engine.dispose()

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()


async def bootstrap(
    settings: Settings | None = None,
    *,
    database_url: str | None = None,
    bank: Bank | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    migrate: bool = True,
    drops: bool = True,
) -> Runtime:
    """Build the runtime: migrate the database (unless told not to), load the bank, the service.

    Args:
        settings: configuration; read from the environment when None.
        database_url: overrides `settings.database_url` (tests pass their fresh database).
        bank: the question bank; compiled from `knowledge/` (cached) when None.
        clock: aware-UTC clock for the service (tests inject one).
        rng: randomness for the service.
        migrate: apply pending migrations first.
        drops: attach the daily-drop service (no publishers yet) to `service.drops`.

    Returns:
        A Runtime; call `await runtime.aclose()` when done.
    """
    settings = settings or Settings()
    url = database_url or settings.database_url
    try:
        engine = make_engine(url)
    except Exception as exc:  # a driver missing, a URL SQLAlchemy cannot build an engine from
        raise explain(exc, normalize_url(url)) from None
    try:
        if migrate:
            await upgrade(engine)
    except (DBAPIError, OSError, ImportError) as exc:
        await engine.dispose()
        raise explain(exc, normalize_url(url)) from None
    except BaseException:
        await engine.dispose()
        raise
    if bank is None:
        from knowledge.build import load_bank  # heavy (scikit-learn); only when needed

        try:
            bank = load_bank()
        except BaseException:
            await engine.dispose()
            raise
    sessions = make_sessions(engine)
    service = QuizService(bank, sessions, clock=clock, rng=rng)
    drop_service = None
    if drops:
        drop_service = DropService(
            sessions, bank, {}, service.clock, grace_minutes=settings.drop_grace_minutes
        )
        service.drops = drop_service
    logger.info(
        "engine ready: %d concepts, %d questions, %s database",
        len(bank.concepts),
        len(bank.questions),
        engine.dialect.name,
    )
    return Runtime(settings, bank, engine, sessions, service, drop_service)
