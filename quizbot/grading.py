"""Grading: is a response (choice id, choice text, typed name or number) the right answer?"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from quizbot.asking.spec import AskSpec
from quizbot.errors import InvalidInput
from quizbot.replies import AskKind

MAX_RESPONSE = 500
TYPO_SCORE = 85  # rapidfuzz ratio at or above which a typed name counts as a spelling of it
# One slip (a swapped pair, a letter missing, extra or wrong) in a name this long is a typo
# too: short names lose more ratio per slip ("stirde" is 83 against "stride").
ONE_SLIP_MIN_LEN = 5
_CHOICE_ID = re.compile(r"^\(?([a-z])[).]?$")
_NUMBER = r"[-+]?\d[\d,_]*(?:\.0+)?"
_SIZE = re.compile(rf"^({_NUMBER})(?:\s*(?:x|×|\*|by)\s*({_NUMBER}))?$")
# A unit after the number is fine: "13 pixels", "896 parameters".
_UNIT = re.compile(
    r"\s*(?:pixels?|px|units?|parameters?|params|weights?|multiplications?|mults|fewer)\.?$"
)


def normalise(text: str) -> str:
    """Lower case, punctuation and hyphens as spaces, single spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _check(response: str) -> str:
    text = response.strip()
    if not text:
        raise InvalidInput("Your answer is empty: type a letter, a name or a number.")
    if len(response) > MAX_RESPONSE:
        raise InvalidInput(f"That answer is too long (over {MAX_RESPONSE} characters).")
    return text


def parse_size(text: str) -> tuple[int, ...] | None:
    """`10`, ` 10 `, `10x10`, `10 x 10`, `10×10`, `1,024` -> integers; None when not numeric."""
    match = _SIZE.match(_UNIT.sub("", text.strip().lower()))
    if match is None:
        return None
    values = []
    for raw in match.groups():
        if raw is None:
            continue
        digits = raw.replace(",", "").replace("_", "")
        if len(digits) > 30:  # no answer is that long; float() would overflow
            return None
        values.append(int(float(digits)))
    return tuple(values)


def _sizes_equal(given: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    if given == expected:
        return True
    # A square size may be written once ("10") or twice ("10x10").
    return len(set(given)) == 1 and len(set(expected)) == 1 and given[0] == expected[0]


def _grade_computed(spec: AskSpec, text: str) -> bool:
    given = parse_size(text)
    if given is None:
        raise InvalidInput(spec.hint or "Answer with a whole number, like 10 or 10x10.")
    for expected_text in (spec.correct, *spec.accepted):
        expected = parse_size(expected_text)
        if expected is not None and _sizes_equal(given, expected):
            return True
    return False


def _grade_options(spec: AskSpec, text: str) -> bool:
    ids = {c.id.lower(): c.id for c in spec.choices}
    lowered = text.lower()
    match = _CHOICE_ID.match(lowered)
    if match and match.group(1) in ids:
        return ids[match.group(1)] == spec.correct
    if match and spec.choices:
        letters = ", ".join(sorted(ids))
        raise InvalidInput(f"There is no option {text!r} here: pick one of {letters}.")
    said = normalise(text)
    if not said:
        return False
    right = [normalise(a) for a in spec.accepted]
    wrong: list[str] = []
    for choice in spec.choices:
        (right if choice.id == spec.correct else wrong).append(normalise(choice.text))
    if said in right:
        return True
    if said in wrong:
        return False
    best_right = max((fuzz.ratio(said, r) for r in right), default=0.0)
    best_wrong = max((fuzz.ratio(said, w) for w in wrong), default=0.0)
    if best_right <= best_wrong:
        return False
    return best_right >= TYPO_SCORE or any(_one_slip(said, r) for r in right)


def _one_slip(said: str, name: str) -> bool:
    return len(name) >= ONE_SLIP_MIN_LEN and DamerauLevenshtein.distance(said, name) <= 1


def chosen_id(spec: AskSpec, response: str) -> str | None:
    """The choice a response picks, by letter or by its exact text; None for anything else."""
    said = response.strip().lower()
    match = _CHOICE_ID.match(said)
    for choice in spec.choices:
        if (match and match.group(1) == choice.id.lower()) or normalise(said) == normalise(
            choice.text
        ):
            return choice.id
    return None


def grade(spec: AskSpec, response: str) -> bool:
    """Whether `response` answers `spec` correctly.

    Args:
        spec: the ask as it was persisted.
        response: a choice id ("a" / "A"), a choice's text, a typed concept name or a number.

    Returns:
        True when right. OPEN flashcards are self-rated, so they always grade False here.

    Raises:
        InvalidInput: empty or oversized text, a choice id the ask does not have, or a
            non-numeric answer to a computed question.
    """
    text = _check(response)
    if spec.kind is AskKind.OPEN:
        return False
    if spec.kind is AskKind.COMPUTED:
        return _grade_computed(spec, text)
    return _grade_options(spec, text)
