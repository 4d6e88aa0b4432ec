"""Every command meets a bad DATABASE_URL with one line that says what to fix, never a traceback."""

from __future__ import annotations

import logging
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from quizbot.storage import trouble
from tests.conftest import PG_ADMIN_URL

COMMANDS = {
    "run": ["run", "discord"],
    "drop": ["drop", "list", "--platform", "slack", "--workspace", "T0001"],
    "db": ["db", "current"],
    "play": ["play", "--user", "ann"],
}


@pytest.fixture(scope="module")
def truncated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first third of a migrated SQLite file: a header that promises pages it lacks."""
    import asyncio

    from quizbot.storage.db import upgrade

    folder = tmp_path_factory.mktemp("truncated")
    whole = folder / "whole.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{whole}"))
    data = whole.read_bytes()
    cut = folder / "cut.db"
    cut.write_bytes(data[: len(data) // 3])
    return cut


@pytest.fixture(scope="module")
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield int(server.getsockname()[1])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_url(user: str, database: str) -> str:
    host = PG_ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0]
    return f"postgresql://{user}@{host}/{database}"


Case = Callable[[Path, Path, int], str]
CASES: dict[str, tuple[Case, str]] = {
    "port_not_a_number": (lambda *_: "postgresql://u@127.0.0.1:abc/x", "port is not a number"),
    "unsupported_driver": (lambda *_: "mysql://u@127.0.0.1/x", "not supported"),
    "empty_sqlite_path": (lambda *_: "sqlite:///", "names no SQLite file"),
    "sqlite_path_is_a_folder": (lambda tmp, *_: f"sqlite:///{tmp}", "is a folder"),
    "sqlite_file_corrupt": (lambda tmp, *_: f"sqlite:///{tmp / 'junk.db'}", "not a SQLite"),
    "sqlite_file_truncated": (lambda _t, cut, _p: f"sqlite:///{cut}", "damaged or truncated"),
    "nothing_listening": (
        lambda *_: f"postgresql://u@127.0.0.1:{closed_port()}/x",
        "Nothing is listening",
    ),
    "server_never_answers": (
        lambda _t, _c, port: f"postgresql://u@127.0.0.1:{port}/x",
        "did not answer within",
    ),
}
if PG_ADMIN_URL:
    CASES["database_missing"] = (
        lambda *_: pg_url("postgres", "cnnquiz_no_such_db"),
        "does not exist",
    )
    CASES["role_missing"] = (lambda *_: pg_url("no_such_role", "postgres"), "refused the login")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for key in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-discord-token")
    monkeypatch.chdir(tmp_path)  # no stray .env file
    monkeypatch.setattr(trouble, "CONNECT_TIMEOUT_S", 0.5)  # the real one is 10 s
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level  # `run` installs its own stderr handler


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES)
def test_bad_database_url_is_one_line_saying_what_to_fix(
    clean_env: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    truncated_db: Path,
    silent_server: int,
    case: str,
    command: str,
) -> None:
    (tmp_path / "junk.db").write_bytes(os.urandom(2048))
    make_url, expected = CASES[case]
    cut = tmp_path / "cut.db"
    shutil.copy(truncated_db, cut)
    monkeypatch.setenv("DATABASE_URL", make_url(tmp_path, cut, silent_server))
    result = CliRunner().invoke(app, COMMANDS[command], input="")
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and expected in lines[0], result.output
    assert "Traceback" not in result.output


def test_connect_timeout_is_at_most_ten_seconds() -> None:
    assert 0 < trouble.CONNECT_TIMEOUT_S <= 10


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["knowledge", "graph", "--out", "{tmp}/missing/map.png"], "folder"),
        (["knowledge", "graph", "--out", "{tmp}/a-folder.png"], "is a folder"),
        (["knowledge", "export", "--out", "{tmp}/missing/bank.json"], "does not exist"),
    ],
)
def test_knowledge_output_path_trouble_is_one_friendly_line(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    (tmp_path / "a-folder.png").mkdir()
    result = CliRunner().invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2
    assert len(lines) == 1 and expected in lines[0], result.output
    assert "Errno" not in result.output
