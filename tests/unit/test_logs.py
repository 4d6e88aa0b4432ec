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
