"""Text from outside, normalised (NFKC) first and then held to the limits storage has."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from quizbot.errors import InvalidInput
from quizbot.replies import PlayerRef

# The column sizes of quizbot/storage/models.py; PostgreSQL enforces them, SQLite does not.
PLATFORM_MAX = 16
ID_MAX = 64
DISPLAY_NAME_MAX = 100


def normal(text: str) -> str:
    """NFKC, with runs of whitespace as one space and no spaces at the ends."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def has_hidden(text: str) -> bool:
    """Control, format or unassigned characters (a zero-width joiner inside emoji is fine)."""
    return any(unicodedata.category(ch).startswith("C") and ch != "\u200d" for ch in text)


def checked_id(value: str, what: str, limit: int = ID_MAX) -> str:
    """A platform id after NFKC: 1 to `limit` visible characters, else InvalidInput."""
    clean = unicodedata.normalize("NFKC", value or "").strip()
    if not clean or len(clean) > limit or has_hidden(clean) or " " in clean:
        raise InvalidInput(f"That {what} is not valid: use 1-{limit} characters without spaces.")
    return clean


def display_name(value: str) -> str:
    """A display name as stored: NFKC, hidden characters dropped, cut to the column size."""
    visible = "".join(ch for ch in normal(value or "") if not has_hidden(ch))
    return visible[:DISPLAY_NAME_MAX].strip()


def checked_caller(who: PlayerRef) -> PlayerRef:
    """`who` with every field normalised and within the limits both databases keep."""
    return replace(
        who,
        platform=checked_id(who.platform, "platform", PLATFORM_MAX),
        workspace=checked_id(who.workspace, "workspace id"),
        user_id=checked_id(who.user_id, "user id"),
        display_name=display_name(who.display_name),
    )
