"""Hints: a key point, or the definition with the name masked; a right answer then scores half."""

from __future__ import annotations

from rapidfuzz import fuzz

from knowledge.bank import Bank
from quizbot.asking.concept import masked_definition
from quizbot.asking.spec import AskSpec
from quizbot.errors import InvalidInput
from quizbot.replies import AskKind, PlayerRef
from quizbot.services.answering import load_ask
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.study.replies import Hint

HALF = "A right answer now earns half points."
NO_DROP_HINTS = "No hints on a daily drop: everyone answers it on their own."
ANSWERED = "You already answered this one; 'More' explains it in full."
NO_HINT = "No hint for this one, sorry: give it your best guess."


def hint_text(bank: Bank, spec: AskSpec) -> str:
    """A nudge that does not hand over the answer.

    Naming a concept: its kind, how many words its name has and its first letter. Otherwise a
    key point that does not contain the right answer (with options: the one least like the
    right option), else the concept's definition with its names masked.
    """
    concept = bank.concepts.get(spec.concept_id)
    if spec.kind is AskKind.CONCEPT and concept is not None:
        words = len(concept.name.split())
        return (
            f"It is a {concept.kind}; its name has {words} word{'s' if words > 1 else ''} "
            f"and starts with “{concept.name[:1].upper()}”."
        )
    question = bank.question(spec.question_id) if spec.question_id else None
    answer = spec.answer_text.casefold()
    points = [
        p
        for p in spec.key_points or (question.key_points if question else ())
        if answer not in p.casefold()
    ]
    if points and spec.choices:  # the point least like the right option: a nudge, not it
        points.sort(key=lambda p: fuzz.token_set_ratio(p.casefold(), answer))
    if points:
        return f"A key point: {points[0]}"
    if concept is not None:
        return f"Think of this: {masked_definition(concept)}"
    return NO_HINT


class Hinting:
    """Gives a hint on the caller's open ask and remembers it, so the answer scores half."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def hint(self, who: PlayerRef, ask_id: str) -> Hint:
        """A hint on a question the caller has not answered yet.

        Raises:
            UnknownAsk: no such ask for this player.
            InvalidInput: a drop, or a question already answered.
        """

        def work(ctx: Ctx) -> Hint:
            ask = load_ask(ctx, ask_id)
            if ask.player_id is None:
                raise InvalidInput(NO_DROP_HINTS)
            if ctx.repos.answers.get(ask.id, ctx.player_id) is not None:
                raise InvalidInput(ANSWERED)
            ctx.repos.hints.take(ask.id, ctx.player_id, ctx.now)
            note = None if ask.spec.kind is AskKind.OPEN else HALF  # open ones earn no points
            return Hint(ask.id, hint_text(self.deps.bank, ask.spec), note)

        return await self.deps.run(who, work)
