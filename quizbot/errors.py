"""Errors the engine raises with a message that is safe and friendly to show a player."""

from __future__ import annotations


class QuizError(Exception):
    """Base class: `message` is shown to the player as is; `suggestions` may follow it."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions


class UnknownTopic(QuizError):
    """No concept matches the topic the player typed."""


class UnknownAsk(QuizError):
    """The answer refers to an ask that does not exist or belongs to someone else."""


class InvalidInput(QuizError):
    """Empty, oversized or malformed input."""


class InvalidTeamName(QuizError):
    """A team name that is too long, too short, has control characters, or is taken."""


class NotAllowed(QuizError):
    """The player lacks the permission the action needs (e.g. scheduling drops)."""


class StorageUnavailable(QuizError):
    """The database cannot be reached; nothing was written."""
