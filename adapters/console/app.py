"""The terminal session: bootstrap the engine, loop question -> answer -> verdict, shut down."""

from __future__ import annotations

import asyncio
import getpass
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from adapters.console.inbound import (
    Answer,
    Awaiting,
    Flag,
    Help,
    HintAsked,
    More,
    Quit,
    Rate,
    Reveal,
    Skip,
    Sources,
    Unclear,
    parse_line,
)
from adapters.console.render import Output
from knowledge.packs import PackError
from quizbot.api import QuizApi
from quizbot.errors import InvalidInput, QuizError, StorageUnavailable, UnknownAsk, UnknownTopic
from quizbot.replies import AskKind, Notice, PlayerRef, QuestionCard, SourceAnswers, Verdict
from quizbot.study.replies import Explanation, Hint

logger = logging.getLogger(__name__)

T = TypeVar("T")
REVEAL_TEXT = ""  # what revealing an open question untyped sends
PLATFORM = WORKSPACE = "local"
MAX_USER = 64
GONE = object()  # an engine call's ask no longer exists


def local_player(user: str | None) -> PlayerRef:
    """The terminal player: --user, else the OS login name.

    Raises:
        InvalidInput: a name that is too long or has control characters.
    """
    if user is not None and not user.strip():
        raise InvalidInput("--user needs a name; leave it out to play as your login name.")
    name = (user or "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = "player"
    if len(name) > MAX_USER or any(not ch.isprintable() for ch in name):
        raise InvalidInput(f"Player names are 1-{MAX_USER} printable characters.")
    return PlayerRef(PLATFORM, WORKSPACE, name, display_name=name)


@dataclass
class Tally:
    answered: int = 0
    correct: int = 0
    points: int = 0

    def add(self, verdict: Verdict) -> None:
        if verdict.correct is None or verdict.already_answered:
            return
        self.answered += 1
        self.correct += int(verdict.correct)
        self.points += verdict.points


class PlaySession:
    """One player's quiz in the terminal; every rule is the engine's, this only translates."""

    def __init__(
        self,
        service: QuizApi,
        who: PlayerRef,
        output: Output,
        read_line: Callable[[], str | None],
        run: Callable[[Awaitable[Any]], Any],
    ) -> None:
        self.service = service
        self.who = who
        self.out = output
        self.read_line = read_line
        self.run = run
        self.tally = Tally()
        self.answered: str | None = None  # the last ask with a verdict ('sources' reads it)
        self.showing: str | None = None  # the ask on screen, unanswered ('?' hints on it)

    def play(self, topic: str | None = None, first: QuestionCard | None = None) -> int:
        """Ask (`first`, when given) until the player quits or input ends; the exit code."""
        try:
            card = first or self.run(self.service.ask(self.who, topic))
        except UnknownTopic as exc:
            self.out.error(exc.message, exc.suggestions)
            return 1
        except QuizError as exc:
            self.out.error(exc.message, exc.suggestions)
            return 1
        while card is not None:
            outcome = self._one(card, topic)
            if isinstance(outcome, int):
                return outcome
            card = outcome
        return 0

    def _one(self, card: QuestionCard, topic: str | None) -> QuestionCard | int:
        """Show a card, take lines until it is answered; the next card or an exit code."""
        self.out.question(card)
        self.showing = card.ask_id
        awaiting = Awaiting.REVEAL if card.kind is AskKind.OPEN else Awaiting.ANSWER
        while True:
            command = self._read(awaiting)
            if isinstance(command, int):
                return command
            if isinstance(command, Skip):
                return self._fresh(topic)
            if isinstance(command, Answer | Reveal):
                text = command.text if isinstance(command, Answer) else REVEAL_TEXT
                verdict = self._call(self.service.answer(self.who, card.ask_id, text))
                if verdict is None:
                    continue  # bad input: the message is shown, the question stays
                if verdict is GONE:
                    return self._fresh(topic)  # the ask vanished: move on to a new one
                if isinstance(verdict, int):
                    return verdict
                return self._after(verdict, topic)

    def _after(self, verdict: Verdict, topic: str | None) -> QuestionCard | int:
        self.tally.add(verdict)
        self.answered, self.showing = verdict.ask_id, None
        self.out.verdict(verdict)
        while verdict.rating_choices:
            command = self._read(Awaiting.RATING, verdict)
            if isinstance(command, int):
                return command
            if isinstance(command, Skip):
                break  # unrated: the flashcard simply is not scheduled this time
            if not isinstance(command, Rate):
                continue
            rated = self._call(self.service.rate(self.who, verdict.ask_id, command.rating))
            if isinstance(rated, int):
                return rated
            if isinstance(rated, Verdict):
                self.out.info(f"Noted ({command.rating}); it comes back when it is due.")
                verdict = rated
                break
        return verdict.next if verdict.next is not None else self._fresh(topic)

    def _fresh(self, topic: str | None) -> QuestionCard | int:
        card = self._call(self.service.ask(self.who, topic))
        return card if isinstance(card, QuestionCard | int) else 1

    def _read(self, awaiting: Awaiting, verdict: Verdict | None = None) -> Any:
        """The next usable command; an int exit code on quit or end of input."""
        choices = verdict.rating_choices if verdict is not None else ()
        while True:
            self.out.prompt("rate>" if awaiting is Awaiting.RATING else ">")
            line = self.read_line()
            if line is None:
                return self._bye(0)
            command = parse_line(line, awaiting, choices)
            if isinstance(command, Quit):
                return self._bye(0)
            if isinstance(command, Help):
                self.out.help()
            elif isinstance(command, Sources):
                self._sources()
            elif isinstance(command, More):
                self._more()
            elif isinstance(command, HintAsked):
                self._hint()
            elif isinstance(command, Flag):
                self._flag(command.reason)
            elif isinstance(command, Unclear):
                self.out.error(command.message)
            else:
                return command

    def _sources(self) -> None:
        if self.answered is None:
            self.out.error("Answer a question first; 'sources' then shows what the sources say.")
            return
        reply = self._call(self.service.sources(self.who, self.answered))
        if isinstance(reply, SourceAnswers):
            self.out.sources(reply)

    def _hint(self) -> None:
        if self.showing is None:
            self.out.error("No question is waiting for an answer; a hint helps with the next one.")
            return
        hint = self._call(self.service.hint(self.who, self.showing))
        if isinstance(hint, Hint):
            self.out.hint(hint)

    def _flag(self, reason: str) -> None:
        """Report the question just answered, else the one on screen."""
        notice = self._call(self.service.flag(self.who, self.answered or self.showing, reason))
        if isinstance(notice, Notice):
            self.out.notice(notice)

    def _more(self) -> None:
        if self.answered is None:
            self.out.error("Answer a question first; 'more' then explains it in full.")
            return
        reply = self._call(self.service.more(self.who, self.answered))
        if isinstance(reply, Explanation):
            self.out.more(reply)

    def _call(self, call: Awaitable[T]) -> Any:
        """Run an engine call: its result; None after a player-facing error, GONE when the ask
        is unknown, 1 when storage is down."""
        try:
            return self.run(call)
        except StorageUnavailable as exc:
            self.out.error(exc.message)
            return 1
        except UnknownAsk as exc:
            self.out.error(exc.message)
            return GONE
        except QuizError as exc:
            self.out.error(exc.message, exc.suggestions)
            return None

    def _bye(self, code: int) -> int:
        t = self.tally
        if t.answered:
            self.out.info(f"Bye! {t.correct}/{t.answered} right, {t.points} points this session.")
        else:
            self.out.info("Bye!")
        return code


class ConsoleRuntime:
    """An event loop kept across blocking terminal reads, plus the bootstrapped engine."""

    def __init__(self) -> None:
        self._runner = asyncio.Runner()
        self._runtime: Any = None

    def run(self, call: Awaitable[T]) -> T:
        async def _await() -> T:
            return await call

        return self._runner.run(_await())

    def start(self) -> QuizApi:
        """Bootstrap settings, database (migrated) and bank; raise QuizError if that fails."""
        from quizbot.bootstrap import bootstrap
        from quizbot.settings import Settings
        from quizbot.storage.db import normalize_url
        from quizbot.storage.trouble import explain

        try:
            settings = Settings()
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            first = str(exc).splitlines()[0]
            raise QuizError(f"Invalid settings: {first}") from exc
        try:
            self._runtime = self.run(bootstrap(settings))
        except (QuizError, PackError):  # a pack's own message names file:line
            raise
        except Exception as exc:
            logger.debug("bootstrap failed", exc_info=True)
            raise explain(exc, normalize_url(settings.database_url)) from None
        return self._runtime.service

    def close(self) -> None:
        try:
            if self._runtime is not None:
                self.run(self._runtime.aclose())
        except Exception:  # closing must never hide the real outcome
            logger.debug("closing the runtime failed", exc_info=True)
        finally:
            self._runner.close()
