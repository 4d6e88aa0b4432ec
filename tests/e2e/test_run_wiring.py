"""`cnnquiz run`'s serve loop end to end: Slack over HTTP, drops posted, clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

import quizbot.bootstrap
from adapters.cli import app as cli_app
from adapters.cli import run_cmd
from adapters.slack import app as slack_app
from quizbot.bootstrap import Runtime
from quizbot.settings import Settings
from tests.e2e.slack.bank import e2e_bank, right_text
from tests.e2e.slack.conftest import BOT_TOKEN, OWNER_ID, SECRET, SlackDriver, block_texts
from tests.e2e.slack.fake_slack import TIMEOUT, FakeSlack

CREDENTIAL_KEYS = (
    "DISCORD_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
)


class Lines:
    """Log lines as they arrive; tests await the ones they expect instead of sleeping."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()

    def add(self, line: str) -> None:
        self.lines.append(line)
        self._loop.call_soon_threadsafe(self._changed.set)  # log calls may come from threads

    def count(self, *parts: str) -> int:
        return sum(all(p in line for p in parts) for line in self.lines)

    async def wait_for(self, *parts: str, count: int = 1, limit_s: float = TIMEOUT) -> None:
        async with asyncio.timeout(limit_s):
            while self.count(*parts) < count:
                self._changed.clear()
                await self._changed.wait()

    async def settled(self, port: int, limit_s: float = TIMEOUT) -> None:
        """Slack listens on `port`; the runner swept once and re-planned when Slack connected."""
        await self.wait_for(f"slack HTTP mode listening on 0.0.0.0:{port}", limit_s=limit_s)
        await self.wait_for("drop jobs rebuilt", count=2)
        await self.wait_for("DropRunner.tick", "executed successfully")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class LogLines(logging.Handler):
    def __init__(self, lines: Lines) -> None:
        super().__init__(logging.INFO)
        self.target = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.target.add(f"{record.levelname} {record.name}: {record.getMessage()}")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(users={OWNER_ID: {"id": OWNER_ID, "is_admin": False, "is_owner": True}})
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def settings(fake: FakeSlack, tmp_path: Path) -> Settings:
    """What `cnnquiz run slack --http` reads from the environment, pointed at the fake."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        data_dir=tmp_path,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake.api_url,
    )


@pytest.fixture
async def logs() -> AsyncIterator[Lines]:
    """INFO and up from the whole process while the test runs."""
    lines = Lines()
    handler = LogLines(lines)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def runtimes(monkeypatch: pytest.MonkeyPatch) -> list[Runtime]:
    """Bootstrap spy: `_serve` gets the small test bank; the runtime it built is kept."""
    built: list[Runtime] = []
    real_bootstrap = quizbot.bootstrap.bootstrap

    async def bootstrap(settings: Settings | None = None, **kwargs: Any) -> Runtime:
        built.append(await real_bootstrap(settings, bank=e2e_bank(), **kwargs))
        return built[-1]

    monkeypatch.setattr(quizbot.bootstrap, "bootstrap", bootstrap)
    return built


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def settled(logs: Lines, port: int, serving: asyncio.Task[None]) -> None:
    """Wait until `_serve` is up and idle; fail at once if it died first."""
    waiting = asyncio.ensure_future(logs.settled(port))
    await asyncio.wait([waiting, serving], return_when="FIRST_COMPLETED")
    if serving.done():
        waiting.cancel()
        serving.result()  # re-raises what stopped it
        pytest.fail("_serve returned before Slack started")
    await waiting


async def text_reply(driver: SlackDriver, command: str, user: str) -> str:
    reply = await driver.reply(await driver.command(command, user=user, name=user))
    return block_texts(reply["blocks"])


async def refused(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return True
    writer.close()
    await writer.wait_closed()
    return False


async def test_run_slack_http_answers_posts_drops_and_stops_on_sigterm(
    settings: Settings, fake: FakeSlack, runtimes: list[Runtime], logs: Lines
) -> None:
    port = free_port()
    before = asyncio.all_tasks()
    serving = asyncio.create_task(run_cmd._serve(settings, [run_cmd.Platform.SLACK], True, port))
    try:
        await settled(logs, port, serving)
        url = f"http://127.0.0.1:{port}{slack_app.EVENTS_PATH}"
        async with aiohttp.ClientSession() as session:
            driver = SlackDriver(url, fake, session)

            card = await driver.reply(await driver.command("resnet", user="U0001", name="alice"))
            text = block_texts(card["blocks"])
            assert "*Question*" in text
            assert right_text(text) in text, "the card offers the bank's right answer"

            # Far from now, so the runner's own schedule cannot post before `drop now` does.
            at = (datetime.now(UTC) + timedelta(hours=12)).strftime("%H:%M")
            notice = await text_reply(driver, f"drop set {at} UTC", OWNER_ID)
            assert "Daily drops in <#C0001>" in notice
            assert "Posted" in await text_reply(driver, "drop now", OWNER_ID)

        (drop,) = fake.calls_to("chat.postMessage")
        assert drop.args["channel"] == "C0001" and drop.token == BOT_TOKEN
        assert "Daily drop" in block_texts(drop.args["blocks"])

        os.kill(os.getpid(), signal.SIGTERM)  # what `docker stop` sends; _serve handles it
        async with asyncio.timeout(TIMEOUT):
            await serving
    finally:
        if not serving.done():
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
    assert [rt.closed for rt in runtimes] == [True]
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()
    assert await refused(port), "the Slack port is released"
    assert logs.count("ERROR") == 0, logs.text


async def test_cancelling_run_closes_the_runtime_and_the_port(
    settings: Settings, runtimes: list[Runtime], logs: Lines
) -> None:
    port = free_port()
    before = asyncio.all_tasks()
    serving = asyncio.create_task(run_cmd._serve(settings, [run_cmd.Platform.SLACK], True, port))
    await settled(logs, port, serving)
    serving.cancel()
    (result,) = await asyncio.gather(serving, return_exceptions=True)
    assert isinstance(result, asyncio.CancelledError)
    assert [rt.closed for rt in runtimes] == [True]
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()
    assert await refused(port)
    assert logs.count("ERROR") == 0, logs.text


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for key in CREDENTIAL_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level  # `run` installs its own log handler


def test_run_discord_without_token_names_the_variable(bare_env: None) -> None:
    result = CliRunner().invoke(cli_app, ["run", "discord"])
    assert result.exit_code == 2
    assert "DISCORD_TOKEN" in result.output


async def read_lines(stream: asyncio.StreamReader, lines: Lines) -> None:
    async for raw in stream:
        lines.add(raw.decode(errors="replace").rstrip("\n"))


async def test_cnnquiz_run_console_script_serves_slack_and_exits_0_on_sigterm(
    fake: FakeSlack, tmp_path: Path
) -> None:
    """The installed `cnnquiz` entry point, configured only by environment variables."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "DATA_DIR": str(tmp_path),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "LOG_LEVEL": "INFO",
    }
    script = Path(sys.executable).with_name("cnnquiz")
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        str(script), "run", "slack", "--http", "--port", str(port),
        cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    log = Lines()
    reader = asyncio.create_task(read_lines(proc.stderr, log))
    try:
        # Generous bound: a stale compiled bank is rebuilt on start (normally ~1 s in all).
        waiting = asyncio.ensure_future(log.settled(port, limit_s=60))
        await asyncio.wait([waiting, reader], return_when="FIRST_COMPLETED")
        if not waiting.done():
            waiting.cancel()
            pytest.fail(f"cnnquiz run exited early:\n{log.text}")
        await waiting
        async with aiohttp.ClientSession() as session:
            driver = SlackDriver(f"http://127.0.0.1:{port}{slack_app.EVENTS_PATH}", fake, session)
            card = await driver.reply(await driver.command(user="U0001", name="alice"))
        assert "*Question*" in block_texts(card["blocks"])
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(TIMEOUT):
            code = await proc.wait()
            await reader
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await asyncio.gather(reader, return_exceptions=True)
    assert code == 0, log.text
    assert "Traceback" not in log.text and " ERROR " not in log.text, log.text
    assert "INFO adapters.cli.run_cmd: stopped" in log.text
    assert BOT_TOKEN not in log.text and SECRET not in log.text
    assert await refused(port)


async def test_stopping_run_mid_start_up_waits_for_the_drop_sweep(
    settings: Settings, runtimes: list[Runtime], logs: Lines
) -> None:
    """Cancelled the moment Slack listens: the first sweep and the re-plan may be in flight."""
    port = free_port()
    before = asyncio.all_tasks()
    serving = asyncio.create_task(run_cmd._serve(settings, [run_cmd.Platform.SLACK], True, port))
    await logs.wait_for(f"slack HTTP mode listening on 0.0.0.0:{port}")
    serving.cancel()
    (result,) = await asyncio.gather(serving, return_exceptions=True)
    assert isinstance(result, asyncio.CancelledError)
    assert [rt.closed for rt in runtimes] == [True]
    assert asyncio.all_tasks() - before - {asyncio.current_task()} == set()
    assert logs.count("ERROR") == 0, logs.text


async def test_a_stop_during_start_up_is_a_clean_stop(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, logs: Lines
) -> None:
    booting = asyncio.Event()

    async def slow_bootstrap(_settings: Settings | None = None, **_kw: Any) -> Runtime:
        booting.set()
        await asyncio.Event().wait()  # compiling the bank, migrating: takes a while
        raise AssertionError("unreachable")

    monkeypatch.setattr(quizbot.bootstrap, "bootstrap", slow_bootstrap)
    serving = asyncio.create_task(run_cmd._serve(settings, [run_cmd.Platform.SLACK], True, 0))
    async with asyncio.timeout(TIMEOUT):
        await booting.wait()
        os.kill(os.getpid(), signal.SIGTERM)
        await serving  # returns: no KeyboardInterrupt, no CancelledError
    assert logs.count("stopped before start-up finished") == 1


async def test_a_platform_that_fails_is_one_scrubbed_line(
    settings: Settings, runtimes: list[Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: Any, **_kw: Any) -> None:
        raise ConnectionError(f"cannot reach slack.com with {BOT_TOKEN}\nsecond line")

    monkeypatch.setattr(slack_app, "run_slack_http", broken)
    with pytest.raises(run_cmd.PlatformFailed) as caught:
        await run_cmd._serve(settings, [run_cmd.Platform.SLACK], True, 0)
    assert (
        str(caught.value)
        == "slack stopped: ConnectionError: cannot reach slack.com with [redacted]"
    )
    assert [rt.closed for rt in runtimes] == [True]
