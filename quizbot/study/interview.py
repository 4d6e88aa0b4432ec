"""Interview mode: a typed answer to an open question, its key points ticked, the rating capped."""

from __future__ import annotations

from dataclasses import replace

from knowledge.bank import Bank
from quizbot.errors import InvalidInput
from quizbot.replies import Verdict
from quizbot.services.callers import Ctx
from quizbot.storage.records import AskRec
from quizbot.storage.repos.study import TypedRec
from quizbot.study.coverage import Coverage, PointMatcher

MAX_TYPED = 4000  # a Discord paragraph input holds 4,000 characters, Slack's 3,000
ORDER = ("again", "hard", "good", "easy")
STUFFED = (
    "That reads like a list of keywords, so it counts as covering nothing: "
    "explain it in sentences, as you would to an interviewer."
)


def rating_cap(covered: int, total: int, stuffed: bool) -> str:
    """The best self-rating an answer covering `covered` of `total` key points supports."""
    if total == 0:
        return "easy"
    if stuffed or covered == 0:
        return "again"
    if covered * 2 < total:
        return "hard"
    return "good" if covered < total else "easy"


def coverage_text(coverage: Coverage) -> str:
    if coverage.stuffed:
        return STUFFED
    return f"Your answer covered {coverage.count} of {coverage.total} key points."


class Interview:
    """Matches typed answers against key points and keeps them for the self-rating."""

    def __init__(self, bank: Bank) -> None:
        self.matcher = PointMatcher(bank.concepts.values())

    def reveal(self, ctx: Ctx, ask: AskRec, typed: str, verdict: Verdict) -> Verdict:
        """The flashcard's reveal with the key points the typed answer covered ticked.

        Raises:
            InvalidInput: an answer longer than MAX_TYPED characters.
        """
        if len(typed) > MAX_TYPED:
            raise InvalidInput(f"That answer is too long (over {MAX_TYPED} characters).")
        points = ask.spec.key_points
        coverage = self.matcher.coverage(typed, points)
        rec = TypedRec(typed, coverage.count, coverage.total, coverage.stuffed)
        ctx.repos.typed.put(ask.id, ctx.player_id, rec, ctx.now)
        if not points:
            return replace(verdict, typed=typed)
        return replace(
            verdict, typed=typed, covered=coverage.covered, coverage=coverage_text(coverage)
        )

    def counted(self, ctx: Ctx, ask: AskRec, rating: str) -> tuple[str, str | None]:
        """The rating that counts for mastery and spacing, and why when it is not the player's:
        a self-rating above what the typed answer covered is lowered to what it supports."""
        rec = ctx.repos.typed.get(ask.id, ctx.player_id)
        if rec is None:
            return rating, None
        cap = rating_cap(rec.covered, rec.total, rec.stuffed)
        if ORDER.index(rating) <= ORDER.index(cap):
            return rating, None
        why = "a list of keywords" if rec.stuffed else f"{rec.covered} of {rec.total} key points"
        return cap, f"Counted as {cap.capitalize()}: your answer covered {why}."
