"""A tiny in-memory QuizApi double used until the real QuizService is wired in."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from quizbot.errors import NotAllowed, UnknownAsk, UnknownTopic
from quizbot.replies import (
    AskKind,
    Board,
    Choice,
    ConceptPath,
    Leaderboard,
    LeaderboardRow,
    Notice,
    Period,
    PlayerRef,
    PlayerStats,
    QuestionCard,
    TeamList,
    Verdict,
)
from tests.e2e.slack.bank import right_text

OTHERS = [
    "Stacks of small 3x3 convolutions",
    "Depthwise separable convolutions to save compute",
    "Parallel branches with different kernel sizes",
]


@dataclass
class _Ask:
    owner: str
    card: QuestionCard
    correct: str
    answered: bool = False


class DoubleApi:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._asks: dict[str, _Ask] = {}
        self.points: dict[str, int] = {}
        self.names: dict[str, str] = {}

    def _card(
        self,
        who: PlayerRef,
        prompt: str,
        path: tuple[str, ...],
        follow_up_of: str | None = None,
        retry: bool = False,
        computed: bool = False,
    ) -> QuestionCard:
        ask_id = f"ask{next(self._ids)}"
        options = [right_text(prompt), *OTHERS]
        choices = (
            () if computed else tuple(Choice(c, t) for c, t in zip("abcd", options, strict=True))
        )
        card = QuestionCard(
            ask_id,
            AskKind.COMPUTED if computed else AskKind.CHOICE,
            prompt,
            choices,
            (path[-1],),
            path,
            follow_up_of,
            "medium",
            None,
            10,
            None,
            False,
            retry,
        )
        self._asks[ask_id] = _Ask(who.user_id, card, "12" if computed else "a")
        self.names[who.user_id] = who.display_name or who.user_id
        return card

    async def ask(self, who: PlayerRef, topic: str | None = None) -> QuestionCard:
        if topic and topic not in ("resnet", "stride"):
            raise UnknownTopic(f"No concept matches “{topic}”.")
        return self._card(who, "Question q-resnet?", ("ResNet",), computed=topic == "stride")

    async def answer(self, who: PlayerRef, ask_id: str, response: str) -> Verdict:
        ask = self._asks.get(ask_id)
        if ask is None or ask.owner != who.user_id:
            raise UnknownAsk("That question is not yours.")
        if ask.answered:
            return Verdict(ask_id, None, right_text(ask.card.prompt), "", already_answered=True)
        ask.answered = True
        right = response == ask.correct
        nxt = None
        if right:
            self.points[who.user_id] = self.points.get(who.user_id, 0) + 10
            if ask.card.is_follow_up:
                nxt = self._card(who, "Question q-resnet?", ("ResNet",), retry=True)
        elif not ask.card.is_follow_up:
            nxt = self._card(
                who,
                "Question q-skip?",
                ("ResNet", "skip connection", "vanishing gradient"),
                follow_up_of=ask_id,
            )
        return Verdict(
            ask_id,
            right,
            right_text(ask.card.prompt),
            "Because.",
            points=10 if right else 0,
            next=nxt,
            concept_path=ask.card.concept_path,
        )

    async def rate(self, who: PlayerRef, ask_id: str, rating: str) -> Verdict:
        raise UnknownAsk("no flashcards here")

    def _board(self, who: PlayerRef) -> tuple[LeaderboardRow, ...]:
        ranked = sorted(self.points.items(), key=lambda kv: -kv[1])
        return tuple(
            LeaderboardRow(i + 1, self.names[u], p, is_caller=u == who.user_id)
            for i, (u, p) in enumerate(ranked)
        )

    async def leaderboard(self, who: PlayerRef, board: Board, period: Period) -> Leaderboard:
        rows = self._board(who) if board is Board.PLAYERS else ()
        mine = next((r for r in rows if r.is_caller), None)
        return Leaderboard(board, period, f"Top {board.value} this {period.value}", rows, mine)

    async def stats(self, who: PlayerRef) -> PlayerStats:
        pts = self.points.get(who.user_id, 0)
        return PlayerStats(self.names.get(who.user_id, ""), pts // 10, pts // 10, pts, 0, 0, None)

    async def team_create(self, who: PlayerRef, name: str) -> Notice:
        return Notice(f"Team {name} created.")

    async def team_join(self, who: PlayerRef, name: str) -> Notice:
        return Notice(f"You joined {name}.")

    async def team_leave(self, who: PlayerRef) -> Notice:
        return Notice("You left your team.")

    async def team_list(self, who: PlayerRef) -> TeamList:
        return TeamList(())

    def concept_path(self, topic: str) -> ConceptPath:
        return ConceptPath("resnet", "ResNet", "Deep nets.", (("ResNet", "skip connection"),))

    def suggest_topics(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        return []

    async def drop_set(
        self,
        who: PlayerRef,
        channel_id: str,
        time: str,
        timezone: str,
        weekdays: str | None = None,
        reveal_after_minutes: int | None = None,
    ) -> Notice:
        if not who.is_admin:
            raise NotAllowed("Only workspace admins can schedule drops.")
        return Notice(f"Drops set for <#{channel_id}> at {time} {timezone}.")

    async def drop_off(self, who: PlayerRef, channel_id: str | None = None) -> Notice:
        if not who.is_admin:
            raise NotAllowed("Only workspace admins can schedule drops.")
        return Notice("Drops off.")

    async def drop_now(self, who: PlayerRef, channel_id: str) -> Notice:
        if not who.is_admin:
            raise NotAllowed("Only workspace admins can schedule drops.")
        return Notice("Drop posted.")

    async def drop_list(self, who: PlayerRef) -> tuple:
        return ()


@dataclass
class DoubleRuntime:
    service: DoubleApi

    async def aclose(self) -> None:
        return None
