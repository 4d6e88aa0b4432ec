"""Asking: the next question, follow-ups down the concept graph, and retries of the original."""

from __future__ import annotations

import uuid

from quizbot.asking.spec import AskSpec
from quizbot.replies import MASKED_CONCEPT, AskKind, PlayerRef, QuestionCard
from quizbot.scoring import points_for
from quizbot.selection import build_ask, pick_follow_up, pick_next
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.storage.records import AskRec

MAX_FOLLOW_UP_DEPTH = 3


class Asking:
    """Creates asks for a player and turns stored asks into question cards."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def ask(self, who: PlayerRef, topic: str | None = None) -> QuestionCard:
        """Next question for a player: due reviews first, then their frontier, or on `topic`."""
        deps = self.deps
        concept = deps.topics.resolve(topic) if topic is not None and topic.strip() else None

        def work(ctx: Ctx) -> QuestionCard:
            mastery = {c: m.p_known for c, m in ctx.repos.mastery.all_for(ctx.player_id).items()}
            schedule = ctx.repos.reviews.schedule(ctx.player_id)
            due = [key for key, at in schedule if at <= ctx.now]
            pick = pick_next(
                deps.bank,
                mastery=mastery,
                due_keys=due,
                seen={key for key, _ in schedule},
                topic=concept,
                rng=deps.rng,
            )
            return self._add(ctx, build_ask(deps.bank, pick, deps.rng))

        return await deps.run(who, work)

    def follow_up(self, ctx: Ctx, ask: AskRec, mastery: dict[str, float]) -> QuestionCard | None:
        """A private card on the least-mastered prerequisite, at most three levels down."""
        if ask.depth >= MAX_FOLLOW_UP_DEPTH:
            return None
        bank = self.deps.bank
        target = pick_follow_up(bank, ask.spec.concept_id, mastery, set(ask.concept_path))
        if target is None:
            return None
        schedule = ctx.repos.reviews.schedule(ctx.player_id)
        pick = pick_next(
            bank,
            mastery=mastery,
            due_keys=(),
            seen={key for key, _ in schedule},
            topic=target,
            rng=self.deps.rng,
            follow_up=True,
        )
        return self._add(
            ctx,
            build_ask(bank, pick, self.deps.rng),
            path=(*ask.concept_path, target),
            follow_up_of=ask.id,
            root=ask.root_ask_id,
            depth=ask.depth + 1,
        )

    def retry(self, ctx: Ctx, ask: AskRec) -> QuestionCard | None:
        """After a right follow-up, the original question again (a fresh ask, same spec)."""
        if ask.depth == 0:
            return None
        root = ctx.repos.asks.get(ask.root_ask_id)
        if root is None:
            return None
        return self._add(ctx, root.spec, path=root.concept_path, follow_up_of=ask.id)

    def _add(
        self,
        ctx: Ctx,
        spec: AskSpec,
        *,
        path: tuple[str, ...] | None = None,
        follow_up_of: str | None = None,
        root: str | None = None,
        depth: int = 0,
    ) -> QuestionCard:
        """Store a new private ask for the caller and return its card."""
        ask_id = uuid.uuid4().hex
        ask = AskRec(
            id=ask_id,
            workspace_id=ctx.ws.id,
            player_id=ctx.player_id,
            spec=spec.shuffled(ask_id),  # a retry of the same question gets a new order
            concept_path=path or (spec.concept_id,),
            follow_up_of=follow_up_of,
            root_ask_id=root or ask_id,
            depth=depth,
            created_at=ctx.now,
        )
        ctx.repos.asks.add(ask)
        return self._card(ask)

    def _card(self, ask: AskRec) -> QuestionCard:
        """The card of a private ask (drop cards are `quizbot.drops.cards.drop_card`)."""
        spec = ask.spec
        question = self.deps.bank.question(spec.question_id) if spec.question_id else None
        concepts = question.concepts if question else (spec.concept_id,)
        path = self.deps.names(ask.concept_path)
        if spec.kind is AskKind.CONCEPT:
            # The concept to name is the answer: no card may carry it.
            concepts, path = (), (*path[:-1], MASKED_CONCEPT)
        return QuestionCard(
            ask_id=ask.id,
            kind=spec.kind,
            prompt=spec.prompt,
            choices=spec.choices,
            concepts=concepts,
            concept_path=path,
            follow_up_of=ask.follow_up_of,
            difficulty=spec.difficulty,
            source=spec.source,
            points=points_for(
                spec.difficulty,
                correct=True,
                kind=spec.kind,
                follow_up=ask.depth > 0 or ask.is_retry,
                streak_days=1,
            ),
            hint=spec.hint,
            is_retry=ask.is_retry,
        )
