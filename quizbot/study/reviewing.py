"""Review: the caller's due and upcoming spaced-repetition cards, and a session of the due ones."""

from __future__ import annotations

from datetime import datetime

from knowledge.bank import Bank
from quizbot.picks import pick_from_key
from quizbot.replies import PlayerRef
from quizbot.services.asking import Asking
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.storage.periods import zone
from quizbot.study.replies import ReviewItem, ReviewList

SHOWN = 10  # due and upcoming cards listed (all due ones are counted)
_LABEL = 90


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _LABEL else flat[: _LABEL - 1].rsplit(" ", 1)[0] + "…"


def label_of(bank: Bank, key: str) -> tuple[str, str] | None:
    """(what the card asks, its concept's name) for a review key; None when the bank lost it."""
    pick = pick_from_key(bank, key)
    if pick is None:
        return None
    name = bank.concept(pick.concept_id).name
    if pick.kind == "question" and pick.question_id:
        question = bank.question(pick.question_id)
        return (_clip(question.text) if question else name), name
    if pick.kind == "computed":
        return f"Compute: {name} ({pick.difficulty or 'easy'})", name
    return f"Name the concept: {name}", name


def when_text(moment: datetime, tz: str) -> str:
    """'Wed 3 Dec 2026, 09:30 Europe/Berlin': a due time as the workspace reads it."""
    local = moment.astimezone(zone(tz))
    return f"{local:%a %-d %b %Y, %H:%M} {tz}"


class Reviewing:
    """Lists the caller's review queue and asks the most overdue card."""

    def __init__(self, deps: ServiceDeps, asking: Asking) -> None:
        self.deps = deps
        self.asking = asking

    async def review(self, who: PlayerRef) -> ReviewList:
        """Due cards (most overdue first) and the next ones, with dates; the first due card
        is asked at once, and every next question of the session puts due cards first."""

        def work(ctx: Ctx) -> ReviewList:
            repos, pid, bank = ctx.repos, ctx.player_id, self.deps.bank
            due_count = repos.reviews.due_count(pid, ctx.now)
            due: list[ReviewItem] = []
            upcoming: list[ReviewItem] = []
            for key, due_at in repos.reviews.schedule(pid, due_count + SHOWN):
                label = label_of(bank, key)
                if label is None:
                    continue
                item = ReviewItem(key, *label, due_at, when_text(due_at, ctx.ws.timezone))
                (due if due_at <= ctx.now else upcoming).append(item)
            card = None
            for item in due:
                pick = pick_from_key(bank, item.key)
                if pick is not None:
                    card = self.asking.start(ctx, pick)
                    break
            return ReviewList(tuple(due[:SHOWN]), tuple(upcoming[:SHOWN]), len(due), card)

        return await self.deps.run(who, work)
