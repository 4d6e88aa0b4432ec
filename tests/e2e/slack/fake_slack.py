"""A fake Slack on 127.0.0.1: Web API methods, response_url webhooks and a Socket Mode socket."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

T = TypeVar("T")
TIMEOUT = 10.0


@dataclass(frozen=True)
class ApiCall:
    """One recorded Web API call: method name, merged arguments and the bearer token."""

    method: str
    args: dict[str, Any]
    token: str
    status: int
    result: dict[str, Any]


@dataclass(frozen=True)
class Webhook:
    """One message posted to a response_url."""

    key: str
    body: dict[str, Any]


def _without_metadata(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "metadata"}


@dataclass
class FakeSlack:
    """Records everything the app sends; tests await what they expect with a timeout."""

    bot_user: str = "UBOT"
    team_id: str = "T0001"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[ApiCall] = field(default_factory=list)
    webhooks: list[Webhook] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    # method -> HTTP statuses to answer with before succeeding (429 carries Retry-After: 0)
    failures: dict[str, list[int]] = field(default_factory=dict)
    # channel -> posted messages, oldest first (the thread's replies carry thread_ts)
    channels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # OAuth: the app's credentials, codes granted by the consent page (single use), bot tokens
    client_id: str = "1111.2222"
    client_secret: str = "e2e-client-secret"
    codes: dict[str, str] = field(default_factory=dict)  # code -> team id
    tokens: dict[str, str] = field(default_factory=dict)  # bot token -> team id
    # file id -> bytes uploaded to its upload URL; shared files: (channel, file id, comment)
    uploads: dict[str, bytes] = field(default_factory=dict)
    shared_files: list[tuple[str, str, str]] = field(default_factory=list)
    port: int = 0
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    _socket: web.WebSocketResponse | None = None
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/api/{method}", self._api),
                web.post("/respond/{key}", self._respond),
                web.post("/upload/{file_id}", self._upload),
                web.get("/socket", self._ws),
            ]
        )
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    def grant(self, team_id: str) -> str:
        """What Slack's consent page does when an admin of `team_id` approves: a fresh code."""
        code = f"code-{team_id}-{next(self._ts)}"
        self.codes[code] = team_id
        return code

    def uninstall(self, team_id: str) -> None:
        """Revoke every token of `team_id` (the app_uninstalled event is sent by the test)."""
        self.tokens = {t: team for t, team in self.tokens.items() if team != team_id}

    def token_of(self, team_id: str) -> str:
        """The bot token the last install into `team_id` was given."""
        return next(t for t, team in reversed(self.tokens.items()) if team == team_id)

    # -- waiting -------------------------------------------------------------------------

    async def _record(self, append: Callable[[], None]) -> None:
        async with self._changed:
            append()
            self._changed.notify_all()

    async def wait_until(self, check: Callable[[], T | None]) -> T:
        """Wait (at most TIMEOUT seconds) until `check()` returns something truthy."""
        async with asyncio.timeout(TIMEOUT), self._changed:
            while not (result := check()):
                await self._changed.wait()
            return result

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    async def wait_calls(self, method: str, count: int = 1) -> list[ApiCall]:
        return await self.wait_until(
            lambda: self.calls_to(method) if len(self.calls_to(method)) >= count else None
        )

    def hooks_to(self, key: str) -> list[Webhook]:
        return [w for w in self.webhooks if w.key == key]

    async def wait_hooks(self, key: str, count: int = 1) -> list[Webhook]:
        return await self.wait_until(
            lambda: self.hooks_to(key) if len(self.hooks_to(key)) >= count else None
        )

    # -- Web API -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token.startswith("Basic "):  # oauth.v2.access: the app's id and secret
            user, _, password = base64.b64decode(token[6:]).decode().partition(":")
            args.setdefault("client_id", user)
            args.setdefault("client_secret", password)
            token = ""
        pending = self.failures.get(method)
        status, headers = (pending.pop(0), {}) if pending else (200, {})
        if status == 429:
            headers = {"Retry-After": "0"}
            result: dict[str, Any] = {"ok": False, "error": "ratelimited"}
        elif status != 200:
            result = {"ok": False, "error": "internal_error"}
        else:
            result = self._answer(method, args, token)
        call = ApiCall(method, args, token, status, result)
        await self._record(lambda: self.calls.append(call))
        return web.json_response(result, status=status, headers=headers)

    def _oauth_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """Exchange a consent code (once) for a bot token, as oauth.v2.access does."""
        if (args.get("client_id"), args.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return {"ok": False, "error": "invalid_client_id"}
        team = self.codes.pop(str(args.get("code")), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        token = f"xoxb-oauth-{team}-{next(self._ts)}"
        self.tokens[token] = team
        return {
            "ok": True,
            "app_id": "A0001",
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write,chat:write.public,users:read",
            "bot_user_id": self.bot_user,
            "team": {"id": team, "name": f"Team {team}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": f"U{team}-installer"},
        }

    def _answer(self, method: str, args: dict[str, Any], token: str = "") -> dict[str, Any]:
        ts = f"1700000000.{next(self._ts):06d}"
        if token.startswith("xoxb-oauth-") and token not in self.tokens:
            return {"ok": False, "error": "invalid_auth"}  # revoked by an uninstall
        if method == "auth.test":
            team = self.tokens.get(token, self.team_id)
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "cnnquiz",
                "team_id": team,
                "user_id": self.bot_user,
                "bot_id": f"B{team}",
            }
        if method == "oauth.v2.access":
            return self._oauth_access(args)
        if method == "chat.postMessage":
            message = {"ts": ts, "text": args.get("text"), "user": self.bot_user}
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            metadata = args.get("metadata")
            if metadata:
                message["metadata"] = (
                    json.loads(metadata) if isinstance(metadata, str) else metadata
                )
            self.channels.setdefault(str(args.get("channel")), []).append(message)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method in ("conversations.history", "conversations.replies"):
            posted = self.channels.get(str(args.get("channel")), [])
            if method == "conversations.history":
                found = [m for m in posted if "thread_ts" not in m]
            else:
                found = [m for m in posted if args.get("ts") in (m["ts"], m.get("thread_ts"))]
            with_metadata = str(args.get("include_all_metadata")).lower() in ("1", "true")
            shown = [m if with_metadata else _without_metadata(m) for m in reversed(found)]
            return {"ok": True, "messages": shown[: int(args.get("limit") or 100)]}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users')}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):04d}"
            url = f"http://127.0.0.1:{self.port}/upload/{file_id}"
            return {"ok": True, "upload_url": url, "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files
            for f in files or []:
                if f["id"] not in self.uploads:
                    return {"ok": False, "error": "file_not_found"}
                comment = str(args.get("initial_comment") or "")
                self.shared_files.append((str(args.get("channel_id")), f["id"], comment))
            return {"ok": True, "files": [{"id": f["id"]} for f in files or []]}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in ("views.publish", "views.open"):
            return {"ok": True, "view": {"id": f"V{ts[-6:]}", **(args.get("view") or {})}}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": False, "error": "unknown_method"}

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        file_id = request.match_info["file_id"]
        await self._record(lambda: self.uploads.__setitem__(file_id, data))
        return web.Response(text="OK - " + str(len(data)))

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        key = request.match_info["key"]
        await self._record(lambda: self.webhooks.append(Webhook(key, body)))
        return web.Response(text="ok")

    # -- Socket Mode ---------------------------------------------------------------------

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        await self._record(lambda: setattr(self, "_socket", ws))
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                ack: dict[str, Any] = json.loads(message.data)
                await self._record(partial(self.socket_acks.append, ack))
        return ws

    async def push(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send an envelope over the socket and return the app's ack for it."""
        socket = await self.wait_until(lambda: self._socket)
        await socket.send_json(envelope)
        envelope_id = envelope["envelope_id"]
        return await self.wait_until(
            lambda: next((a for a in self.socket_acks if a.get("envelope_id") == envelope_id), None)
        )
