"""Slip reading: which common mistake a wrong typed number comes from, and a drill on that step."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from quizbot.asking.count_slips import COUNT_RULES
from quizbot.asking.field_slips import FIELD_RULES
from quizbot.asking.layers import CountAsk, SizeAsk
from quizbot.asking.prompts import params_of
from quizbot.asking.size_slips import SIZE_RULES
from quizbot.asking.slip_rule import P, Rule, Size
from quizbot.asking.spec import AskSpec
from quizbot.grading import parse_size

LONGEST = 60  # characters: longer text is no slip (and too long a number to parse)


@dataclass(frozen=True, slots=True)
class Slip:
    """A recognised mistake: a short id, one friendly line for the verdict, and a drill.

    `follow_up` is an easy COMPUTED ask on exactly the step that went wrong, whose
    explanation shows the working.
    """

    name: str
    message: str
    follow_up: AskSpec


def _same(given: Size, expected: Size) -> bool:
    """Grading's rule: equal, or one square size written once ("10") and once ("10x10")."""
    if given == expected:
        return True
    return len(set(given)) == 1 and len(set(expected)) == 1 and given[0] == expected[0]


def _text(size: Size) -> str:
    return str(size[0]) if len(set(size)) == 1 else "x".join(map(str, size))


# When two mistakes give the same wrong number the earlier one is named: in each family
# they are listed roughly from the most to the least common (our judgement).
SLIP_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(r.name for rules in (SIZE_RULES, COUNT_RULES, FIELD_RULES) for r in rules)
)


def _match(rules: Sequence[Rule[P]], params: P, given: Size, right: Size, seed: str) -> Slip | None:
    for rule in rules:
        for wrong in rule.wrong(params):
            if wrong is not None and not _same(wrong, right) and _same(given, wrong):
                follow_up = rule.drill(params, random.Random(f"{rule.name}:{seed}"))
                return Slip(rule.name, rule.message(params, _text(wrong)), follow_up)
    return None


def diagnose(spec: AskSpec, typed: str) -> Slip | None:
    """Which common mistake a wrong answer to a computed ask comes from.

    Args:
        spec: the ask as it was persisted (an output size, parameter count or receptive field
            from quizbot.asking.computed; other asks never have a slip).
        typed: the player's answer, spelled any way grading accepts ("10", "10 x 10", "10×10").

    Returns:
        The slip whose wrong working gives exactly the typed number, the most common one when
        several do; None for a right answer, a number no listed mistake gives, or text that is
        not a number. The same ask and answer always give the same slip and follow-up.
    """
    if len(typed) > LONGEST:
        return None
    given, right, params = parse_size(typed), parse_size(spec.answer_text), params_of(spec)
    if given is None or right is None or params is None or _same(given, right):
        return None
    if isinstance(params, SizeAsk):
        return _match(SIZE_RULES, params, given, right, spec.prompt)
    if isinstance(params, CountAsk):
        return _match(COUNT_RULES, params, given, right, spec.prompt)
    return _match(FIELD_RULES, params, given, right, spec.prompt)
