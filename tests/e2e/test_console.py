"""The terminal adapter end to end: `cnnquiz play --json` as a subprocess, the other commands
in-process, all on a fresh SQLite database; plus the session loop against a scripted engine."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from adapters.cli.play_cmd import as_text, board_and_period
from adapters.console.app import PlaySession
from adapters.console.render import JsonOutput
from quizbot.errors import InvalidInput, StorageUnavailable, UnknownAsk, UnknownTopic
from quizbot.replies import AskKind, Board, Choice, Period, PlayerRef, QuestionCard, Verdict

ROOT = Path(__file__).resolve().parents[2]
CLI = "from adapters.cli import main; main()"
WAIT = 60.0  # generous: the first run may compile the question bank


@pytest.fixture(autouse=True)
def _no_stale_log_handlers() -> Iterator[None]:
    """A CliRunner run of another command may leave a root handler on its closed stderr."""
    import logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers[:] = []
    root.setLevel(logging.WARNING)
    yield
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


@pytest.fixture
def db_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'quiz.db'}"
    env["LOG_LEVEL"] = "WARNING"
    return env


class JsonPlayer:
    """`cnnquiz play --json` in a subprocess: send lines, read events (with a timeout)."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CLI, "play", "--json", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def event(self) -> dict[str, Any]:
        line = self.lines.get(timeout=WAIT)
        assert line is not None, f"play ended early: {self.finish()[1]}"
        return json.loads(line)

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def finish(self) -> tuple[int, str]:
        """Close stdin (EOF) and wait; the exit code and stderr."""
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        code = self.proc.wait(timeout=WAIT)
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read()


@pytest.fixture
def player(db_env: dict[str, str]) -> Iterator[Any]:
    started: list[JsonPlayer] = []

    def start(*args: str) -> JsonPlayer:
        started.append(JsonPlayer(db_env, *args))
        return started[-1]

    yield start
    for p in started:
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait()


def _answer_wrongly(p: JsonPlayer, question: dict[str, Any]) -> dict[str, Any] | None:
    """Answer so that a miss is likely (certain for flashcards and numbers); the verdict."""
    assert question["type"] == "question"
    if question["kind"] == "open":
        p.send("reveal")
        reveal, rate = p.event(), p.event()
        assert reveal["type"] == "verdict" and reveal["correct"] is None
        assert rate["type"] == "rate"
        p.send("again")
        return {"correct": False, "ask_id": question["ask_id"]}
    p.send("0" if question["kind"] == "computed" else question["choices"][-1]["id"])
    verdict = p.event()
    assert verdict["type"] == "verdict" and verdict["ask_id"] == question["ask_id"]
    assert {"type", "ask_id", "correct", "answer", "points"} <= set(verdict)
    assert verdict["explanation"] and verdict["explanation"] != verdict["answer"]
    if question["kind"] == "choice":  # a bank question: its source's title and ref
        assert verdict["source"] and "," in verdict["source"]
    return verdict


def test_a_wrong_answer_is_followed_up_on_a_prerequisite(player: Any) -> None:
    p = player("--user", "alice", "--topic", "res net")
    question = p.event()
    assert {"type", "ask_id", "kind", "prompt", "choices", "concepts", "follow_up_of"} <= set(
        question
    )
    assert question["concept_path"] == ["ResNet"] and question["points"] > 0
    assert question["follow_up_of"] is None and "resnet" in question["concepts"]
    for _ in range(12):  # a choice answer is wrong 3 times in 4; retry until one misses
        verdict = _answer_wrongly(p, question)
        assert verdict is not None
        nxt = p.event()
        if verdict["correct"] is False and nxt["follow_up_of"] is not None:
            break
        question = nxt
    else:
        pytest.fail("never got a follow-up after a wrong answer")
    assert nxt["type"] == "question"
    assert nxt["follow_up_of"] == verdict["ask_id"]
    assert verdict["points"] == 0
    code, err = p.finish()
    assert code == 0
    assert "Traceback" not in err


def test_end_of_input_ends_the_session_cleanly(player: Any) -> None:
    p = player("--user", "bob")
    first = p.event()
    assert first["type"] == "question" and first["ask_id"]
    # A brand-new player starts with something easy to get right, never a flashcard.
    assert first["kind"] != "open" and first["difficulty"] == "easy"
    code, err = p.finish()
    assert code == 0 and "Traceback" not in err


def test_unknown_topic_is_an_error_line_with_suggestions(db_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLI, "play", "--json", "--topic", "skip conectoins blah"],
        cwd=ROOT,
        env=db_env,
        input="",
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(events) == 1 and events[0]["type"] == "error"
    assert "Did you mean" in events[0]["message"]
    assert "skip connection" in events[0]["message"]
    assert done.returncode == 1 and "Traceback" not in done.stderr


def test_bad_answers_get_error_lines_and_the_question_stays(player: Any) -> None:
    p = player("--user", "carol", "--topic", "stride")
    question = p.event()
    if question["kind"] == "open":
        pytest.skip("the bank made this a flashcard")
    p.send("x" * 600)
    assert p.event()["type"] == "error"
    p.send("   ")
    assert p.event()["type"] == "error"
    p.send("zz" if question["kind"] == "computed" else "h")  # no option h
    error = p.event()
    assert error["type"] == "error" and error["message"]
    p.send("help")
    error = p.event()
    assert error["type"] == "error" and "'?' gives a hint" in error["message"]
    p.send("?")
    hint = p.event()
    assert hint["type"] == "hint" and hint["ask_id"] == question["ask_id"] and hint["text"]
    verdict = _answer_wrongly(p, question)  # still answerable: nothing was half-written
    assert verdict is not None and verdict["ask_id"] == question["ask_id"]
    code, err = p.finish()
    assert code == 0 and "Traceback" not in err


def test_unreachable_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["DATABASE_URL"] = "postgresql+asyncpg://nobody:secretpw@127.0.0.1:9/none"
    done = subprocess.run(
        [sys.executable, "-c", CLI, "play", "--json"],
        cwd=ROOT,
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == 1
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert events and events[0]["type"] == "error" and "database" in events[0]["message"]
    assert "Traceback" not in done.stderr and "secretpw" not in done.stdout + done.stderr


def test_invalid_utf8_typed_in_is_read_as_text(db_env: dict[str, str]) -> None:
    stray = "caf\xe9 \xff".encode("latin-1")
    result = CliRunner().invoke(
        app, ["play", "--json", "--user", "zed"], input=stray + b"\n?\n", env=db_env
    )
    events = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 0, result.output
    # Answered (an error or a verdict and the next question), then "?" was read too (a hint).
    assert events[0]["type"] == "question" and events[-1]["type"] == "hint"
    assert len(events) >= 3
    assert not any("went wrong" in e.get("message", "") for e in events)


def test_surrogate_escaped_bytes_become_replacement_characters() -> None:
    # What Python's C/UTF-8 locale mode hands over for the bytes e9 and ff.
    assert as_text("caf\udce9 \udcff") == "caf\ufffd \ufffd"
    assert as_text("plain é") == "plain é"


def _cli(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=env)


def test_team_commands(db_env: dict[str, str]) -> None:
    made = _cli(db_env, "team", "create", "Edge Lords", "--user", "alice")
    assert made.exit_code == 0, made.output
    assert "Edge Lords" in made.output
    taken = _cli(db_env, "team", "create", "edge LORDS", "--user", "bob")
    assert taken.exit_code == 1 and "already a team" in taken.output
    joined = _cli(db_env, "team", "join", "edge lords", "--user", "bob")
    assert joined.exit_code == 0 and "joined" in joined.output
    listing = _cli(db_env, "team", "list", "--user", "bob")
    assert listing.exit_code == 0 and "Edge Lords" in listing.output and "2" in listing.output
    assert "(yours)" in listing.output
    missing = _cli(db_env, "team", "join", "edge lord", "--user", "carol")
    assert missing.exit_code == 1
    said = " ".join(missing.output.split())
    assert (
        'There is no team called "edge lord" here: create it, or join an existing one. '
        "Did you mean: Edge Lords?"
    ) in said
    bad = _cli(db_env, "team", "create", "bad\x07name", "--user", "carol")
    assert bad.exit_code == 1 and "control" in bad.output
    left = _cli(db_env, "team", "leave", "--user", "bob")
    assert left.exit_code == 0 and "left" in left.output
    again = _cli(db_env, "team", "leave", "--user", "bob")
    assert again.exit_code == 1 and "not in a team" in again.output
    assert "Traceback" not in again.output


async def _score_points(url: str, user: str) -> int:
    """Play through the engine, answering right, until `user` has points (flashcards score none).

    Guessing flaked: after a few misses the topic's questions come back as unscored practice.
    """
    from quizbot.bootstrap import bootstrap
    from tests.integration.test_service_kit import right

    runtime = await bootstrap(database_url=url)
    who = PlayerRef("local", "local", user, user)
    points = 0
    try:
        card = await runtime.service.ask(who, "pooling")
        for _ in range(60):
            if card.kind is AskKind.OPEN:
                verdict = await runtime.service.answer(who, card.ask_id, "reveal")
                verdict = await runtime.service.rate(who, card.ask_id, "good")
            else:
                good = await right(runtime.service, who, card.ask_id)
                verdict = await runtime.service.answer(who, card.ask_id, good)
            points += verdict.points
            if points:
                break
            card = verdict.next or await runtime.service.ask(who, "pooling")
    finally:
        await runtime.aclose()
    return points


def test_leaderboard_and_stats(db_env: dict[str, str]) -> None:
    empty = _cli(db_env, "leaderboard", "--user", "dave")
    assert empty.exit_code == 0 and "Nobody has scored in this period yet" in empty.output
    assert asyncio.run(_score_points(db_env["DATABASE_URL"], "erin")) > 0
    board = _cli(db_env, "leaderboard", "players", "all", "--user", "erin")
    assert board.exit_code == 0, board.output
    assert "erin" in board.output
    week = _cli(db_env, "leaderboard", "players", "week", "--user", "dave")
    assert week.exit_code == 0 and "erin" in week.output
    teams = _cli(db_env, "leaderboard", "teams", "month", "--user", "erin")
    assert teams.exit_code == 0
    wrong = _cli(db_env, "leaderboard", "galaxies")
    assert wrong.exit_code == 2  # typer's usage error names the valid choices
    stats = _cli(db_env, "stats", "--user", "erin")
    assert stats.exit_code == 0, stats.output
    assert "Answered" in stats.output and "erin" in stats.output and "Strongest" in stats.output


# --- the session loop against a scripted engine (no database) ----------------------------


CARD = QuestionCard(
    "ask-1",
    AskKind.CHOICE,
    "Why skip connections?",
    (Choice("a", "x"), Choice("b", "y")),
    ("resnet",),
    ("ResNet",),
)
FLASH = QuestionCard("flash", AskKind.OPEN, "Explain dropout.", (), ("dropout",), ("dropout",))
FOLLOW = QuestionCard(
    "ask-2",
    AskKind.COMPUTED,
    "How big?",
    (),
    ("skip-connection",),
    ("ResNet", "skip connection"),
    follow_up_of="ask-1",
)


class ScriptedEngine:
    """Answers from a script; records the calls the session made."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    async def ask(self, who: PlayerRef, topic: str | None = None) -> QuestionCard:
        self.calls.append(("ask", str(topic)))
        if topic == "nope":
            raise UnknownTopic("No such topic.", ("pooling", "padding"))
        return FLASH if topic == "flash" else CARD

    async def rate(self, who: PlayerRef, ask_id: str, rating: str) -> Verdict:
        self.calls.append(("rate", ask_id, rating))
        return Verdict(ask_id, None, "model answer", "")

    async def answer(self, who: PlayerRef, ask_id: str, response: str) -> Verdict:
        self.calls.append(("answer", ask_id, response))
        if response == "boom":
            raise StorageUnavailable("The database is not reachable; nothing was saved.")
        if response == "long":
            raise InvalidInput("Too long.")
        if response == "stale":
            raise UnknownAsk("I can't find that question for you; ask for a new one.")
        if ask_id == "flash":
            ratings = (Choice("again", "Again"), Choice("good", "Good"))
            return Verdict(ask_id, None, "model answer", "", rating_choices=ratings)
        nxt = FOLLOW if ask_id == "ask-1" else None
        return Verdict(ask_id, False, "y", "because", points=0, next=nxt)


def _session(lines: list[str], engine: ScriptedEngine) -> tuple[int, list[dict[str, Any]]]:
    import io

    out = io.StringIO()
    topic = lines[0][1:] if lines and lines[0].startswith("@") else None
    feed = iter(lines[1:] if topic else lines)
    session = PlaySession(
        engine,  # type: ignore[arg-type]
        PlayerRef("local", "local", "t"),
        JsonOutput(out),
        lambda: next(feed, None),
        asyncio.run,
    )
    code = session.play(topic)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_session_walks_verdict_then_follow_up_and_quits_on_q() -> None:
    engine = ScriptedEngine()
    code, events = _session(["A", "long", "12", "q"], engine)
    assert code == 0
    kinds = [e["type"] for e in events]
    assert kinds == ["question", "verdict", "question", "error", "verdict", "question"]
    assert events[2]["follow_up_of"] == "ask-1"
    assert ("answer", "ask-1", "A") in engine.calls  # the engine gets the raw letter


def test_session_stops_when_storage_is_down() -> None:
    code, events = _session(["boom", "a"], ScriptedEngine())
    assert code == 1
    assert events[-1] == {
        "type": "error",
        "message": "The database is not reachable; nothing was saved.",
    }


def test_session_unknown_topic_exits_with_suggestions() -> None:
    code, events = _session(["@nope"], ScriptedEngine())
    assert code == 1
    assert events == [
        {"type": "error", "message": "No such topic. Did you mean: pooling, padding?"}
    ]


def _rich(render: Any) -> str:
    import io

    from rich.console import Console

    from adapters.console.render import RichOutput

    buffer = io.StringIO()
    render(RichOutput(Console(file=buffer, width=100, color_system=None)))
    return buffer.getvalue()


def test_rich_cards_show_letters_and_the_follow_up_path() -> None:
    text = _rich(lambda out: out.question(CARD))
    assert "A  x" in text and "B  y" in text
    text = _rich(lambda out: out.question(FOLLOW))
    assert "Follow-up: ResNet → skip connection" in text
    assert "whole number" in text


def test_a_long_option_wraps_under_its_own_text() -> None:
    long = replace(CARD, choices=(Choice("a", "short"), Choice("b", "wrapping words " * 12)))
    lines = _rich(lambda out: out.question(long)).splitlines()
    at = next(i for i, line in enumerate(lines) if "B  wrapping" in line)
    indent = lines[at].index("wrapping")
    assert lines[at + 1][indent:].startswith("wrapping") or lines[at + 1][indent:].startswith(
        "words"
    )
    assert not lines[at + 1][:indent].strip("│ ")  # nothing under the letter


def test_a_long_flashcard_answer_starts_on_its_own_line_after_the_gist() -> None:
    reveal = Verdict("f", None, "Resizing:\nMake inputs one size.\nNormalization:\nScale.", "R, N.")
    lines = [line.strip("│ ") for line in _rich(lambda out: out.verdict(reveal)).splitlines()]
    at = lines.index("In short: R, N.")
    assert lines[at + 1 : at + 3] == ["Answer:", "Resizing:"]


def test_a_miss_says_it_scores_no_points() -> None:
    assert "No points this time" in _rich(lambda out: out.verdict(Verdict("x", False, "y", "")))


def test_stats_panel_with_only_misses_says_no_strongest_yet() -> None:
    from adapters.console.render import stats_panel
    from quizbot.replies import ConceptScore, PlayerStats

    missed = (ConceptScore("vgg", "VGG", 0.05, 1),)
    stats = PlayerStats("ada", 1, 0, 0, 1, 1, None, strongest=(), weakest=missed)
    text = _rich(lambda out: out.console.print(stats_panel(stats)))
    assert "Strongest: none yet" in text and "Weakest: VGG 5%" in text


def test_rich_concept_cards_say_what_to_do_with_the_masked_path() -> None:
    # The engine masks the concept to name (see test_service_game); the card says what to do.
    prompt = "Which concept is this? Adding a block's input to its output."
    naming = replace(CARD, kind=AskKind.CONCEPT, prompt=prompt, concept_path=("?",), concepts=())
    text = _rich(lambda out: out.question(naming))
    assert "name the concept" in text
    follow = replace(
        FOLLOW,
        kind=AskKind.CONCEPT,
        prompt=prompt,
        choices=CARD.choices,
        concept_path=("ResNet", "?"),
        concepts=(),
    )
    text = _rich(lambda out: out.question(follow))
    assert "Follow-up: ResNet → ?" in text


def test_rich_verdicts_show_answer_explanation_source_and_points() -> None:
    right = Verdict("ask-1", True, "y", "because reasons", source="Book Q1", points=20, streak=3)
    text = _rich(lambda out: out.verdict(right))
    for part in ("Right!", "+20 points", "y", "because reasons", "Source: Book Q1", "3-day streak"):
        assert part in text
    retry = QuestionCard(
        "ask-3",
        AskKind.CHOICE,
        "Why?",
        (),
        ("resnet",),
        ("ResNet",),
        follow_up_of="ask-2",
        is_retry=True,
    )
    wrong = Verdict("ask-2", False, "12", "", next=FOLLOW)
    assert "Not quite" in _rich(lambda out: out.verdict(wrong))
    assert "prerequisite" in _rich(lambda out: out.verdict(wrong))
    assert "original question again" in _rich(
        lambda out: out.verdict(replace(wrong, correct=True, next=retry))
    )
    reveal = Verdict(
        "ask-4", None, "The model answer", "", rating_choices=(Choice("again", "Again"),)
    )
    assert "1 Again" in _rich(lambda out: out.verdict(reveal))


def test_session_flashcard_reveal_then_rating() -> None:
    engine = ScriptedEngine()
    code, events = _session(["@flash", "", "meh", "2"], engine)
    assert code == 0
    assert [e["type"] for e in events] == ["question", "verdict", "rate", "error", "question"]
    assert events[1]["correct"] is None and events[1]["answer"] == "model answer"
    assert [c["id"] for c in events[2]["choices"]] == ["again", "good"]
    assert ("rate", "flash", "good") in engine.calls  # "2" is the second rating


def test_session_moves_on_when_the_ask_is_gone() -> None:
    engine = ScriptedEngine()
    code, events = _session(["stale"], engine)
    assert code == 0
    assert [e["type"] for e in events] == ["question", "error", "question"]
    assert [c[0] for c in engine.calls] == ["ask", "answer", "ask"]


def test_sources_after_a_verdict_shows_every_source_answer(player: Any) -> None:
    p = player("--user", "erin", "--topic", "padding")
    question = p.event()
    p.send("sources")  # nothing answered yet: a friendly error, the question stays
    early = p.event()
    assert early["type"] == "error" and "Answer a question first" in early["message"]
    for _ in range(6):
        if question["kind"] == "choice":
            break
        p.send("skip")
        question = p.event()
    assert question["kind"] == "choice"
    p.send(question["choices"][0]["id"])
    verdict = p.event()
    assert verdict["type"] == "verdict"
    assert verdict["correct"] or verdict["why_wrong"]  # a miss says why that pick is wrong
    p.event()  # the next question (a follow-up or a new one)
    p.send("sources")
    shown = p.event()
    assert shown["type"] == "sources" and shown["ask_id"] == question["ask_id"]
    assert shown["model_answer"] and shown["answers"]
    for answer in shown["answers"]:
        assert {"title", "ref", "question", "answer", "disputed"} <= set(answer)
    code, err = p.finish()
    assert code == 0 and "Traceback" not in err


def test_more_after_a_verdict_explains_it_in_full(player: Any) -> None:
    p = player("--user", "fay", "--topic", "padding")
    question = p.event()
    p.send("more")  # nothing answered yet: a friendly error, the question stays
    early = p.event()
    assert early["type"] == "error" and "Answer a question first" in early["message"]
    for _ in range(6):
        if question["kind"] == "choice":
            break
        p.send("skip")
        question = p.event()
    assert question["kind"] == "choice"
    p.send(question["choices"][0]["id"])
    verdict = p.event()
    p.event()  # the next question
    p.send("more")
    shown = p.event()
    assert shown["type"] == "more" and shown["ask_id"] == question["ask_id"]
    assert shown["answer"] == verdict["answer"]
    assert len(shown["model_answer"]) > len(verdict["answer"])
    wrong = {o["text"] for o in shown["wrong_options"]}
    assert wrong == {c["text"] for c in question["choices"]} - {verdict["answer"]}
    assert all(o["why"] for o in shown["wrong_options"])
    assert shown["concept_path"] and shown["sources"]
    code, err = p.finish()
    assert code == 0 and "Traceback" not in err


async def _miss_one_long_ago(url: str, user: str) -> str:
    """Answer one question wrongly 30 days ago, so its card is due now; the ask's prompt."""
    from quizbot.bootstrap import bootstrap

    then = datetime.now(UTC) - timedelta(days=30)
    runtime = await bootstrap(database_url=url, clock=lambda: then)
    who = PlayerRef("local", "local", user, user)
    try:
        card = await runtime.service.ask(who, "pooling")
        if card.kind is AskKind.OPEN:
            await runtime.service.rate(who, card.ask_id, "again")
        else:
            await runtime.service.answer(who, card.ask_id, "zzz no idea")
    finally:
        await runtime.aclose()
    return card.prompt


def test_review_lists_the_queue_then_asks_the_due_card(db_env: dict[str, str]) -> None:
    empty = _cli(db_env, "review", "--user", "gail")
    assert empty.exit_code == 0, empty.output
    assert "No review cards yet" in empty.output

    prompt = asyncio.run(_miss_one_long_ago(db_env["DATABASE_URL"], "gail"))
    shown = CliRunner().invoke(app, ["review", "--json", "--user", "gail"], env=db_env, input="q\n")
    assert shown.exit_code == 0, shown.output
    listing, question = (json.loads(line) for line in shown.output.splitlines()[:2])
    assert listing["type"] == "review" and listing["due_count"] == 1
    (due,) = listing["due"]
    assert due["when"].endswith("UTC") and due["due_at"] < datetime.now(UTC).isoformat()
    assert question["type"] == "question" and question["prompt"] == prompt

    people = _cli(db_env, "review", "--user", "gail")
    assert "1 card due for review." in people.output and "Due now:" in people.output


def test_session_sends_a_typed_interview_answer_and_an_empty_line_reveals() -> None:
    engine = ScriptedEngine()
    code, _ = _session(["@flash", "Dropout zeroes random units while training.", "good"], engine)
    assert code == 0
    assert ("answer", "flash", "Dropout zeroes random units while training.") in engine.calls
    engine = ScriptedEngine()
    _session(["@flash", "", "good"], engine)
    assert ("answer", "flash", "") in engine.calls, "Enter alone reveals without an answer"


def test_rich_interview_verdict_ticks_the_covered_key_points() -> None:
    verdict = Verdict(
        "flash",
        None,
        "model answer",
        "",
        key_points=("zeroes units", "only in training"),
        typed="It zeroes units.",
        covered=(True, False),
        coverage="Your answer covered 1 of 2 key points.",
    )
    shown = _rich(lambda out: out.verdict(verdict))
    assert "✔ zeroes units" in shown and "· only in training" in shown
    assert "Your answer covered 1 of 2 key points." in shown


def test_terminal_paper_cuts(db_env: dict[str, str]) -> None:
    helped = _cli(db_env, "play", "--help")
    assert "--json" in helped.output and "<bool>" not in helped.output
    alone = _cli(db_env, "leaderboard", "all", "--user", "ann")
    assert alone.exit_code == 0, alone.output
    assert "all time" in alone.output.lower()
    assert board_and_period(["month", "TEAMS"]) == (Board.TEAMS, Period.MONTH)
    assert board_and_period([]) == (Board.PLAYERS, Period.WEEK)
    bogus = _cli(db_env, "leaderboard", "yearly", "--user", "ann")
    assert bogus.exit_code == 2 and '"yearly" is not a board or a period' in bogus.output
    nameless = _cli(db_env, "stats", "--user", "")
    assert nameless.exit_code == 1 and "--user needs a name" in nameless.output


def test_flag_in_play_then_list_and_clear_from_the_cli(db_env: dict[str, str]) -> None:
    unmigrated = _cli(db_env, "knowledge", "flags")
    assert unmigrated.exit_code == 1 and "run `cnnquiz db upgrade`" in unmigrated.output
    assert _cli(db_env, "db", "upgrade").exit_code == 0
    nothing = _cli(db_env, "knowledge", "flags")
    assert nothing.exit_code == 0 and "No open reports on questions." in nothing.output
    played = CliRunner().invoke(
        app,
        ["play", "--json", "--user", "hank", "--topic", "pooling"],
        env=db_env,
        input="flag two options say the same\nq\n",
    )
    assert played.exit_code == 0, played.output
    question, notice = (json.loads(line) for line in played.output.splitlines()[:2])
    assert notice["type"] == "notice" and notice["text"].startswith("Thanks, the question is")
    assert "Reason: two options say the same" in notice["details"]

    listed = _cli(db_env, "knowledge", "flags", "--json")
    assert listed.exit_code == 0, listed.output
    (row,) = (json.loads(line) for line in listed.output.splitlines())
    assert (row["open"], row["total"], row["reasons"]) == (1, 1, ["two options say the same"])
    assert row["question"] in question["prompt"] or row["id"].startswith("concept:")

    cleared = _cli(db_env, "knowledge", "flags", "--clear", row["id"])
    assert cleared.exit_code == 0 and "Cleared 1 report" in cleared.output
    again = _cli(db_env, "knowledge", "flags", "--clear", row["id"])
    assert again.exit_code == 1 and "No open reports" in again.output
    history = _cli(db_env, "knowledge", "flags", "--all", "--json")
    assert [json.loads(line)["open"] for line in history.output.splitlines()] == [0]


def test_stats_png_draws_the_mastery_map(db_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    empty = _cli(db_env, "stats", "--user", "ivy", "--png", str(out))
    assert empty.exit_code == 0 and "No mastery map yet" in empty.output and not out.exists()
    played = CliRunner().invoke(
        app, ["play", "--json", "--user", "ivy", "--topic", "pooling"], env=db_env, input="zzz\nq\n"
    )
    assert played.exit_code == 0, played.output
    drawn = _cli(db_env, "stats", "--user", "ivy", "--png", str(out))
    assert drawn.exit_code == 0, drawn.output
    assert "Mastered" in drawn.output and "Last four weeks" in drawn.output
    assert f"Wrote your mastery map to {out}" in drawn.output.replace("\n", "")
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    wrong = _cli(db_env, "stats", "--user", "ivy", "--png", str(tmp_path / "map.jpg"))
    assert wrong.exit_code == 2 and "not a .png file" in wrong.output


def test_play_refuses_to_start_on_a_broken_personal_pack(
    db_env: dict[str, str], tmp_path: Path
) -> None:
    gone = _cli({**db_env, "PACKS_DIR": str(tmp_path / "nowhere")}, "play", "--json")
    assert gone.exit_code == 1
    (event,) = (json.loads(line) for line in gone.output.splitlines() if line.startswith("{"))
    assert event["type"] == "error" and "nowhere: PACKS_DIR is not a folder" in event["message"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "two.yaml").write_text("questions:\n  - text: What is ReLU?\n    difficulty: 7\n")
    env = {**db_env, "PACKS_DIR": str(mine), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    broken = _cli(env, "play", "--json")
    assert broken.exit_code == 1 and "two.yaml:3" in broken.output, broken.output
