"""'More' after a verdict: the full model answer, why each wrong option is wrong, the sources."""

from __future__ import annotations

from knowledge.bank import Bank
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind, PlayerRef
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.services.sourcing import GENERATED, load_answered, source_answers
from quizbot.study.replies import Explanation, WrongOption


def wrong_options(bank: Bank, spec: AskSpec) -> tuple[WrongOption, ...]:
    """Each wrong option with why it is wrong, in the order the player saw them.

    A multiple-choice item says why in its own words; on a name-the-concept card a wrong
    name is explained by what that concept actually is.
    """
    by_name = {c.name: c for c in bank.concepts.values()} if spec.kind is AskKind.CONCEPT else {}
    out: list[WrongOption] = []
    for index, choice in enumerate(spec.choices):
        if choice.id == spec.correct:
            continue
        why = spec.rationale[index] if index < len(spec.rationale) else ""
        concept = by_name.get(choice.text)
        if not why and concept is not None:
            why = f"{concept.name} is something else: {concept.definition}"
        out.append(WrongOption(choice.text, why or "No note on this option."))
    return tuple(out)


class Explaining:
    """Builds the one `Explanation` every adapter renders behind "More"."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def more(self, who: PlayerRef, ask_id: str) -> Explanation:
        """Everything about a question the caller has answered (a drop's once revealed).

        Raises:
            UnknownAsk: no such ask for this player.
            InvalidInput: the caller has not answered it yet.
        """

        def work(ctx: Ctx) -> Explanation:
            ask = load_answered(ctx, ask_id)
            return self.explain(ask.id, ask.spec, ask.concept_path)

        return await self.deps.run(who, work)

    def explain(self, ask_id: str, spec: AskSpec, path: tuple[str, ...]) -> Explanation:
        bank = self.deps.bank
        question = bank.question(spec.question_id) if spec.question_id else None
        concept = bank.concepts.get(spec.concept_id)
        if question is not None and question.answer:
            model = question.answer.strip()
        elif spec.kind is AskKind.CONCEPT and concept is not None:
            model = f"{concept.name}: {concept.definition}"
        else:
            model = spec.explanation or spec.answer_text
        key_points = spec.key_points or (question.key_points if question else ())
        chains = bank.chains(spec.concept_id) if concept is not None else []
        foundations = min(chains, key=len) if chains else []
        return Explanation(
            ask_id=ask_id,
            prompt=question.text if question else spec.prompt,
            answer=spec.answer_text,
            model_answer=model,
            key_points=key_points,
            wrong_options=wrong_options(bank, spec),
            sources=source_answers(bank, question) if question else (),
            concept_path=self.deps.names(path),
            foundations=self.deps.names(foundations) if len(foundations) > 1 else (),
            note=None if question else GENERATED,
        )
