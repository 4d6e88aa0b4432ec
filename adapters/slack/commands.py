"""Parse the text typed after `/cnnquiz` into a command the inbound handlers can run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizbot.replies import Board, Period

ASK = "ask"
REVIEW = "review"
FLAG = "flag"
FLAGS = "flags"
HELP = "help"
LEADERBOARD = "leaderboard"
STATS = "stats"
PATH = "path"
TEAM_JOIN = "team_join"
TEAM_LEAVE = "team_leave"
TEAM_LIST = "team_list"
TEAM_CREATE = "team_create"
DROP_SET = "drop_set"
DROP_OFF = "drop_off"
DROP_NOW = "drop_now"
DROP_LIST = "drop_list"
DROP_ADMINS = "drop_admins"
DROP_ADMIN_ADD = "drop_admin_add"
DROP_ADMIN_REMOVE = "drop_admin_remove"

DROP_ACTIONS = frozenset(
    {DROP_SET, DROP_OFF, DROP_NOW, DROP_LIST, DROP_ADMINS, DROP_ADMIN_ADD, DROP_ADMIN_REMOVE}
)
DROP_SET_USAGE = "drop set <HH:MM> <timezone> [#channel] [days=mon-fri] [reveal=4h]"
SUBCOMMANDS = frozenset(
    {"help", "review", "flag", "flags", "leaderboard", "lb", "stats", "path", "team", "drop"}
)

# Slack escapes channel mentions as <#C0123|general> (or <#C0123> without a name).
_CHANNEL = re.compile(r"^<#([A-Z0-9]+)(?:\|[^>]*)?>$")
# ... and user mentions as <@U0123|alex> (or <@U0123>).
_USER = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")

HELP_TEXT = "\n".join(
    [
        "*CNN interview quiz* — `/cnnquiz` sub-commands:",
        "• `/cnnquiz` — your next question (due reviews first)",
        "• `/cnnquiz <topic>` — a question on a topic, e.g. `/cnnquiz batch norm`",
        "• `/cnnquiz review` — your due and upcoming review cards, then the due ones",
        "• `/cnnquiz leaderboard [players|teams] [week|month|all]`",
        "• `/cnnquiz team join|leave|list|create <name>`",
        "• `/cnnquiz stats` — accuracy, streak, strongest and weakest concepts",
        "• `/cnnquiz flag [reason]` — report the question you answered last as wrong or unclear",
        "• `/cnnquiz flags` · `flags clear <id>` — reported questions (admins)",
        "• `/cnnquiz path <concept>` — the prerequisite chains of a concept",
        f"• `/cnnquiz {DROP_SET_USAGE}` — daily drop (admins)",
        "• `/cnnquiz drop off [#channel]` (no channel: all) · `drop now` · `drop list` (admins)",
        "• `/cnnquiz drop admins [add|remove @name]` — who else manages drops (admins)",
        "• `/cnnquiz help` — this text",
    ]
)


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed `/cnnquiz` invocation. `problem` explains input that did not parse."""

    action: str
    arg: str = ""  # topic, team name or concept
    board: Board = Board.PLAYERS
    period: Period = Period.WEEK
    time: str = ""
    timezone: str = ""
    channel_id: str | None = None  # None: the channel the command was typed in
    weekdays: str | None = None  # drop set days=mon,wed,fri (default Monday to Friday)
    reveal: str | None = None  # drop set reveal=2h | 90m | next (default 4 h)
    problem: str | None = None

    @property
    def is_drop(self) -> bool:
        return self.action in DROP_ACTIONS


def _help(problem: str | None = None) -> Command:
    return Command(HELP, problem=problem)


def parse_command(text: str) -> Command:
    """Turn the text after `/cnnquiz` into a Command; anything unrecognised asks for a topic.

    A first word that is no sub-command is taken as a topic; the inbound handler falls back to
    the help text when no concept matches it.
    """
    words = text.split()
    if not words:
        return Command(ASK)
    head, rest = words[0].lower(), words[1:]
    if head not in SUBCOMMANDS:
        return Command(ASK, arg=" ".join(words))
    if head == "help":
        return _help()
    if head == "stats":
        return Command(STATS)
    if head == "review":
        return Command(REVIEW) if not rest else _help("`review` takes no arguments.")
    if head == "flag":
        return Command(FLAG, arg=" ".join(rest))
    if head == "flags":
        if not rest:
            return Command(FLAGS)
        if rest[0].lower() == "clear" and len(rest) == 2:
            return Command(FLAGS, arg=rest[1])
        return _help("Usage: `/cnnquiz flags` or `/cnnquiz flags clear <id>`.")
    if head == "path":
        if not rest:
            return _help("Name a concept: `/cnnquiz path <concept>`.")
        return Command(PATH, arg=" ".join(rest))
    if head in ("leaderboard", "lb"):
        return _parse_leaderboard(rest)
    if head == "team":
        return _parse_team(rest)
    return _parse_drop(rest)


def _parse_leaderboard(words: list[str]) -> Command:
    board, period = Board.PLAYERS, Period.WEEK
    for word in (w.lower() for w in words):
        if word in ("players", "teams", "player", "team"):
            board = Board.TEAMS if word.startswith("team") else Board.PLAYERS
        elif word in ("week", "month", "all", "alltime", "all-time"):
            period = Period(word[:3] if word.startswith("all") else word)
        else:
            return _help(f"`{word}` is not a board or period.")
    return Command(LEADERBOARD, board=board, period=period)


def _parse_team(words: list[str]) -> Command:
    if not words or words[0].lower() == "list":
        return Command(TEAM_LIST)
    verb, name = words[0].lower(), " ".join(words[1:]).strip()
    if verb == "leave":
        return Command(TEAM_LEAVE)
    if verb in ("join", "create"):
        if not name:
            return _help(f"Name the team: `/cnnquiz team {verb} <name>`.")
        return Command(TEAM_JOIN if verb == "join" else TEAM_CREATE, arg=name)
    return _help(f"`team {verb}` is not a team command.")


def parse_channel(word: str) -> str | None:
    """The channel id of a Slack channel mention, or None if `word` is not one."""
    match = _CHANNEL.match(word)
    return match.group(1) if match else None


def _channel_arg(words: list[str]) -> tuple[str | None, str | None]:
    """(channel id, problem) from an optional trailing channel mention."""
    if not words:
        return None, None
    channel = parse_channel(words[0])
    if channel is None or len(words) > 1:
        return None, "Pick the channel with `#` so Slack links it, e.g. `#general`."
    return channel, None


def _parse_drop(words: list[str]) -> Command:
    if not words:
        return _help("Say what to do with drops: `set`, `off`, `now` or `list`.")
    verb, rest = words[0].lower(), words[1:]
    if verb == "set":
        if len(rest) < 2:
            return _help(f"Usage: `{DROP_SET_USAGE}`.")
        options: dict[str, str | None] = {"days": None, "reveal": None}
        others: list[str] = []
        for word in rest[2:]:
            key, sep, value = word.partition("=")
            if sep and key.lower() in options and value:
                options[key.lower()] = value
            else:
                others.append(word)
        channel, problem = _channel_arg(others)
        if problem:
            return _help(problem)
        return Command(
            DROP_SET,
            time=rest[0],
            timezone=rest[1],
            channel_id=channel,
            weekdays=options["days"],
            reveal=options["reveal"],
        )
    if verb in ("off", "now"):
        channel, problem = _channel_arg(rest)
        if problem:
            return _help(problem)
        return Command(DROP_OFF if verb == "off" else DROP_NOW, channel_id=channel)
    if verb == "list" and not rest:
        return Command(DROP_LIST)
    if verb == "admins":
        return _parse_drop_admins(rest)
    return _help(f"`drop {verb}` is not a drop command.")


def _parse_drop_admins(words: list[str]) -> Command:
    if not words:
        return Command(DROP_ADMINS)
    verb = words[0].lower()
    if verb not in ("add", "remove"):
        return _help(f"`drop admins {verb}` is not a drop admins command.")
    match = _USER.match(words[1]) if len(words) == 2 else None
    if match is None:
        return _help(f"Mention one person with `@`, e.g. `/cnnquiz drop admins {verb} @alex`.")
    return Command(DROP_ADMIN_ADD if verb == "add" else DROP_ADMIN_REMOVE, arg=match.group(1))
