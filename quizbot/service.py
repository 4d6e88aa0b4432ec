"""QuizService: the engine adapters call (implements `quizbot.api.QuizApi`)."""

from __future__ import annotations

import logging
import random
import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.api import ScheduleInfo
from quizbot.asking.spec import AskSpec
from quizbot.errors import InvalidInput, InvalidTeamName, QuizError, UnknownAsk
from quizbot.grading import grade
from quizbot.mastery import update_mastery
from quizbot.replies import (
    AskKind,
    Board,
    Choice,
    ConceptPath,
    ConceptScore,
    Leaderboard,
    LeaderboardRow,
    Notice,
    Period,
    PlayerRef,
    PlayerStats,
    QuestionCard,
    TeamInfo,
    TeamList,
    Verdict,
)
from quizbot.review import RATINGS, review
from quizbot.scoring import next_streak, points_for
from quizbot.selection import build_ask, pick_follow_up, pick_next, review_key
from quizbot.storage.periods import ALL, local_day, month_key, week_key
from quizbot.storage.records import AskRec, BoardRow, WorkspaceRec
from quizbot.storage.uow import Store, Tx, WorkspaceRepos
from quizbot.topics import TopicMatcher

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_FOLLOW_UP_DEPTH = 3
WORKSPACE_CACHE_S = 60.0
PLAYER_CACHE_MAX = 100_000
TEAM_NAME_MAX = 32
BOARD_SIZE = 10
RATING_CHOICES = tuple(Choice(r, r.capitalize()) for r in RATINGS)
PERIOD_TITLES = {Period.WEEK: "this week", Period.MONTH: "this month", Period.ALL: "all time"}
PENDING = "The answer is revealed in the channel when the drop closes."
NO_DROPS = "Daily drops are not set up on this bot."


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Ctx:
    """The caller resolved inside one unit of work."""

    ws: WorkspaceRec
    repos: WorkspaceRepos
    player_id: int


class QuizService:
    """Ask, grade, follow up, remember, score and rank; see `quizbot.api.QuizApi`.

    Args:
        bank: the question bank and concept graph.
        sessions: the async session factory of the database (or a ready `Store`).
        clock: returns the current aware UTC time (injected by tests).
        rng: randomness for question choice, distractors and generated numbers.
    """

    def __init__(
        self,
        bank: Bank,
        sessions: async_sessionmaker[AsyncSession] | Store,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.bank = bank
        self.store = sessions if isinstance(sessions, Store) else Store.from_sessions(sessions)
        self.clock: Clock = clock or utc_now
        self.rng = rng or random.Random()
        self.topics = TopicMatcher(bank.concepts.values())
        self._workspaces: dict[tuple[str, str], tuple[WorkspaceRec, float]] = {}
        self._players: dict[tuple[int, str], tuple[int, str]] = {}
        self.drops: Any = None  # the daily-drop service (same drop_* methods), when set up

    # --- plumbing -------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Release the blocking SQLite engine the store may hold (the async one is the caller's)."""
        await self.store.aclose()

    def _ctx(self, tx: Tx, who: PlayerRef, now: datetime) -> _Ctx:
        """The caller's workspace and player, created on first sight.

        Ids already committed are cached per process (workspaces for a minute, so a timezone
        change shows up soon); anything created or renamed here is cached only when seen
        again, so a rolled-back transaction never leaves a dangling id behind.
        """
        ws_key = (who.platform, who.workspace)
        hit = self._workspaces.get(ws_key)
        if hit is not None and time.monotonic() - hit[1] < WORKSPACE_CACHE_S:
            ws = hit[0]
        else:
            found = tx.workspaces.find(who.platform, who.workspace)
            if found is not None:
                self._workspaces[ws_key] = (found, time.monotonic())
            ws = found or tx.workspaces.get_or_create(who.platform, who.workspace, now)
        repos = tx.scoped(ws.id)
        p_key = (ws.id, who.user_id)
        known = self._players.get(p_key)
        if known is None or (who.display_name and known[1] != who.display_name):
            known = repos.players.find(who.user_id)
            if known is not None and (not who.display_name or known[1] == who.display_name):
                if len(self._players) > PLAYER_CACHE_MAX:
                    self._players.clear()
                self._players[p_key] = known
            else:
                known = (repos.players.get_or_create(who.user_id, who.display_name, now), "")
        return _Ctx(ws, repos, known[0])

    def _names(self, concept_ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(
            self.bank.concepts[c].name if c in self.bank.concepts else c for c in concept_ids
        )

    def _card(self, ask: AskRec) -> QuestionCard:
        spec = ask.spec
        question = self.bank.question(spec.question_id) if spec.question_id else None
        follow_up = ask.depth > 0 or ask.is_retry
        worth = 0
        if spec.kind is not AskKind.OPEN:
            worth = points_for(
                spec.difficulty, correct=True, kind=spec.kind, follow_up=follow_up, streak_days=1
            )
        return QuestionCard(
            ask_id=ask.id,
            kind=spec.kind,
            prompt=spec.prompt,
            choices=spec.choices,
            concepts=question.concepts if question else (spec.concept_id,),
            concept_path=self._names(ask.concept_path),
            follow_up_of=ask.follow_up_of,
            difficulty=spec.difficulty,
            source=spec.source,
            points=0 if ask.player_id is None else worth,
            hint=spec.hint,
            is_drop=ask.player_id is None,
            is_retry=ask.is_retry,
        )

    def _new_ask(
        self,
        ctx: _Ctx,
        spec: AskSpec,
        now: datetime,
        *,
        path: tuple[str, ...] | None = None,
        follow_up_of: str | None = None,
        root: str | None = None,
        depth: int = 0,
    ) -> AskRec:
        ask_id = uuid.uuid4().hex
        return AskRec(
            id=ask_id,
            workspace_id=ctx.ws.id,
            player_id=ctx.player_id,
            spec=spec,
            concept_path=path or (spec.concept_id,),
            follow_up_of=follow_up_of,
            root_ask_id=root or ask_id,
            depth=depth,
            created_at=now,
        )

    def _load_ask(self, ctx: _Ctx, ask_id: str) -> AskRec:
        ask = ctx.repos.asks.get(ask_id.strip()[:64]) if ask_id else None
        if ask is None or (ask.player_id is not None and ask.player_id != ctx.player_id):
            raise UnknownAsk("I can't find that question for you; ask for a new one.")
        return ask

    # --- asking ---------------------------------------------------------------------------

    async def ask(self, who: PlayerRef, topic: str | None = None) -> QuestionCard:
        """Next question for a player: due reviews first, then their frontier, or on `topic`."""
        concept = self.topics.resolve(topic) if topic is not None and topic.strip() else None
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            mastery = {c: m.p_known for c, m in (ctx.repos.mastery.all_for(ctx.player_id)).items()}
            schedule = ctx.repos.reviews.schedule(ctx.player_id)
            due = [key for key, at in schedule if at <= now]
            pick = pick_next(
                self.bank,
                mastery=mastery,
                due_keys=due,
                seen={key for key, _ in schedule},
                topic=concept,
                rng=self.rng,
            )
            ask = self._new_ask(ctx, build_ask(self.bank, pick, self.rng), now)
            ctx.repos.asks.add(ask)
            return self._card(ask)

        return await self.store.run(work)

    # --- grading --------------------------------------------------------------------------

    async def answer(self, who: PlayerRef, ask_id: str, response: str) -> Verdict:
        """Grade a choice id or typed text; a wrong answer's `next` is a follow-up."""
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            ask = self._load_ask(ctx, ask_id)
            if ask.closes_at is not None and now >= ask.closes_at:
                return self._closed(ask)
            if ask.spec.kind is AskKind.OPEN:
                done = ctx.repos.answers.get(ask.id, ctx.player_id)
                verdict = self._verdict(ask, None, 0, 0, already=done is not None)
                if done is None:
                    verdict = replace(verdict, rating_choices=RATING_CHOICES)
                return verdict
            correct = grade(ask.spec, response)
            return self._score(ctx, ask, response.strip()[:500], correct, None, now)

        return await self.store.run(work)

    async def rate(self, who: PlayerRef, ask_id: str, rating: str) -> Verdict:
        """Self-rating of a revealed flashcard: "again", "hard", "good" or "easy"."""
        key = (rating or "").strip().lower()
        if key not in RATINGS:
            raise InvalidInput("Rate yourself with again, hard, good or easy.")
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            ask = self._load_ask(ctx, ask_id)
            if ask.spec.kind is not AskKind.OPEN:
                raise InvalidInput("Only flashcards are self-rated; answer this one instead.")
            return self._score(ctx, ask, key, None, key, now)

        return await self.store.run(work)

    def _score(
        self,
        ctx: _Ctx,
        ask: AskRec,
        response: str,
        correct: bool | None,
        rating: str | None,
        now: datetime,
    ) -> Verdict:
        """Record one answer and everything it moves; the already-answered path writes nothing."""
        repos, pid, spec = ctx.repos, ctx.player_id, ask.spec
        is_drop = ask.player_id is None
        team_id = repos.teams.team_id_of(pid)
        streak = repos.streaks.get(pid)
        today = local_day(now, ctx.ws.timezone)
        days = next_streak(streak.last_day, streak.streak, today)
        points = 0
        if correct is not None and not is_drop:
            points = points_for(
                spec.difficulty,
                correct=correct,
                kind=spec.kind,
                follow_up=ask.depth > 0 or ask.is_retry,
                streak_days=days,
            )
        answer_id = repos.answers.record(
            ask_id=ask.id,
            player_id=pid,
            team_id=team_id,
            concept_id=spec.concept_id,
            response=response,
            correct=correct,
            points=points,
            at=now,
        )
        if answer_id is None:
            done = repos.answers.get(ask.id, pid)
            return self._verdict(
                ask,
                done.correct if done else correct,
                done.points if done else 0,
                streak.streak,
                already=True,
            )
        repos.scores.credit_answer(
            answer_id=answer_id,
            player_id=pid,
            team_id=team_id,
            points=points,
            at=now,
            tz=ctx.ws.timezone,
        )
        repos.streaks.put(pid, today, days, max(streak.best, days))
        knew = correct if correct is not None else rating != "again"
        before = repos.mastery.get(pid, spec.concept_id)
        p_known = update_mastery(before.p_known if before else None, knew)
        repos.mastery.put(pid, spec.concept_id, p_known, knew, now)
        key = review_key(spec)
        card_json, due = review(repos.reviews.card(pid, key), correct, rating, now)
        repos.reviews.put(pid, key, card_json, due)
        nxt = None
        if not is_drop and knew:
            nxt = self._retry(ctx, ask, now)
        elif not is_drop:
            mastery = {c: m.p_known for c, m in repos.mastery.all_for(pid).items()}
            nxt = self._follow_up(ctx, ask, mastery, now)
        return self._verdict(ask, correct, points, days, next_card=nxt)

    def _follow_up(
        self, ctx: _Ctx, ask: AskRec, mastery: dict[str, float], now: datetime
    ) -> QuestionCard | None:
        """A private card on the least-mastered prerequisite, at most three levels down."""
        if ask.depth >= MAX_FOLLOW_UP_DEPTH:
            return None
        target = pick_follow_up(self.bank, ask.spec.concept_id, mastery, set(ask.concept_path))
        if target is None:
            return None
        schedule = ctx.repos.reviews.schedule(ctx.player_id)
        pick = pick_next(
            self.bank,
            mastery=mastery,
            due_keys=(),
            seen={key for key, _ in schedule},
            topic=target,
            rng=self.rng,
        )
        follow = self._new_ask(
            ctx,
            build_ask(self.bank, pick, self.rng),
            now,
            path=(*ask.concept_path, target),
            follow_up_of=ask.id,
            root=ask.root_ask_id,
            depth=ask.depth + 1,
        )
        ctx.repos.asks.add(follow)
        return self._card(follow)

    def _retry(self, ctx: _Ctx, ask: AskRec, now: datetime) -> QuestionCard | None:
        """After a right follow-up, the original question again (a fresh ask, same spec)."""
        if ask.depth == 0:
            return None
        root = ctx.repos.asks.get(ask.root_ask_id)
        if root is None:
            return None
        retry = self._new_ask(ctx, root.spec, now, path=root.concept_path, follow_up_of=ask.id)
        ctx.repos.asks.add(retry)
        return self._card(retry)

    def _verdict(
        self,
        ask: AskRec,
        correct: bool | None,
        points: int,
        streak: int,
        *,
        already: bool = False,
        next_card: QuestionCard | None = None,
    ) -> Verdict:
        spec, pending = ask.spec, ask.player_id is None
        return Verdict(
            ask_id=ask.id,
            correct=correct,
            answer="" if pending else spec.answer_text,
            explanation=PENDING if pending else spec.explanation,
            source=None if pending else spec.source,
            points=points,
            already_answered=already,
            streak=streak,
            next=next_card,
            concept_path=self._names(ask.concept_path),
            pending_reveal=pending,
        )

    def _closed(self, ask: AskRec) -> Verdict:
        return Verdict(
            ask_id=ask.id,
            correct=None,
            answer=ask.spec.answer_text,
            explanation="This drop is closed; answers are no longer counted.",
            source=ask.spec.source,
            concept_path=self._names(ask.concept_path),
            closed=True,
        )

    # --- boards and stats -----------------------------------------------------------------

    async def leaderboard(self, who: PlayerRef, board: Board, period: Period) -> Leaderboard:
        """Players or teams for the week / month / all time, in the workspace's timezone."""
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            day = local_day(now, ctx.ws.timezone)
            key = {Period.ALL: ALL, Period.WEEK: week_key(day), Period.MONTH: month_key(day)}[
                period
            ]
            boards = ctx.repos.boards
            if board is Board.PLAYERS:
                top, mine = boards.player_board(key, ctx.player_id, BOARD_SIZE)
                caller_key: int | None = ctx.player_id
            else:
                caller_key = ctx.repos.teams.team_id_of(ctx.player_id)
                top, mine = boards.team_board(key, caller_key, BOARD_SIZE)
            rows = tuple(_row(r, r.key == caller_key) for r in top)
            return Leaderboard(
                board=board,
                period=period,
                title=f"{board.value.capitalize()} · {PERIOD_TITLES[period]}",
                rows=rows,
                caller=_row(mine, True) if mine else None,
            )

        return await self.store.run(work)

    async def stats(self, who: PlayerRef) -> PlayerStats:
        """Accuracy, streak, strongest and weakest concepts."""
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            repos, pid = ctx.repos, ctx.player_id
            answered, correct = repos.answers.totals(pid)
            points = repos.boards.player_points(pid, ALL)
            streak = repos.streaks.get(pid)
            team = repos.teams.membership(pid)
            masteries = repos.mastery.all_for(pid)
            due = repos.reviews.due_count(pid, now)
            name = repos.players.name(pid) or who.display_name
            today = local_day(now, ctx.ws.timezone)
            alive = streak.last_day is not None and streak.last_day >= today - timedelta(days=1)
            scored = sorted(
                (
                    ConceptScore(c, self._names((c,))[0], m.p_known, m.attempts)
                    for c, m in masteries.items()
                    if m.attempts > 0
                ),
                key=lambda s: (-s.mastery, s.concept_id),
            )
            strongest = tuple(scored[:3])
            weakest = tuple(s for s in reversed(scored[-3:]) if s not in strongest)
            return PlayerStats(
                name=name,
                answered=answered,
                correct=correct,
                points=points,
                streak=streak.streak if alive else 0,
                best_streak=streak.best,
                team=team.name if team else None,
                strongest=strongest,
                weakest=weakest,
                due_reviews=due,
            )

        return await self.store.run(work)

    # --- teams ----------------------------------------------------------------------------

    async def team_create(self, who: PlayerRef, name: str) -> Notice:
        clean, key = validate_team_name(name)
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            team = ctx.repos.teams.create(clean, key, now)
            if team is None:
                taken = ctx.repos.teams.by_key(key)
                raise InvalidTeamName(
                    f'There is already a team called "{taken.name if taken else clean}" here; '
                    "join it or pick another name."
                )
            left = ctx.repos.teams.membership(ctx.player_id)
            ctx.repos.teams.join(ctx.player_id, team.id, now)
            extra = (f'You left "{left.name}".',) if left else ()
            return Notice(f'Team "{clean}" created, and you are in it.', extra)

        return await self.store.run(work)

    async def team_join(self, who: PlayerRef, name: str) -> Notice:
        clean, key = validate_team_name(name)
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            team = ctx.repos.teams.by_key(key)
            if team is None:
                names = tuple(t.name for t in ctx.repos.teams.listing())[:5]
                raise InvalidTeamName(
                    f'There is no team called "{clean}" here. Create it, or join one of these:',
                    names,
                )
            left = ctx.repos.teams.membership(ctx.player_id)
            if left is not None and left.id == team.id:
                return Notice(f'You are already in "{team.name}".')
            ctx.repos.teams.join(ctx.player_id, team.id, now)
            extra = (f'You left "{left.name}".',) if left else ()
            return Notice(f'You joined "{team.name}".', extra)

        return await self.store.run(work)

    async def team_leave(self, who: PlayerRef) -> Notice:
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            team = ctx.repos.teams.membership(ctx.player_id)
            if team is None:
                raise QuizError("You are not in a team.")
            ctx.repos.teams.leave(ctx.player_id)
            return Notice(f'You left "{team.name}". Your points so far stay with it.')

        return await self.store.run(work)

    async def team_list(self, who: PlayerRef) -> TeamList:
        now = self.clock()

        def work(tx: Tx) -> Any:
            ctx = self._ctx(tx, who, now)
            teams = ctx.repos.teams.listing()
            mine = ctx.repos.teams.membership(ctx.player_id)
            return TeamList(
                teams=tuple(
                    TeamInfo(t.name, t.members, mine is not None and t.id == mine.id) for t in teams
                ),
                mine=mine.name if mine else None,
            )

        return await self.store.run(work)

    # --- the concept graph ----------------------------------------------------------------

    def concept_path(self, topic: str) -> ConceptPath:
        """Prerequisite chains of a concept (fuzzy topic match), as names."""
        cid = self.topics.resolve(topic)
        concept = self.bank.concept(cid)
        chains = tuple(self._names(tuple(chain)) for chain in self.bank.chains(cid))
        return ConceptPath(cid, concept.name, concept.definition, chains)

    def suggest_topics(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        return self.topics.suggest(prefix, limit)

    # --- daily drops (delegated) ----------------------------------------------------------

    def _drops(self) -> Any:
        if self.drops is None:
            raise QuizError(NO_DROPS)
        return self.drops

    async def drop_set(
        self,
        who: PlayerRef,
        channel_id: str,
        time: str,
        timezone: str,
        weekdays: str | None = None,
        reveal_after_minutes: int | None = None,
    ) -> Notice:
        return await self._drops().drop_set(
            who, channel_id, time, timezone, weekdays, reveal_after_minutes
        )

    async def drop_off(self, who: PlayerRef, channel_id: str | None = None) -> Notice:
        return await self._drops().drop_off(who, channel_id)

    async def drop_now(self, who: PlayerRef, channel_id: str) -> Notice:
        return await self._drops().drop_now(who, channel_id)

    async def drop_list(self, who: PlayerRef) -> tuple[ScheduleInfo, ...]:
        return await self._drops().drop_list(who)


def validate_team_name(name: str) -> tuple[str, str]:
    """The trimmed display name and its case-insensitive key, or InvalidTeamName."""
    clean = (name or "").strip()
    if any(unicodedata.category(ch).startswith("C") and ch != "\u200d" for ch in clean):
        raise InvalidTeamName("Team names cannot contain control or invisible characters.")
    clean = " ".join(clean.split())
    if not clean:
        raise InvalidTeamName("A team name needs at least one visible character.")
    if len(clean) > TEAM_NAME_MAX:
        raise InvalidTeamName(f"Team names are at most {TEAM_NAME_MAX} characters.")
    return clean, " ".join(unicodedata.normalize("NFKC", clean).casefold().split())


def _row(row: BoardRow, is_caller: bool) -> LeaderboardRow:
    average = row.average
    return LeaderboardRow(
        rank=row.rank,
        name=row.name,
        points=row.points,
        members=row.members,
        average=round(average, 1) if average is not None else None,
        is_caller=is_caller,
    )
