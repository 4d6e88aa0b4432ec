"""The Slack app: Bolt wiring, the Web API client, and the HTTP and Socket Mode transports."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.gate import Rejection, read_signed
from adapters.slack.inbound import SlackInbound
from adapters.slack.oauth import SlackClients, oauth_routes, oauth_settings
from adapters.slack.payloads import payload_problem
from adapters.slack.publisher import SlackPublisher
from quizbot.api import DropPublishers, QuizApi
from quizbot.installs import Installations
from quizbot.settings import Settings

logger = logging.getLogger(__name__)

COMMAND = "/cnnquiz"
EVENTS_PATH = "/slack/events"


class SlackConfigError(RuntimeError):
    """A credential the chosen transport needs is not configured."""


class HasService(Protocol):
    """What the adapter needs from quizbot.bootstrap.Runtime."""

    @property
    def service(self) -> QuizApi: ...

    @property
    def drops(self) -> DropPublishers | None: ...

    @property
    def installs(self) -> Installations | None: ...


def build_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: bot token, optional SLACK_API_URL, retries on 429 / 5xx / resets.

    When distributed (SLACK_CLIENT_ID) it has no token: each call takes its workspace's.
    """
    if settings.slack_bot_token is None and not settings.slack_oauth:
        raise SlackConfigError("Set SLACK_BOT_TOKEN (or SLACK_CLIENT_ID) to run the Slack app.")
    kwargs: dict[str, Any] = {}
    if settings.slack_api_url:
        kwargs["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    token = settings.slack_bot_token
    return AsyncWebClient(
        token=None if settings.slack_oauth or token is None else token.get_secret_value(),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
        **kwargs,
    )


def build_app(
    api: QuizApi,
    settings: Settings,
    client: AsyncWebClient,
    installs: Installations | None = None,
) -> AsyncApp:
    """The Bolt app with every listener; signatures are verified when a secret is set.

    With SLACK_CLIENT_ID (and `installs`) Bolt runs the OAuth flow and authorizes every
    request with its workspace's installation; uninstalls and revoked tokens remove it.
    """
    secret = settings.slack_signing_secret
    distributed = settings.slack_oauth and installs is not None
    app = AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        request_verification_enabled=secret is not None,
        oauth_settings=oauth_settings(settings, installs) if distributed and installs else None,
        logger=logging.getLogger("adapters.slack.bolt"),
    )
    if distributed:
        app.enable_token_revocation_listeners()
    admin_ids = settings.slack_admin_ids
    if distributed and admin_ids:
        # User ids name people in one workspace: each workspace picks its own drop admins.
        logger.warning("SLACK_DROP_ADMINS is ignored when installing into many workspaces")
        admin_ids = set()
    inbound = SlackInbound(api, admin_ids)
    app.command(COMMAND)(inbound.on_command)
    app.action(re.compile(rf"^{re.escape(render.CHOICE)}\."))(inbound.on_choice)
    app.action(render.TYPED)(inbound.on_typed)
    app.action(render.REVEAL)(inbound.on_reveal)
    app.action(re.compile(rf"^{re.escape(render.RATE)}\."))(inbound.on_rate)
    app.action(render.NEXT)(inbound.on_next)
    app.action(render.SOURCES)(inbound.on_sources)
    app.action(render.MORE)(inbound.on_more)
    app.action(render.HINT)(inbound.on_hint)
    app.action(render.FLAG)(inbound.on_flag)
    app.view(render.ANSWER_MODAL)(inbound.on_view)
    app.event("app_home_opened")(inbound.on_home)
    return app


def http_app(app: AsyncApp, signing_secret: str) -> web.Application:
    """aiohttp routes: POST /slack/events (401 bad signature, 400 malformed), GET /healthz,
    and the OAuth install and redirect pages when distributed."""

    async def events(request: web.Request) -> web.Response:
        body = await read_signed(request, signing_secret)
        if isinstance(body, Rejection):
            logger.warning("slack request rejected (%s): %s", body.status, body.reason)
            return web.Response(status=body.status, text="request rejected")
        try:
            bolt_request = AsyncBoltRequest(
                body=body,
                query=request.query_string,
                headers=dict[str, str | Sequence[str]](request.headers),
            )
        except Exception:  # Bolt parses while building the request: bad JSON, a list, ...
            logger.warning("slack request rejected (400): body does not parse")
            return web.Response(status=400, text="malformed payload")
        problem = payload_problem(bolt_request.body)
        if problem:
            logger.warning("slack request rejected (400): %s", problem)
            return web.Response(status=400, text="malformed payload")
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = web.Application()
    web_app.add_routes([web.post(EVENTS_PATH, events), web.get("/healthz", health)])
    web_app.add_routes(oauth_routes(app))
    return web_app


def attach_publisher(runtime: HasService, publisher: SlackPublisher) -> None:
    """Hand the publisher to the drop service so scheduled drops post to Slack."""
    if runtime.drops is None:
        logger.warning("no drop service to register with; Slack drops will not be posted")
        return
    runtime.drops.add_publisher(publisher)
    logger.info("slack: drop publisher registered")


@dataclass
class RunningSlack:
    """A started transport; `port` is the bound HTTP port (None in Socket Mode)."""

    app: AsyncApp
    publisher: SlackPublisher
    port: int | None
    _close: Callable[[], Awaitable[None]]

    async def aclose(self) -> None:
        await self._close()


def _prepare(runtime: HasService, settings: Settings) -> tuple[AsyncApp, SlackPublisher]:
    client = build_client(settings)
    installs = runtime.installs if settings.slack_oauth else None
    app = build_app(runtime.service, settings, client, installs)
    publisher = SlackPublisher(SlackClients(client, installs))
    attach_publisher(runtime, publisher)
    return app, publisher


async def start_slack_http(
    runtime: HasService, settings: Settings, port: int, host: str = "0.0.0.0"
) -> RunningSlack:
    """Serve the app over HTTP on `port` (0 picks a free one) and return at once."""
    if settings.slack_signing_secret is None:
        raise SlackConfigError("Set SLACK_SIGNING_SECRET to run the Slack app in HTTP mode.")
    app, publisher = _prepare(runtime, settings)
    # Undecoded bytes: the signature covers them, and Slack never compresses a request.
    runner = web.AppRunner(
        http_app(app, settings.slack_signing_secret.get_secret_value()), auto_decompress=False
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    logger.info("slack HTTP mode listening on %s:%s%s", host, bound, EVENTS_PATH)
    return RunningSlack(app, publisher, int(bound), runner.cleanup)


async def start_slack_socket(runtime: HasService, settings: Settings) -> RunningSlack:
    """Connect over Socket Mode with SLACK_APP_TOKEN and return once the socket is open."""
    if settings.slack_app_token is None:
        raise SlackConfigError("Set SLACK_APP_TOKEN to run the Slack app in Socket Mode.")
    if settings.slack_oauth:
        raise SlackConfigError("Installing into many workspaces (SLACK_CLIENT_ID) needs HTTP mode.")
    app, publisher = _prepare(runtime, settings)
    handler = AsyncSocketModeHandler(
        app, settings.slack_app_token.get_secret_value(), web_client=app.client
    )
    await handler.connect_async()
    logger.info("slack Socket Mode connected")
    return RunningSlack(app, publisher, None, handler.close_async)


async def _serve_forever(running: RunningSlack) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        await running.aclose()


async def run_slack_http(
    runtime: HasService, settings: Settings, port: int, host: str = "0.0.0.0"
) -> None:
    """`cnnquiz run slack --http --port N`: serve until cancelled."""
    await _serve_forever(await start_slack_http(runtime, settings, port, host))


async def run_slack_socket(runtime: HasService, settings: Settings) -> None:
    """`cnnquiz run slack` with SLACK_APP_TOKEN: stay connected until cancelled."""
    await _serve_forever(await start_slack_socket(runtime, settings))
