"""`cnnquiz play | leaderboard | stats | team ...`: the quiz in a terminal (local workspace)."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from adapters.cli.fail import fail
from adapters.console.app import ConsoleRuntime, PlaySession, local_player
from adapters.console.render import (
    JsonOutput,
    Output,
    RichOutput,
    leaderboard_table,
    notice_text,
    stats_panel,
    team_table,
)
from knowledge.packs import PackError
from quizbot.api import QuizApi
from quizbot.errors import InvalidInput, QuizError
from quizbot.replies import Board, Period, PlayerRef

logger = logging.getLogger(__name__)

USER_HELP = "Play as this name (default: your OS login name)."
team_app = typer.Typer(help="Create, join, leave or list teams.", no_args_is_help=True)


Job = Callable[[ConsoleRuntime, QuizApi, PlayerRef], int]


def _with_service(output: Output, user: str | None, job: Job) -> None:
    """Check the player, bootstrap, run `job`, close; errors as messages, never tracebacks."""
    # No logging set-up on purpose: Python's last-resort handler shows warnings and errors
    # on the current stderr, and info lines would garble the game.
    runtime = ConsoleRuntime()
    code = 0
    try:
        who = local_player(user)
        service = runtime.start()
        code = job(runtime, service, who)
    except KeyboardInterrupt:
        if isinstance(output, RichOutput):
            output.console.print()  # leave the interrupted prompt line
        output.info("Bye!")
        code = 0
    except QuizError as exc:
        output.error(exc.message, exc.suggestions)
        code = 1
    except PackError as exc:  # a personal pack in PACKS_DIR does not validate
        output.error(str(exc))
        code = 1
    except Exception as exc:  # the last line of defence: a message, not a traceback
        logger.debug("unexpected error", exc_info=True)
        output.error(f"Something went wrong ({type(exc).__name__}). Nothing more was saved.")
        code = 1
    finally:
        runtime.close()
    raise typer.Exit(code)


def as_text(line: str) -> str:
    """Bytes that were not UTF-8 (escaped as surrogates by some locales) as U+FFFD."""
    return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _human(console: Console) -> Callable[[], str | None]:
    def read() -> str | None:
        try:
            return as_text(console.input())
        except EOFError:
            return None

    return read


def _script() -> str | None:
    line = sys.stdin.readline()
    return as_text(line) if line else None


def register(app: typer.Typer) -> None:
    """Add the terminal commands to the root `cnnquiz` app."""
    app.command("play")(play)
    app.command("review")(review)
    app.command("leaderboard")(leaderboard)
    app.command("stats")(stats)
    app.add_typer(team_app, name="team")


def play(
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
    topic: str | None = typer.Option(
        None, "--topic", "-t", help="Stay on one concept, e.g. resnet."
    ),
    as_json: bool = typer.Option(False, "--json", help="Speak JSON lines (for scripts)."),
) -> None:
    """Play the quiz in the terminal: letters to answer, 'skip', 'q' to quit."""
    if isinstance(sys.stdin, io.TextIOWrapper):  # a stray byte is read as "\ufffd", not a crash
        sys.stdin.reconfigure(errors="replace")
    console = Console(highlight=False)
    output: Output = JsonOutput(sys.stdout) if as_json else RichOutput(console)
    read = _script if as_json else _human(console)

    def job(runtime: ConsoleRuntime, service: QuizApi, who: PlayerRef) -> int:
        if not as_json:
            console.print(
                f"[bold]cnnquiz[/] — playing as [cyan]{who.display_name}[/]. "
                "Type help for help, ? for a hint."
            )
        return PlaySession(service, who, output, read, runtime.run).play(topic)

    _with_service(output, user, job)


def review(
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Speak JSON lines (for scripts)."),
) -> None:
    """Your due and upcoming review cards with dates, then a session of the due ones."""
    console = Console(highlight=False)
    output: Output = JsonOutput(sys.stdout) if as_json else RichOutput(console)
    read = _script if as_json else _human(console)

    def job(runtime: ConsoleRuntime, service: QuizApi, who: PlayerRef) -> int:
        reviews = runtime.run(service.review(who))
        output.review(reviews)
        if reviews.card is None:
            return 0
        return PlaySession(service, who, output, read, runtime.run).play(first=reviews.card)

    _with_service(output, user, job)


def board_and_period(words: list[str]) -> tuple[Board, Period]:
    """`players`, `teams`, `week`, `month`, `all` in any order; InvalidInput for anything else."""
    board, period = Board.PLAYERS, Period.WEEK
    for word in words:
        value = word.strip().lower()
        if value in {b.value for b in Board}:
            board = Board(value)
        elif value in {p.value for p in Period}:
            period = Period(value)
        else:
            raise InvalidInput(
                f'"{word}" is not a board or a period: use players or teams, week, month or all.'
            )
    return board, period


def leaderboard(
    words: list[str] | None = typer.Argument(
        None,
        help="players or teams, and week, month or all (in any order)",
        metavar="[BOARD] [PERIOD]",
    ),
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
) -> None:
    """The players' or teams' leaderboard for this week, this month or all time."""
    console = Console(highlight=False)
    try:
        board, period = board_and_period(words or [])
    except InvalidInput as exc:
        fail(exc.message, 2)

    def job(runtime: ConsoleRuntime, service: QuizApi, who: PlayerRef) -> int:
        result = runtime.run(service.leaderboard(who, board, period))
        if not result.rows:
            note = escape(result.empty_note)
            console.print(f"{result.title}: {note} Play with [bold]cnnquiz play[/].")
        else:
            console.print(leaderboard_table(result))
        return 0

    _with_service(RichOutput(console), user, job)


def stats(
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
    png: Path | None = typer.Option(
        None, "--png", help="Also draw your mastery over the concept graph to this PNG file."
    ),
) -> None:
    """Your accuracy (overall and by week), streak, concepts mastered, strongest and weakest
    concepts, your team's weakest; --png FILE draws your mastery map."""
    console = Console(highlight=False)
    if png is not None and png.suffix.lower() != ".png":
        console.print(f"[red]{png.name} is not a .png file; name one like map.png.[/]")
        raise typer.Exit(2)

    def job(runtime: ConsoleRuntime, service: QuizApi, who: PlayerRef) -> int:
        console.print(stats_panel(runtime.run(service.stats(who))))
        if png is None:
            return 0
        mastery = runtime.run(service.mastery_map(who))
        if not mastery.concepts:
            console.print("No mastery map yet: answer a few questions first.")
            return 0
        from adapters.pictures import mastery_png

        try:
            png.write_bytes(mastery_png(mastery))
        except OSError as exc:
            console.print(f"[red]Cannot write {png}: {exc.strerror or exc}.[/]")
            return 1
        console.print(f"Wrote your mastery map to {png}")
        return 0

    _with_service(RichOutput(console), user, job)


def _team_job(user: str | None, make: Callable[[QuizApi, PlayerRef], Any]) -> None:
    console = Console(highlight=False)

    def job(runtime: ConsoleRuntime, service: QuizApi, who: PlayerRef) -> int:
        result = runtime.run(make(service, who))
        if hasattr(result, "teams"):
            console.print(team_table(result))
        else:
            console.print(notice_text(result))
        return 0

    _with_service(RichOutput(console), user, job)


@team_app.command("create")
def team_create(
    name: str = typer.Argument(..., help="The team name (unique here, any case)."),
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
) -> None:
    """Create a team and join it."""
    _team_job(user, lambda s, who: s.team_create(who, name))


@team_app.command("join")
def team_join(
    name: str = typer.Argument(..., help="The team to join."),
    user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP),
) -> None:
    """Join a team (leaving your current one)."""
    _team_job(user, lambda s, who: s.team_join(who, name))


@team_app.command("leave")
def team_leave(user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP)) -> None:
    """Leave your team."""
    _team_job(user, lambda s, who: s.team_leave(who))


@team_app.command("list")
def team_list(user: str | None = typer.Option(None, "--user", "-u", help=USER_HELP)) -> None:
    """The teams of this workspace and how many members each has."""
    _team_job(user, lambda s, who: s.team_list(who))
