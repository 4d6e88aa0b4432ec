"""Asking: the next question, a diagnostic walk down the prerequisites and back up again."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Collection, Mapping
from datetime import datetime

from quizbot.asking.card import question_card
from quizbot.asking.computed import make_computed_ask
from quizbot.asking.concept import make_concept_ask
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind, PlayerRef, QuestionCard
from quizbot.scoring import points_for
from quizbot.selection import (
    RECENT_WINDOW,
    SESSION_GAP,
    Pick,
    Player,
    Recent,
    build_ask,
    pick_diagnostic,
    pick_follow_up,
    pick_next,
    prompt_key,
)
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.storage.records import AskRec, RecentAsk

MAX_WALK = 12  # asks in one walk down and back up (a safety net; the graph is finite)
_WALK_LOOKBACK = 40
_seq = itertools.count()


def new_ask_id() -> str:
    """A 32-hex-digit id that sorts by creation within a process (ties of one clock tick)."""
    return f"{time.time_ns():016x}{next(_seq) % 0xFFFF:04x}{os.urandom(6).hex()}"


def _new_order(spec: AskSpec, ask_id: str) -> AskSpec:
    """A retry's options in an order other than the one just answered (the stored spec,
    not the seed, is what later grades the ask, so trying further seeds is safe)."""
    before = [c.text for c in spec.choices]
    for n in range(24):
        moved = spec.shuffled(f"{ask_id}/{n}" if n else ask_id)
        if len(before) < 2 or [c.text for c in moved.choices] != before:
            return moved
    return moved


def _key(row: RecentAsk) -> str:
    return prompt_key(row.kind, row.concept_id, row.question_id)


def _recent(rows: list[RecentAsk], now: datetime) -> Recent:
    """The no-loop window: this session's asks (an ask long ago starts a new session)."""
    rows = [r for r in rows[:RECENT_WINDOW] if r.created_at >= now - SESSION_GAP]
    return Recent([_key(r) for r in rows], [r.kind for r in rows])


class Asking:
    """Creates asks for a player and turns stored asks into question cards."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def ask(self, who: PlayerRef, topic: str | None = None) -> QuestionCard:
        """Next question for a player: due reviews first, then their fringe, or on `topic`."""
        deps = self.deps
        concept = deps.topics.resolve(topic) if topic is not None and topic.strip() else None

        def work(ctx: Ctx) -> QuestionCard:
            repos, pid = ctx.repos, ctx.player_id
            mastery = repos.mastery.p_known_all(pid)
            due = repos.reviews.due_keys(pid, ctx.now)
            rated = repos.ratings.player(pid)
            pick = pick_next(
                deps.bank,
                mastery=mastery,
                due_keys=due,
                seen=lambda keys: repos.reviews.seen_among(pid, keys),
                topic=concept,
                rng=deps.rng,
                recent=_recent(repos.asks.recent(pid, RECENT_WINDOW), ctx.now),
                player=Player(*rated) if rated else Player(),
                ratings=lambda keys: self._ratings(ctx, keys),
            )
            return self._add(ctx, build_ask(deps.bank, pick, deps.rng), note=pick.note)

        return await deps.run(who, work)

    def start(self, ctx: Ctx, pick: Pick) -> QuestionCard:
        """A new ask of exactly `pick` for the caller (a review session's due card)."""
        return self._add(ctx, build_ask(self.deps.bank, pick, self.deps.rng))

    @staticmethod
    def _ratings(ctx: Ctx, keys: Collection[str]) -> Mapping[str, float]:
        return ctx.repos.ratings.questions(keys)

    def _history(self, ctx: Ctx, ask: AskRec) -> tuple[list[RecentAsk], list[RecentAsk]]:
        """The player's latest asks and, among them, this walk's so far (both newest first)."""
        rows = ctx.repos.asks.recent(ctx.player_id, _WALK_LOOKBACK)
        return rows, [r for r in rows if r.root_ask_id == ask.root_ask_id]

    def after_miss(
        self,
        ctx: Ctx,
        ask: AskRec,
        mastery: dict[str, float],
        step: AskSpec | None = None,
    ) -> QuestionCard | None:
        """Walk down: the easiest question on the least-mastered prerequisite not yet visited.

        `step` is a smaller question on the exact step a computed answer got wrong. At the
        foundation (or once every prerequisite was visited) the same concept gets one more,
        different question; after that the walk ends with the answer shown. A walk never
        visits a concept twice, so it cannot loop.
        """
        rows, walk = self._history(ctx, ask)
        if len(walk) >= MAX_WALK:
            return None
        bank, rng = self.deps.bank, self.deps.rng
        links = {"follow_up_of": ask.id, "root": ask.root_ask_id}
        if step is not None:
            return self._add(ctx, step, path=ask.concept_path, depth=ask.depth + 1, **links)
        visited = {r.concept_id for r in walk}
        target = pick_follow_up(bank, ask.spec.concept_id, mastery, visited)
        if target is None:
            here = ask.spec.concept_id
            if sum(1 for r in walk if r.concept_id == here and not r.is_retry) >= 2:
                return None
            target, path, depth = here, ask.concept_path, ask.depth
        else:
            path, depth = (*ask.concept_path, target), ask.depth + 1
        pick = pick_diagnostic(
            bank,
            target,
            ceiling=ask.spec.difficulty,
            seen_in_walk={_key(r) for r in walk},
            recent=_recent(rows, ctx.now),
            rng=rng,
        )
        if pick is None:
            return None
        return self._add(ctx, build_ask(bank, pick, rng), path=path, depth=depth, **links)

    def after_right(self, ctx: Ctx, ask: AskRec) -> QuestionCard | None:
        """Climb back up: the question missed one level above, offered again (once each)."""
        if ask.depth == 0:
            return None
        _, walk = self._history(ctx, ask)
        if len(walk) >= MAX_WALK:
            return None
        above = next((r for r in walk if r.depth == ask.depth - 1 and not r.is_retry), None)
        missed = ctx.repos.asks.get(above.id) if above is not None else None
        if missed is None:
            return None
        return self._add(
            ctx,
            self._again(missed.spec),
            path=missed.concept_path,
            follow_up_of=ask.id,
            root=ask.root_ask_id,
            depth=missed.depth,
            retry_of=missed.id,
        )

    def _again(self, spec: AskSpec) -> AskSpec:
        """The same question offered again: new numbers, new neighbours, or a new order."""
        if spec.kind is AskKind.COMPUTED:
            return make_computed_ask(self.deps.rng, spec.concept_id, spec.difficulty)
        if spec.kind is AskKind.CONCEPT and spec.concept_id in self.deps.bank.concepts:
            return make_concept_ask(self.deps.bank, spec.concept_id, self.deps.rng)
        return spec  # `_add` reshuffles the options with the new ask's id

    def _add(
        self,
        ctx: Ctx,
        spec: AskSpec,
        *,
        path: tuple[str, ...] | None = None,
        follow_up_of: str | None = None,
        root: str | None = None,
        depth: int = 0,
        retry_of: str | None = None,
        note: str | None = None,
    ) -> QuestionCard:
        """Store a new private ask for the caller and return its card."""
        ask_id = new_ask_id()
        ask = AskRec(
            id=ask_id,
            workspace_id=ctx.ws.id,
            player_id=ctx.player_id,
            spec=_new_order(spec, ask_id) if retry_of else spec.shuffled(ask_id),
            concept_path=path or (spec.concept_id,),
            follow_up_of=follow_up_of,
            root_ask_id=root or ask_id,
            depth=depth,
            created_at=ctx.now,
            retry_of=retry_of,
        )
        ctx.repos.asks.add(ask)
        return self._card(ask, note)

    def _card(self, ask: AskRec, note: str | None = None) -> QuestionCard:
        """The card of a private ask (the same builder as a drop's, with its own points)."""
        spec = ask.spec
        points = points_for(
            spec.difficulty,
            correct=True,
            kind=spec.kind,
            follow_up=ask.depth > 0 or ask.is_retry,
            streak_days=1,
        )
        return question_card(self.deps.bank, ask, points, note)
