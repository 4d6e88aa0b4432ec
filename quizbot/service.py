"""QuizService: the engine adapters call (implements `quizbot.api.QuizApi`)."""

from __future__ import annotations

import random

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.api import ScheduleInfo
from quizbot.drops.service import DropService
from quizbot.errors import QuizError
from quizbot.replies import (
    Board,
    ConceptPath,
    Leaderboard,
    Notice,
    Period,
    PlayerRef,
    PlayerStats,
    QuestionCard,
    SourceAnswers,
    TeamList,
    Verdict,
)
from quizbot.services.answering import Answering
from quizbot.services.asking import Asking
from quizbot.services.boards import Boards
from quizbot.services.deps import Clock, ServiceDeps, utc_now
from quizbot.services.drop_admins import DropAdmins
from quizbot.services.sourcing import Sourcing
from quizbot.services.teams import Teams, validate_team_name
from quizbot.storage.uow import Store
from quizbot.study.explaining import Explaining
from quizbot.study.flagging import Flagging
from quizbot.study.hinting import Hinting
from quizbot.study.interview import Interview
from quizbot.study.mapping import Mapping
from quizbot.study.replies import Explanation, FlagList, Hint, MasteryMap, ReviewList
from quizbot.study.reviewing import Reviewing
from quizbot.topics import TopicMatcher

__all__ = ["Clock", "QuizService", "utc_now", "validate_team_name"]

NO_DROPS = "Daily drops are not set up on this bot."


class QuizService:
    """Ask, grade, follow up, remember, score and rank; see `quizbot.api.QuizApi`.

    Args:
        bank: the question bank and concept graph.
        sessions: the async session factory of the database (or a ready `Store`).
        clock: returns the current aware UTC time (injected by tests).
        rng: randomness for question choice, distractors and generated numbers.
        drops: the daily-drop service, a sibling built by `bootstrap()` (None: no drops).
    """

    def __init__(
        self,
        bank: Bank,
        sessions: async_sessionmaker[AsyncSession] | Store,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        drops: DropService | None = None,
    ) -> None:
        self.bank = bank
        self._own_store = not isinstance(sessions, Store)
        self.store = sessions if isinstance(sessions, Store) else Store.from_sessions(sessions)
        self.clock: Clock = clock or utc_now
        self.rng = rng or random.Random()
        self.topics = TopicMatcher(bank.concepts.values())
        self._deps = deps = ServiceDeps(bank, self.store, self.clock, self.rng, self.topics)
        self._asking = Asking(deps)
        self._answering = Answering(deps, self._asking, Interview(bank))
        self._sourcing = Sourcing(deps)
        self._explaining = Explaining(deps)
        self._reviewing = Reviewing(deps, self._asking)
        self._hinting = Hinting(deps)
        self._flagging = Flagging(deps)
        self._mapping = Mapping(deps)
        self._boards = Boards(deps)
        self._teams = Teams(deps)
        self._drop_admins = DropAdmins(deps)
        self._drop_service = drops

    async def aclose(self) -> None:
        """Release the store when this service built it (a store handed in is the caller's)."""
        if self._own_store:
            await self.store.aclose()

    # --- asking and grading ---------------------------------------------------------------

    async def ask(self, who: PlayerRef, topic: str | None = None) -> QuestionCard:
        """Next question for a player: due reviews first, then their frontier, or on `topic`."""
        return await self._asking.ask(who, topic)

    async def answer(self, who: PlayerRef, ask_id: str, response: str) -> Verdict:
        """Grade a choice id or typed text; a wrong answer's `next` is a follow-up."""
        return await self._answering.answer(who, ask_id, response)

    async def rate(self, who: PlayerRef, ask_id: str, rating: str) -> Verdict:
        """Self-rating of a revealed flashcard: "again", "hard", "good" or "easy"."""
        return await self._answering.rate(who, ask_id, rating)

    async def sources(self, who: PlayerRef, ask_id: str) -> SourceAnswers:
        """Each source's own answer to an answered question, with provenance and disputes."""
        return await self._sourcing.sources(who, ask_id)

    async def more(self, who: PlayerRef, ask_id: str) -> Explanation:
        """The full explanation of an answered question ("More" after a verdict)."""
        return await self._explaining.more(who, ask_id)

    async def hint(self, who: PlayerRef, ask_id: str) -> Hint:
        """A hint on an unanswered question; a right answer to it then scores half."""
        return await self._hinting.hint(who, ask_id)

    async def review(self, who: PlayerRef) -> ReviewList:
        """Due and upcoming review cards with dates; the most overdue one is asked at once."""
        return await self._reviewing.review(who)

    async def flag(self, who: PlayerRef, ask_id: str | None, reason: str = "") -> Notice:
        """Report a question (`ask_id`, or the one answered last); drops skip it until cleared."""
        return await self._flagging.flag(who, ask_id, reason)

    async def flags(self, who: PlayerRef) -> FlagList:
        """The workspace's open reports on questions (admins only)."""
        return await self._flagging.flags(who)

    async def flag_clear(self, who: PlayerRef, key: str) -> Notice:
        """Clear the open reports on a question, by the key `flags` lists (admins only)."""
        return await self._flagging.clear(who, key)

    # --- boards and stats -----------------------------------------------------------------

    async def leaderboard(self, who: PlayerRef, board: Board, period: Period) -> Leaderboard:
        """Players or teams for the week / month / all time, in the workspace's timezone."""
        return await self._boards.leaderboard(who, board, period)

    async def stats(self, who: PlayerRef) -> PlayerStats:
        """Accuracy, streak, strongest and weakest concepts."""
        return await self._boards.stats(who)

    async def mastery_map(self, who: PlayerRef) -> MasteryMap:
        """The concepts the caller met and their prerequisites, the weakest marked."""
        return await self._mapping.mastery_map(who)

    # --- teams ----------------------------------------------------------------------------

    async def team_create(self, who: PlayerRef, name: str) -> Notice:
        return await self._teams.create(who, name)

    async def team_join(self, who: PlayerRef, name: str) -> Notice:
        return await self._teams.join(who, name)

    async def team_leave(self, who: PlayerRef) -> Notice:
        return await self._teams.leave(who)

    async def team_list(self, who: PlayerRef) -> TeamList:
        return await self._teams.listing(who)

    # --- the concept graph ----------------------------------------------------------------

    def concept_path(self, topic: str) -> ConceptPath:
        """Prerequisite chains of a concept (fuzzy topic match), as names."""
        cid = self.topics.resolve(topic)
        concept = self.bank.concept(cid)
        chains = tuple(self._deps.names(chain) for chain in self.bank.chains(cid))
        return ConceptPath(cid, concept.name, concept.definition, chains)

    def suggest_topics(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        return self.topics.suggest(prefix, limit)

    # --- daily drops (delegated) ----------------------------------------------------------

    def _drops(self) -> DropService:
        if self._drop_service is None:
            raise QuizError(NO_DROPS)
        return self._drop_service

    # A drop admin the workspace chose acts as an admin for every drop command.

    async def drop_set(
        self,
        who: PlayerRef,
        channel_id: str,
        time: str,
        timezone: str,
        weekdays: str | None = None,
        reveal_after_minutes: int | str | None = None,
    ) -> Notice:
        drops, who = self._drops(), await self._drop_admins.elevate(who)
        return await drops.drop_set(who, channel_id, time, timezone, weekdays, reveal_after_minutes)

    async def drop_off(self, who: PlayerRef, channel_id: str | None = None) -> Notice:
        drops, who = self._drops(), await self._drop_admins.elevate(who)
        return await drops.drop_off(who, channel_id)

    async def drop_now(self, who: PlayerRef, channel_id: str) -> Notice:
        drops, who = self._drops(), await self._drop_admins.elevate(who)
        return await drops.drop_now(who, channel_id)

    async def drop_list(self, who: PlayerRef) -> tuple[ScheduleInfo, ...]:
        drops, who = self._drops(), await self._drop_admins.elevate(who)
        return await drops.drop_list(who)

    async def drop_admins(self, who: PlayerRef) -> tuple[str, ...]:
        """The workspace's drop admins (user ids), for admins and drop admins."""
        return await self._drop_admins.listing(who)

    async def drop_admin_add(self, who: PlayerRef, user_id: str) -> Notice:
        """Let a user manage the workspace's drops (workspace admins only)."""
        return await self._drop_admins.add(who, user_id)

    async def drop_admin_remove(self, who: PlayerRef, user_id: str) -> Notice:
        """Take drop management back from a user (workspace admins only)."""
        return await self._drop_admins.remove(who, user_id)
