"""What every part of the quiz service shares: bank, store, clock, randomness, callers."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from knowledge.bank import Bank
from quizbot.inputs import checked_caller
from quizbot.replies import PlayerRef
from quizbot.services.callers import Callers, Ctx
from quizbot.storage.uow import Store, Tx
from quizbot.topics import TopicMatcher

T = TypeVar("T")
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceDeps:
    """Shared plumbing of the asking, answering, board and team parts."""

    bank: Bank
    store: Store
    clock: Clock
    rng: random.Random
    topics: TopicMatcher
    callers: Callers = field(default_factory=Callers)

    async def run(self, who: PlayerRef, fn: Callable[[Ctx], T]) -> T:
        """Run `fn` for the caller in one transaction, at one moment of the clock."""
        now = self.clock()
        caller = checked_caller(who)
        return await self.store.run(lambda tx: fn(self.callers.resolve(tx, caller, now)))

    async def read(self, who: PlayerRef, fn: Callable[[Ctx], T]) -> T:
        """Run a read-only `fn` without the write lock.

        A caller seen for the first time (or renamed) has to be written first: then `fn`
        runs in a write transaction like `run`.
        """
        now = self.clock()

        def attempt(tx: Tx) -> tuple[T] | None:
            ctx = self.callers.known(tx, who, now)
            return None if ctx is None else (fn(ctx),)

        found = await self.store.run(attempt, write=False)
        return found[0] if found is not None else await self.run(who, fn)

    def name(self, concept_id: str) -> str:
        """A concept's name (an id the bank does not know stays as it is)."""
        concept = self.bank.concepts.get(concept_id)
        return concept.name if concept else concept_id

    def names(self, concept_ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.name(c) for c in concept_ids)
