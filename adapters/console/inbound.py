"""A typed line in the terminal -> what the player wants: answer, rate, reveal, skip or quit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from quizbot.replies import Choice

QUIT_WORDS = frozenset({"q", "quit", "exit", ":q"})
SKIP_WORDS = frozenset({"skip", "next", "pass"})
HELP_WORDS = frozenset({"help"})
HINT_WORDS = frozenset({"?", "hint"})
SOURCES_WORDS = frozenset({"sources", "src"})
MORE_WORDS = frozenset({"more"})
FLAG_WORD = "flag"
REVEAL_WORDS = frozenset({"", "reveal"})  # on an open question: show the answer untyped


class Awaiting(StrEnum):
    """What the session is waiting for."""

    ANSWER = "answer"  # a choice letter or typed text for the shown question
    REVEAL = "reveal"  # an open question: a typed answer, or an empty line to just reveal
    RATING = "rating"  # a revealed flashcard: again / hard / good / easy


@dataclass(frozen=True, slots=True)
class Answer:
    text: str


@dataclass(frozen=True, slots=True)
class Reveal:
    pass


@dataclass(frozen=True, slots=True)
class Rate:
    rating: str


@dataclass(frozen=True, slots=True)
class Skip:
    pass


@dataclass(frozen=True, slots=True)
class Help:
    pass


@dataclass(frozen=True, slots=True)
class Quit:
    pass


@dataclass(frozen=True, slots=True)
class Sources:
    """Show the sources' own answers to the question just answered."""


@dataclass(frozen=True, slots=True)
class More:
    """Show the full explanation of the question just answered."""


@dataclass(frozen=True, slots=True)
class HintAsked:
    """A hint on the question shown (a right answer then scores half)."""


@dataclass(frozen=True, slots=True)
class Flag:
    """Report the question just answered (or on screen) as wrong or unclear."""

    reason: str = ""


@dataclass(frozen=True, slots=True)
class Unclear:
    """A line the session cannot use in its current state; `message` says what would work."""

    message: str


Command = Answer | Reveal | Rate | Skip | Help | HintAsked | Quit | Sources | More | Flag | Unclear


def rating_from(text: str, choices: tuple[Choice, ...]) -> str | None:
    """A rating choice id from its id, text, 1-based number or unique first letter."""
    said = text.strip().lower()
    if not said:
        return None
    if said.isdigit() and 1 <= int(said) <= len(choices):
        return choices[int(said) - 1].id
    for choice in choices:
        if said in (choice.id.lower(), choice.text.lower()):
            return choice.id
    initial = [c.id for c in choices if c.id.lower().startswith(said[0])]
    if len(said) == 1 and len(initial) == 1:
        return initial[0]
    return None


def parse_line(line: str, awaiting: Awaiting, rating_choices: tuple[Choice, ...] = ()) -> Command:
    """Interpret one typed line for the current state of the session.

    Args:
        line: the raw line (without or with its newline).
        awaiting: what the session waits for.
        rating_choices: the self-rating options when `awaiting` is RATING.

    Returns:
        The command; `Unclear` carries a message when the line does not fit.
    """
    text = line.strip()
    word = text.lower()
    if word in QUIT_WORDS:
        return Quit()
    if word in HELP_WORDS:
        return Help()
    if word in HINT_WORDS:
        return HintAsked()
    if word in SKIP_WORDS:
        return Skip()
    if word in SOURCES_WORDS:
        return Sources()
    if word in MORE_WORDS:
        return More()
    head, _, rest = text.partition(" ")
    if head.lower() == FLAG_WORD:
        return Flag(rest.strip())
    if awaiting is Awaiting.RATING:
        rating = rating_from(text, rating_choices)
        if rating is None:
            options = ", ".join(f"{i} {c.text}" for i, c in enumerate(rating_choices, 1))
            return Unclear(f"Rate yourself: {options}.")
        return Rate(rating)
    if awaiting is Awaiting.REVEAL:  # an open question: typed text is an interview answer
        return Reveal() if word in REVEAL_WORDS else Answer(text)
    if not text:
        return Unclear("Type your answer (a letter or text), 'skip' or 'q' to quit.")
    return Answer(text)
