"""Logging set-up: configured secrets scrubbed from every line and traceback; quiet shutdown."""

from __future__ import annotations

import asyncio
import logging
import traceback
from urllib.parse import unquote

from quizbot.settings import Settings

REDACTED = "[redacted]"


def _chain(exc: BaseException | None) -> list[BaseException]:
    out: list[BaseException] = []
    while exc is not None and exc not in out:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


class RedactSecrets(logging.Filter):
    """Replaces every configured secret value, whatever its length, in a record's message,
    exception text and stack with '[redacted]'."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        cleaned = self.scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is printed scrubbed.
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True


class QuietCancellation(logging.Filter):
    """A task cancelled on purpose (shutdown) is one line, not a chain of tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if any(isinstance(e, asyncio.CancelledError) for e in _chain(exc)):
            record.msg, record.args = f"{record.getMessage()} (cancelled while stopping)", None
            record.exc_info, record.exc_text = None, None
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
    netloc = settings.database_url.split("://", 1)[-1].split("/", 1)[0]
    userinfo, at, _host = netloc.rpartition("@")
    if at and ":" in userinfo:
        password = userinfo.split(":", 1)[1]
        out += [password, unquote(password)]  # as written in the URL, and as the driver sees it
    return [v for v in out if v]


def configure_logging(settings: Settings) -> None:
    """Plain structured-ish lines on stderr; secrets scrubbed on every handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    handler.addFilter(QuietCancellation())
    handler.addFilter(RedactSecrets(secret_values(settings)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
