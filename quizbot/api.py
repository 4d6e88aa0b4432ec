"""The engine's public surface as adapters see it; `quizbot.service.QuizService` implements it.

Every method raises `quizbot.errors.QuizError` (with a player-safe message) on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from quizbot.replies import (
    Board,
    ConceptPath,
    DropReveal,
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
from quizbot.study.replies import Explanation, FlagList, Hint, MasteryMap, ReviewList


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel a drop is posted to."""

    platform: str
    workspace: str
    channel_id: str


@dataclass(frozen=True, slots=True)
class ScheduleInfo:
    """A channel's drop schedule as shown to admins."""

    channel_id: str
    time: str  # "HH:MM" local
    timezone: str  # IANA name
    weekdays: tuple[int, ...]  # 0 = Monday
    reveal_after_minutes: int | None  # None: reveal at the next drop
    active: bool


class QuizApi(Protocol):
    async def ask(self, who: PlayerRef, topic: str | None = None) -> QuestionCard:
        """Next question for a player: due reviews, then the frontier; or on `topic`."""

    async def answer(self, who: PlayerRef, ask_id: str, response: str) -> Verdict:
        """Grade a choice id or typed text. A wrong answer's Verdict.next is a follow-up."""

    async def rate(self, who: PlayerRef, ask_id: str, rating: str) -> Verdict:
        """Self-rating of a revealed flashcard: "again", "hard", "good" or "easy"."""

    async def sources(self, who: PlayerRef, ask_id: str) -> SourceAnswers:
        """Each source's own answer to a question the caller answered (or a revealed drop)."""

    async def more(self, who: PlayerRef, ask_id: str) -> Explanation:
        """The full model answer, why each wrong option is wrong, the sources, the path."""

    async def hint(self, who: PlayerRef, ask_id: str) -> Hint:
        """A hint on an unanswered question; a right answer to it then scores half."""

    async def review(self, who: PlayerRef) -> ReviewList:
        """Due and upcoming review cards with dates; the most overdue one is asked at once."""

    async def flag(self, who: PlayerRef, ask_id: str | None, reason: str = "") -> Notice:
        """Report a question (`ask_id`, or the one answered last); drops skip it until cleared."""

    async def flags(self, who: PlayerRef) -> FlagList:
        """The workspace's open reports on questions (admins only)."""

    async def flag_clear(self, who: PlayerRef, key: str) -> Notice:
        """Clear the open reports on a question, by the key `flags` lists (admins only)."""

    async def leaderboard(self, who: PlayerRef, board: Board, period: Period) -> Leaderboard:
        """Players or teams for the week / month / all time, in the workspace's timezone."""

    async def stats(self, who: PlayerRef) -> PlayerStats:
        """Accuracy, streak, strongest and weakest concepts."""

    async def mastery_map(self, who: PlayerRef) -> MasteryMap:
        """The concepts the caller met and their prerequisites, the weakest marked."""

    async def team_create(self, who: PlayerRef, name: str) -> Notice: ...

    async def team_join(self, who: PlayerRef, name: str) -> Notice: ...

    async def team_leave(self, who: PlayerRef) -> Notice: ...

    async def team_list(self, who: PlayerRef) -> TeamList: ...

    def concept_path(self, topic: str) -> ConceptPath:
        """Prerequisite chains of a concept (fuzzy topic match)."""

    def suggest_topics(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """(concept id, name) pairs for autocomplete."""

    # Daily drops (admin only; `who.is_admin` is decided by the adapter from the platform).
    async def drop_set(
        self,
        who: PlayerRef,
        channel_id: str,
        time: str,
        timezone: str,
        weekdays: str | None = None,
        reveal_after_minutes: int | str | None = None,
    ) -> Notice:
        """Weekdays like "mon-fri" (default) or "daily"; reveal like 240, "90m", "next"."""

    async def drop_off(self, who: PlayerRef, channel_id: str | None = None) -> Notice: ...

    async def drop_now(self, who: PlayerRef, channel_id: str) -> Notice: ...

    async def drop_list(self, who: PlayerRef) -> tuple[ScheduleInfo, ...]: ...

    # Drop admins of the workspace: chosen by its admins (`who.is_admin`), trusted with drops.
    async def drop_admins(self, who: PlayerRef) -> tuple[str, ...]:
        """User ids of the workspace's drop admins (admins and drop admins may look)."""

    async def drop_admin_add(self, who: PlayerRef, user_id: str) -> Notice: ...

    async def drop_admin_remove(self, who: PlayerRef, user_id: str) -> Notice: ...


class DropPublisher(Protocol):
    """What an adapter provides so the scheduler can post drops and reveals."""

    platform: str

    def owns(self, workspace: str) -> bool:
        """Whether this process is the one to post there first (Discord: the guild is on one
        of its shards). Other processes post a drop there only once it is overdue by a claim
        lease, so a worker that is down delays its workspaces' drops by about a minute."""

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        """Post a public drop card; return a message reference (used to thread the reveal).

        `resume`: a worker that died may have posted this card already (a takeover); return
        that message's reference instead of posting again when the platform can tell.
        """

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        """Post the reveal (answer, explanation, how the channel did); `resume` as above."""


class DropPublishers(Protocol):
    """Where an adapter registers its DropPublisher once its client is ready."""

    def add_publisher(self, publisher: DropPublisher) -> None:
        """Scheduled drops and reveals on `publisher.platform` post through it from now on."""

    def set_rate_share(self, platform: str, share: float) -> None:
        """Several processes post for one bot: this one keeps to `share` of its rate limit."""
