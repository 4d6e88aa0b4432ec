"""The HTTP gate: a Slack request's signature is checked on the raw bytes before anything parses."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

MAX_SKEW_S = 5 * 60
# Slack's timestamps are Unix seconds; ten or so digits. Anything longer is not a timestamp.
MAX_TIMESTAMP_DIGITS = 12
UTF8_CHARSETS = frozenset({"", "utf-8", "utf8"})


@dataclass(frozen=True)
class Rejection:
    """Why a request is refused: the HTTP status and a short reason for the one log line."""

    status: int
    reason: str


def signature_problem(
    raw: bytes,
    headers: Mapping[str, str],
    secret: str,
    now: Callable[[], float] = time.time,
) -> str | None:
    """Why `raw` is not signed by Slack with `secret` just now, or None when it is."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not timestamp or not signature:
        return "no timestamp or signature"
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > MAX_TIMESTAMP_DIGITS:
        return "timestamp is not Unix seconds"
    if abs(now() - int(timestamp)) > MAX_SKEW_S:
        return "stale timestamp"
    base = b"v0:" + timestamp.encode("ascii") + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "bad signature"
    return None


def decode_body(raw: bytes, request: web.BaseRequest) -> str | Rejection:
    """A signed body as text; Slack sends plain UTF-8, so anything else is refused."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return Rejection(400, f"unsupported Content-Encoding {encoding[:40]!r}")
    charset = (request.charset or "").lower()
    if charset not in UTF8_CHARSETS:
        return Rejection(400, f"unsupported charset {charset[:40]!r}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "body is not UTF-8")


async def read_signed(request: web.Request, secret: str) -> str | Rejection:
    """The request body as text once it is known to come from Slack, else why not."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return Rejection(413, "body too large")
    except RequestPayloadError as exc:  # a broken chunked body, a connection cut mid-body
        return Rejection(400, f"body unreadable ({type(exc).__name__})")
    problem = signature_problem(raw, request.headers, secret)
    if problem:
        return Rejection(401, problem)
    return decode_body(raw, request)
