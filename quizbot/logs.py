"""Logging set-up with a filter that scrubs configured secrets from every log line."""

from __future__ import annotations

import logging

from quizbot.settings import Settings


class RedactSecrets(logging.Filter):
    """Replaces any configured secret value that appears in a record with '[redacted]'."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in self._secrets:
            cleaned = cleaned.replace(secret, "[redacted]")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def secret_values(settings: Settings) -> list[str]:
    values = [
        settings.discord_token,
        settings.slack_bot_token,
        settings.slack_app_token,
        settings.slack_signing_secret,
    ]
    out = [v.get_secret_value() for v in values if v is not None]
    # user:password@ after the scheme; a URL without a password ("postgresql://u@h") has none.
    userinfo, at, _host = settings.database_url.split("://", 1)[-1].partition("@")
    if at and ":" in userinfo:
        out.append(userinfo.split(":", 1)[1])
    return out


def configure_logging(settings: Settings) -> None:
    """Plain structured-ish lines on stderr; secrets scrubbed on every handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    handler.addFilter(RedactSecrets(secret_values(settings)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
