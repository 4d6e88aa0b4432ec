"""`cnnquiz run` with no chat credentials explains itself instead of starting nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from adapters.cli import app, run_cmd
from adapters.cli.run_cmd import Platform, chosen_platforms
from quizbot.settings import Settings

ENV_KEYS = (
    "DISCORD_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)


@pytest.fixture
def no_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> Iterator[None]:
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    # `run` installs its own stderr handler; CliRunner's stream is closed after the test.
    root.handlers[:], root.level = handlers, level


def test_run_without_credentials_points_to_play(no_credentials: None) -> None:
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 1
    assert "No chat platform is configured" in result.output
    assert "cnnquiz play" in result.output


def test_run_slack_http_without_signing_secret_is_refused(
    no_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-real-token")
    result = CliRunner().invoke(app, ["run", "slack", "--http"])
    assert result.exit_code == 2
    assert "SLACK_SIGNING_SECRET" in result.output
    assert "xoxb-not-a-real-token" not in result.output


def test_chosen_platforms_leave_http_only_slack_to_the_web_process() -> None:
    http_slack = Settings(
        slack_bot_token=SecretStr("xoxb-test"), slack_signing_secret=SecretStr("shh-secret")
    )
    both = Settings(
        discord_token=SecretStr("discord-test"),
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr("shh-secret"),
    )
    socket = Settings(slack_bot_token=SecretStr("xoxb-test"), slack_app_token=SecretStr("xapp-1"))
    assert chosen_platforms(http_slack, None) == []
    assert chosen_platforms(http_slack, None, http=True) == [Platform.SLACK]
    assert chosen_platforms(both, None) == [Platform.DISCORD]
    assert chosen_platforms(socket, None) == [Platform.SLACK]


def test_worker_with_http_only_slack_points_to_the_web_command(
    no_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-real-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "not-a-real-secret")
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 1
    assert "cnnquiz run slack --http" in result.output
    assert "not-a-real-secret" not in result.output


@pytest.mark.parametrize(
    ("args", "host"), [([], "0.0.0.0"), (["--host", "127.0.0.1"], "127.0.0.1")]
)
def test_run_slack_http_listens_on_the_host_asked_for(
    no_credentials: None, monkeypatch: pytest.MonkeyPatch, args: list[str], host: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-real-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "not-a-real-secret")
    served: list[tuple[int, str]] = []

    async def serve(_s: Settings, _p: list[Platform], _h: bool, port: int, host: str) -> None:
        served.append((port, host))

    monkeypatch.setattr(run_cmd, "_serve", serve)
    result = CliRunner().invoke(app, ["run", "slack", "--http", "--port", "8123", *args])
    assert result.exit_code == 0, result.output
    assert served == [(8123, host)]


def test_distributed_slack_runs_only_over_http(
    no_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = Settings(
        slack_client_id="1111.2222",
        slack_client_secret=SecretStr("not-a-real-client-secret"),
        slack_signing_secret=SecretStr("shh-secret"),
    )
    assert chosen_platforms(distributed, None) == []
    assert chosen_platforms(distributed, None, http=True) == [Platform.SLACK]

    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "not-a-real-client-secret")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-not-a-real-token")
    result = CliRunner().invoke(app, ["run", "slack"])
    assert result.exit_code == 2
    assert "needs --http" in result.output
    assert "not-a-real-client-secret" not in result.output
