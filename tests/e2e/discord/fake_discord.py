"""A fake Discord on 127.0.0.1: REST under /api/v10 and a JSON (uncompressed) gateway."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from tests.e2e.discord.shapes import (
    APP_ID,
    BOT_USER,
    CHANNEL_ID,
    GUILD_ID,
    app_info,
    command_payload,
    guild_payload,
    message_payload,
)

T = TypeVar("T")
TIMEOUT = 10.0


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py only decodes bodies whose Content-Type is exactly "application/json".
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass(frozen=True)
class Call:
    """One recorded REST call: method, path below /api/v10, query and JSON body."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: tuple[str, ...] = ()
    contents: tuple[bytes, ...] = ()  # beside `files`: what each uploaded file held


@dataclass
class FakeDiscord:
    """Records every call; tests push gateway events and await what the bot sends back."""

    calls: list[Call] = field(default_factory=list)
    identifies: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: list[str] = field(default_factory=list)  # ids of POST /channels/{id}/messages
    nonces: dict[tuple[str, str], str] = field(default_factory=dict)  # (channel, nonce) -> id
    # interaction token -> every message-like reply (callback data, follow-ups, edits)
    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    callbacks: dict[str, dict[str, Any]] = field(default_factory=dict)  # interaction id -> body
    # "METHOD path-prefix" -> statuses to answer with first (429 carries retry_after 60)
    failures: dict[str, list[int]] = field(default_factory=dict)
    # the bot's guilds (guild id -> its one text channel); each shard's READY lists its own
    guilds: dict[int, int] = field(default_factory=lambda: {GUILD_ID: CHANNEL_ID})
    recommended_shards: int = 1  # what GET /gateway/bot answers
    _shard_of: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(socket) -> shard
    port: int = 0
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(600000000000000001))
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(
            [web.get("/gateway", self._gateway), web.route("*", "/api/v10/{tail:.*}", self._rest)]
        )
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def new_id(self) -> str:
        return str(next(self._ids))

    # -- waiting -------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, probe: Callable[[], T | None]) -> T:
        """Wait until `probe()` returns something other than None (or fail after TIMEOUT)."""

        async def poll() -> T:
            async with self._changed:
                while True:
                    found = probe()
                    if found is not None:
                        return found
                    await self._changed.wait()

        return await asyncio.wait_for(poll(), TIMEOUT)

    async def wait_replies(self, token: str, count: int = 1) -> list[dict[str, Any]]:
        """The first `count` messages the bot sent in answer to the interaction `token`."""
        return await self.wait_for(
            lambda: got[:count] if len(got := self.replies.get(token, [])) >= count else None
        )

    async def wait_callback(self, interaction_id: str) -> dict[str, Any]:
        return await self.wait_for(lambda: self.callbacks.get(interaction_id))

    async def wait_channel_messages(self, channel_id: str, count: int = 1) -> list[dict[str, Any]]:
        def probe() -> list[dict[str, Any]] | None:
            found = [self.messages[i] for i in self.posts]
            found = [m for m in found if m["channel_id"] == channel_id]
            return found[:count] if len(found) >= count else None

        return await self.wait_for(probe)

    def open_sockets(self) -> int:
        return sum(not s.closed for s in self._sockets)

    def calls_to(self, method: str, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    # -- gateway -------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        # discord.py 2.7.1 connects to DEFAULT_GATEWAY (or, with no shard count, the URL
        # GET /gateway/bot gives) ?v=10&encoding=json&compress=zlib-stream; it decompresses
        # binary frames only, so plain JSON text frames need no compression here.
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in socket:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            if frame["op"] == 1:
                await socket.send_json({"op": 11, "d": None})
            elif frame["op"] == 2:
                self.identifies.append(frame["d"])
                shard_id, count = frame["d"].get("shard") or (0, 1)
                self._shard_of[id(socket)] = (shard_id, count)
                await self._ready(socket, shard_id, count)
                await self._notify()
        await self._notify()  # closed
        return socket

    def guilds_on(self, shard_id: int, count: int) -> list[int]:
        """The guilds whose events go to shard `shard_id` of `count` (Discord's rule)."""
        return [g for g in self.guilds if (g >> 22) % count == shard_id]

    async def _ready(self, socket: web.WebSocketResponse, shard_id: int, count: int) -> None:
        """Answer IDENTIFY as Discord does per shard: READY with the shard's guilds only."""
        mine = self.guilds_on(shard_id, count)
        ready = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(g), "unavailable": True} for g in mine],
            "session_id": f"session-{len(self.identifies)}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "shard": [shard_id, count],
        }
        await self._dispatch(socket, "READY", ready)
        for guild in mine:
            await self._dispatch(socket, "GUILD_CREATE", guild_payload(guild, self.guilds[guild]))

    async def _dispatch(self, socket: web.WebSocketResponse, event: str, data: Any) -> None:
        await socket.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def dispatch(self, event: str, data: Any) -> None:
        """Send a gateway event to the shard its guild is on (else the latest connection)."""
        live = [s for s in self._sockets if not s.closed]
        assert live, "no bot is connected to the fake gateway"
        guild = data.get("guild_id") if isinstance(data, dict) else None
        if guild is not None:
            for socket in reversed(live):
                shard_id, count = self._shard_of.get(id(socket), (0, 1))
                if (int(guild) >> 22) % count == shard_id:
                    await self._dispatch(socket, event, data)
                    return
        await self._dispatch(live[-1], event, data)

    # -- REST ----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files, contents = await _read_body(request)
        self.calls.append(Call(request.method, path, dict(request.query), body, files, contents))
        await self._notify()
        for key, statuses in self.failures.items():
            method, prefix = key.split(" ", 1)
            if request.method == method and path.startswith(prefix) and statuses:
                status = statuses.pop(0)
                if status == 429:
                    retry = {
                        "message": "You are being rate limited.",
                        "retry_after": 60.0,
                        "global": False,
                    }
                    return _json(retry, 429, {"Retry-After": "60", "X-RateLimit-Scope": "user"})
                return _json({"message": "oops", "code": 0}, status)
        try:
            response = self._route(request.method, path, body)
        finally:
            await self._notify()
        return response

    def _route(self, method: str, path: str, body: Any) -> web.Response:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me" or path == f"/applications/{APP_ID}":
            return _json(app_info())
        if path == "/gateway/bot":
            limits = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": self.recommended_shards,
                    "session_start_limit": limits,
                }
            )
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            return _json([command_payload(c) for c in body])
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[1], parts[2], body)
        if parts[0] == "webhooks":
            return self._webhook(method, parts[2], parts[3:], body)
        if parts[0] == "channels" and parts[2:] == ["messages"] and method == "POST":
            # enforce_nonce: a repeated nonce gets the message already created, not a new one.
            seen = (parts[1], str(body.get("nonce"))) if body.get("enforce_nonce") else None
            if seen in self.nonces:
                return _json(self.messages[self.nonces[seen]])
            message = self._store(parts[1], body)
            self.posts.append(message["id"])
            if seen is not None:
                self.nonces[seen] = message["id"]
            return _json(message)
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _store(self, channel_id: str, body: dict[str, Any], flags: int = 0) -> dict[str, Any]:
        message = message_payload(self.new_id(), channel_id, body, flags)
        self.messages[message["id"]] = message
        return message

    def _callback(self, interaction_id: str, token: str, body: dict[str, Any]) -> web.Response:
        self.callbacks[interaction_id] = body
        kind, data = body["type"], body.get("data") or {}
        ephemeral = bool(data.get("flags", 0) & 64)
        resource: dict[str, Any] = {"type": kind}
        message_id = None
        if kind in (4, 5):  # a message, or the "thinking" placeholder of a deferred one
            message = self._store(str(CHANNEL_ID), data, data.get("flags", 0))
            message_id = message["id"]
            resource["message"] = message
            self.replies.setdefault(token, []).append({"callback": kind, **message})
        return _json(
            {
                "interaction": {
                    "id": interaction_id,
                    "type": 2,
                    "response_message_id": message_id,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": ephemeral,
                },
                "resource": resource if kind not in (1, 6, 8, 9) else None,
            }
        )

    def _webhook(self, method: str, token: str, rest: list[str], body: Any) -> web.Response:
        replies = self.replies.setdefault(token, [])
        if not rest and method == "POST":  # a follow-up
            message = self._store(str(CHANNEL_ID), body, body.get("flags", 0))
            replies.append({"followup": True, **message})
            return _json(message)
        if rest[:1] == ["messages"] and len(rest) == 2:
            original = next((r for r in replies if r.get("callback")), None)
            message_id = original["id"] if original and rest[1] == "@original" else rest[1]
            message = self.messages.get(message_id) or message_payload(
                message_id, str(CHANNEL_ID), {}, 0
            )
            if method == "PATCH":
                message = {**message, **{k: v for k, v in body.items() if k != "attachments"}}
                self.messages[message_id] = message
                replies.append({"edit": True, **message})
            if method == "DELETE":
                return web.Response(status=204)
            return _json(message)
        return _json({"message": "404: Not Found", "code": 0}, 404)


async def _read_body(request: web.Request) -> tuple[Any, tuple[str, ...], tuple[bytes, ...]]:
    """JSON bodies, and multipart ones (payload_json plus files) as discord.py sends files."""
    if not request.can_read_body:
        return None, (), ()
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[str] = []
        contents: list[bytes] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if part.name == "payload_json":  # type: ignore[union-attr]
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                files.append(part.filename or "")  # type: ignore[union-attr]
                contents.append(bytes(await part.read()))  # type: ignore[union-attr]
        return payload, tuple(files), tuple(contents)
    text = await request.text()
    return (json.loads(text) if text else None), (), ()
