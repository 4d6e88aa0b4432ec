"""One place that wires settings, database, migrations, question bank and the quiz service."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.drops.service import DropService
from quizbot.installs import Installations
from quizbot.service import Clock, QuizService, utc_now
from quizbot.settings import Settings
from quizbot.storage.db import make_engine, make_sessions, normalize_url, upgrade
from quizbot.storage.trouble import explain
from quizbot.storage.uow import Store

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything a front end needs; `aclose()` releases the database.

    `drops` is the daily-drop service (None when not set up): adapters register their
    publishers on it (`quizbot.api.DropPublishers`); the quiz service delegates admin
    commands to the same object. `installs` keeps per-workspace bot credentials for
    adapters distributed through OAuth.
    """

    settings: Settings
    bank: Bank
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    store: Store
    service: QuizService
    drops: DropService | None = None
    installs: Installations | None = None
    closed: bool = field(default=False, repr=False)

    async def aclose(self) -> None:
        if not self.closed:
            self.closed = True
            if self.drops is not None:
                await self.drops.aclose()
            await self.store.aclose()
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
        drops: build the daily-drop service (no publishers yet) beside the quiz service.

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
        from knowledge.build import load_configured_bank  # heavy (scikit-learn); only when needed

        try:
            # Personal packs are validated here, at start-up (PackError: file:line problems).
            bank = load_configured_bank(settings.packs_dir)
        except BaseException:
            await engine.dispose()
            raise
    sessions = make_sessions(engine)
    store = Store(engine)
    clock = clock or utc_now
    drop_service = (
        DropService(store, bank, {}, clock, grace_minutes=settings.drop_grace_minutes)
        if drops
        else None
    )
    service = QuizService(bank, store, clock=clock, rng=rng, drops=drop_service)
    logger.info(
        "engine ready: %d concepts, %d questions, %s database",
        len(bank.concepts),
        len(bank.questions),
        engine.dialect.name,
    )
    installs = Installations(store, clock)
    return Runtime(settings, bank, engine, sessions, store, service, drop_service, installs)
