"""Answering: grade a response or a self-rating, record it and everything it moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from quizbot.asking.slips import Slip, diagnose
from quizbot.errors import InvalidInput, UnknownAsk
from quizbot.grading import MAX_RESPONSE, chosen_id, grade
from quizbot.mastery import update_mastery
from quizbot.rating import PLAYER_START, prior, updated
from quizbot.replies import AskKind, Choice, PlayerRef, QuestionCard, Verdict
from quizbot.review import RATINGS, rating_key, review, scores_now
from quizbot.scoring import next_streak, points_for
from quizbot.selection import review_key
from quizbot.services.asking import Asking
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.storage.periods import local_day
from quizbot.storage.records import AskRec
from quizbot.study.interview import Interview


def _day(moment: datetime) -> str:
    return f"{moment:%-d %b %Y, %H:%M} UTC"


RATING_CHOICES = tuple(Choice(r, r.capitalize()) for r in RATINGS)
PENDING = "The answer is revealed in the channel when the drop closes."


def load_ask(ctx: Ctx, ask_id: str) -> AskRec:
    """The caller's own ask, or a drop's (shared by the channel).

    Raises:
        UnknownAsk: no such ask, or another player's.
    """
    ask = ctx.repos.asks.get(ask_id.strip()[:64]) if ask_id else None
    if ask is None or (ask.player_id is not None and ask.player_id != ctx.player_id):
        raise UnknownAsk("I can't find that question for you; ask for a new one.")
    return ask


class Answering:
    """Grades answers to private and drop asks; a private one leads on to the next card."""

    def __init__(self, deps: ServiceDeps, asking: Asking, interview: Interview) -> None:
        self.deps = deps
        self.asking = asking
        self.interview = interview

    async def answer(self, who: PlayerRef, ask_id: str, response: str) -> Verdict:
        """Grade a choice id or typed text; a wrong answer's `next` is a follow-up."""

        def work(ctx: Ctx) -> Verdict:
            ask = load_ask(ctx, ask_id)
            if ask.closes_at is not None and ctx.now >= ask.closes_at:
                return self._closed(ask)
            if ask.spec.kind is AskKind.OPEN:
                done = ctx.repos.answers.get(ask.id, ctx.player_id)
                verdict = self._verdict(ask, None, 0, 0, already=done is not None)
                if done is None:
                    verdict = replace(verdict, rating_choices=RATING_CHOICES)
                    typed = response.strip()
                    if typed and ask.player_id is not None:
                        verdict = self.interview.reveal(ctx, ask, typed, verdict)
                return verdict
            correct = grade(ask.spec, response)
            slip = None
            if correct is False and ask.spec.kind is AskKind.COMPUTED and ask.player_id:
                slip = diagnose(ask.spec, response)
            verdict = self._score(ctx, ask, response.strip()[:MAX_RESPONSE], correct, None, slip)
            if correct is False and not verdict.pending_reveal and not verdict.already_answered:
                picked = chosen_id(ask.spec, response)
                why = slip.message if slip else ask.spec.why_wrong(picked) if picked else None
                verdict = replace(verdict, why_wrong=why)
            return verdict

        return await self.deps.run(who, work)

    async def rate(self, who: PlayerRef, ask_id: str, rating: str) -> Verdict:
        """Self-rating of a revealed flashcard: "again", "hard", "good" or "easy"."""
        key = rating_key(rating)

        def work(ctx: Ctx) -> Verdict:
            ask = load_ask(ctx, ask_id)
            if ask.spec.kind is not AskKind.OPEN:
                raise InvalidInput("Only flashcards are self-rated; answer this one instead.")
            counted, why = self.interview.counted(ctx, ask, key)
            verdict = self._score(ctx, ask, counted, None, counted)
            return verdict if verdict.already_answered else replace(verdict, coverage=why)

        return await self.deps.run(who, work)

    def _score(
        self,
        ctx: Ctx,
        ask: AskRec,
        response: str,
        correct: bool | None,
        rating: str | None,
        slip: Slip | None = None,
    ) -> Verdict:
        """Record one answer and everything it moves; the already-answered path writes nothing.

        A question scores once until spaced repetition says it is due again: the card is
        claimed (locked) in this transaction, so two answers racing on one question cannot
        both score, and later repeats are practice worth 0 points.
        """
        repos, pid, spec, now = ctx.repos, ctx.player_id, ask.spec, ctx.now
        is_drop = ask.player_id is None
        key = review_key(spec)
        card_json = repos.reviews.card(pid, key) if is_drop else repos.reviews.claim(pid, key, now)
        counts = scores_now(card_json, now)
        team_id = repos.teams.team_id_of(pid)
        streak = repos.streaks.get(pid)
        today = local_day(now, ctx.ws.timezone)
        days = next_streak(streak.last_day, streak.streak, today)
        points = 0
        if correct is not None and not is_drop and counts:
            points = points_for(
                spec.difficulty,
                correct=correct,
                kind=spec.kind,
                follow_up=ask.depth > 0 or ask.is_retry,
                streak_days=days,
            )
        hinted = points > 0 and repos.hints.taken(ask.id, pid)
        if hinted:
            points //= 2
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
            if card_json is None and not is_drop:
                repos.reviews.unclaim(pid, key)
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
        repos.streaks.put(pid, today, days, max(streak.best, days), correct)
        knew = correct if correct is not None else rating != "again"
        cid = spec.concept_id
        mastery: dict[str, float] | None = None
        if is_drop or knew:
            before = repos.mastery.get(pid, cid)
            prior_known = before.p_known if before else None
        else:  # a miss: its follow-up weighs the prerequisites, so one read serves both
            wanted = (
                (cid, *self.deps.bank.prerequisites(cid))
                if cid in self.deps.bank.concepts
                else (cid,)
            )
            mastery = repos.mastery.p_known_of(pid, wanted)
            prior_known = mastery.get(cid)
        p_known = update_mastery(prior_known, knew)
        repos.mastery.put(pid, cid, p_known, knew, now)
        if correct is not None and not is_drop and counts:
            self._rate(ctx, key, spec.difficulty, correct)
        card_json, due = review(card_json, correct, rating, now)
        repos.reviews.put(pid, key, card_json, due)
        practice = None
        if correct and not is_drop and not counts and spec.kind is not AskKind.OPEN:
            practice = (
                f"Practice: no points this time; this question counts again from {_day(due)}."
            )
        nxt = None
        if mastery is not None:
            mastery[cid] = p_known
            nxt = self.asking.after_miss(ctx, ask, mastery, slip.follow_up if slip else None)
        elif not is_drop:
            nxt = self.asking.after_right(ctx, ask)
        verdict = self._verdict(ask, correct, points, days, next_card=nxt)
        return replace(verdict, practice=practice, hinted=hinted)

    def _rate(self, ctx: Ctx, key: str, difficulty: str, correct: bool) -> None:
        """Move the player's and the question's Elo-style ratings after a scored answer."""
        ratings = ctx.repos.ratings
        player, answers = ratings.player(ctx.player_id) or (PLAYER_START, 0)
        start = prior(difficulty)
        question = (ratings.question(key) or (start, 0))[0]
        new_player, delta = updated(player, answers, question, correct)
        ratings.put_player(ctx.player_id, new_player)
        ratings.adjust_question(key, start, delta, correct)

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
            concept_path=self.deps.names(ask.concept_path),
            pending_reveal=pending,
            key_points=() if pending else spec.key_points,
        )

    def _closed(self, ask: AskRec) -> Verdict:
        return Verdict(
            ask_id=ask.id,
            correct=None,
            answer=ask.spec.answer_text,
            explanation="This drop is closed; answers are no longer counted.",
            source=ask.spec.source,
            concept_path=self.deps.names(ask.concept_path),
            closed=True,
        )
