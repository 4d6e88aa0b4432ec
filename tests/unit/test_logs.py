"""Secrets from the environment never reach a log line."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from quizbot.logs import RedactSecrets, secret_values
from quizbot.settings import Settings


def test_configured_secrets_are_scrubbed_from_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(
        discord_token=SecretStr("discord-token-abcdef"),
        slack_signing_secret=SecretStr("signing-secret-123456"),
        database_url="postgresql+asyncpg://bot:db-password-xyz@db.internal/quiz",
    )
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactSecrets(secret_values(settings)))
    try:
        with caplog.at_level(logging.INFO, logger="test.redact"):
            logger.info("connecting with %s and %s", "discord-token-abcdef", "db-password-xyz")
            logger.info("bad signature for signing-secret-123456")
    finally:
        logger.filters.clear()
    text = caplog.text
    assert "discord-token-abcdef" not in text
    assert "db-password-xyz" not in text
    assert "signing-secret-123456" not in text
    assert text.count("[redacted]") == 3


def test_settings_repr_hides_tokens() -> None:
    settings = Settings(discord_token=SecretStr("discord-token-abcdef"))
    assert "discord-token-abcdef" not in repr(settings)
    assert "discord-token-abcdef" not in str(settings.model_dump())


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:5432/test",
        "sqlite+aiosqlite:////var/lib/cnnquiz/quiz.db",
        "postgresql+asyncpg://bot:@db/quiz",
    ],
)
def test_database_urls_without_a_password_have_no_secret(url: str) -> None:
    assert not any(secret_values(Settings(database_url=url)))


def _emit(settings: Settings, exc: BaseException) -> str:
    """What the configured stderr handler prints for a logged exception."""
    import io

    from quizbot.logs import configure_logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging(settings)
    stream = io.StringIO()
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        try:
            raise exc
        except BaseException:
            logging.getLogger("test.trace").exception("sweep failed")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    return stream.getvalue()


def test_secrets_of_any_length_are_scrubbed_from_tracebacks_too() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=SecretStr("xoxb-long-bot-token"),
        database_url="postgresql://bot:p%40w@db.internal/quiz",  # "p@w" once decoded
    )
    try:
        raise RuntimeError("login as bot with p@w failed")
    except RuntimeError as cause:
        try:
            raise ConnectionError("token xoxb-long-bot-token refused") from cause
        except ConnectionError as exc:
            printed = _emit(settings, exc)
    assert "Traceback" in printed and "ConnectionError" in printed
    assert "xoxb-long-bot-token" not in printed and "p@w" not in printed
    assert "p%40w" not in printed
    assert "RuntimeError: login as bot with [redacted] failed" in printed
    assert "ConnectionError: token [redacted] refused" in printed


def test_a_task_cancelled_while_stopping_is_one_line() -> None:
    import asyncio

    try:
        try:
            raise asyncio.CancelledError
        except asyncio.CancelledError:
            raise RuntimeError("publish aborted") from None
    except RuntimeError as exc:
        exc.__context__ = asyncio.CancelledError()
        printed = _emit(Settings(_env_file=None), exc)  # type: ignore[call-arg]
    assert printed.count("\n") == 1 and "cancelled while stopping" in printed
    assert "Traceback" not in printed
