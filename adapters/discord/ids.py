"""Component custom ids: they carry the ask id, so buttons keep working after a restart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "cq"
MAX_CUSTOM_ID = 100  # Discord's limit for component and modal custom ids


class Mode(StrEnum):
    PERSONAL = "p"  # an ephemeral card only the asker sees; the verdict offers what is next
    DROP = "d"  # a public drop card: each click gets its own ephemeral verdict, nothing more


_PART = r"[A-Za-z0-9_.\-]+"
ANSWER_TEMPLATE = rf"{PREFIX}:a:(?P<mode>[pd]):(?P<ask>{_PART}):(?P<choice>{_PART})"
RATE_TEMPLATE = rf"{PREFIX}:r:(?P<ask>{_PART}):(?P<rating>{_PART})"
NUMBER_TEMPLATE = rf"{PREFIX}:n:(?P<mode>[pd]):(?P<ask>{_PART})"
NEXT_TEMPLATE = rf"{PREFIX}:next"
SOURCES_TEMPLATE = rf"{PREFIX}:s:(?P<ask>{_PART})"
MORE_TEMPLATE = rf"{PREFIX}:x:(?P<ask>{_PART})"
INTERVIEW_TEMPLATE = rf"{PREFIX}:t:(?P<ask>{_PART})"
HINT_TEMPLATE = rf"{PREFIX}:h:(?P<ask>{_PART})"
FLAG_TEMPLATE = rf"{PREFIX}:f:(?P<ask>{_PART})"
MODAL_RE = re.compile(rf"{PREFIX}:m:(?P<mode>[pd]):(?P<ask>{_PART})")


@dataclass(frozen=True, slots=True)
class ModalTarget:
    mode: Mode
    ask_id: str


def _checked(custom_id: str, template: str) -> str:
    """A custom id its DynamicItem will parse back: a button that never could is refused."""
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"custom id too long for Discord: {len(custom_id)} chars")
    if re.fullmatch(template, custom_id) is None:
        raise ValueError(f"custom id {custom_id!r} does not fit {template!r}")
    return custom_id


def answer_id(mode: Mode, ask_id: str, choice_id: str) -> str:
    return _checked(f"{PREFIX}:a:{mode.value}:{ask_id}:{choice_id}", ANSWER_TEMPLATE)


def rate_id(ask_id: str, rating: str) -> str:
    return _checked(f"{PREFIX}:r:{ask_id}:{rating}", RATE_TEMPLATE)


def number_id(mode: Mode, ask_id: str) -> str:
    return _checked(f"{PREFIX}:n:{mode.value}:{ask_id}", NUMBER_TEMPLATE)


def next_id() -> str:
    return NEXT_TEMPLATE


def sources_id(ask_id: str) -> str:
    return _checked(f"{PREFIX}:s:{ask_id}", SOURCES_TEMPLATE)


def more_id(ask_id: str) -> str:
    return _checked(f"{PREFIX}:x:{ask_id}", MORE_TEMPLATE)


def interview_id(ask_id: str) -> str:
    return _checked(f"{PREFIX}:t:{ask_id}", INTERVIEW_TEMPLATE)


def hint_id(ask_id: str) -> str:
    return _checked(f"{PREFIX}:h:{ask_id}", HINT_TEMPLATE)


def flag_id(ask_id: str) -> str:
    return _checked(f"{PREFIX}:f:{ask_id}", FLAG_TEMPLATE)


def modal_id(mode: Mode, ask_id: str) -> str:
    return _checked(f"{PREFIX}:m:{mode.value}:{ask_id}", MODAL_RE.pattern)


def parse_modal(custom_id: str) -> ModalTarget | None:
    match = MODAL_RE.fullmatch(custom_id)
    if match is None:
        return None
    return ModalTarget(Mode(match["mode"]), match["ask"])
