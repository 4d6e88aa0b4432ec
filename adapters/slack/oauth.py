"""Distribution: Bolt's OAuth flow on the HTTP app, and a Web API client per installed workspace."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import PLATFORM, SlackInstallationStore, SlackStateStore
from quizbot.installs import Installations
from quizbot.settings import Settings

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_TTL_S = 600
# The bot scopes an install asks for; the manifest declares the same list (a test checks).
# The mastery map goes to the player's DM as a file upload (files:write, im:write).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "files:write",
    "im:write",
)


class NotInstalled(RuntimeError):
    """The app is not (or no longer) installed in the workspace a call is for."""


def oauth_settings(settings: Settings, installs: Installations) -> AsyncOAuthSettings:
    """Bolt's OAuth settings: bot-only installs and single-use states, both in our database."""
    assert settings.slack_client_id and settings.slack_client_secret is not None
    authorize_url = None
    if settings.slack_api_url:  # a local Slack (tests) also serves the consent page
        site = settings.slack_api_url.rstrip("/").removesuffix("/api")
        authorize_url = f"{site}/oauth/v2/authorize"
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorize_url,
        installation_store=SlackInstallationStore(installs),
        installation_store_bot_only=True,
        state_store=SlackStateStore(installs, STATE_TTL_S),
        state_expiration_seconds=STATE_TTL_S,
        logger=logging.getLogger("adapters.slack.bolt.oauth"),
    )


def oauth_routes(app: AsyncApp) -> list[web.RouteDef]:
    """GET /slack/install (the Add to Slack page) and GET /slack/oauth_redirect (the callback)."""
    flow = app.oauth_flow
    if flow is None:
        return []

    def bolt_request(request: web.Request) -> AsyncBoltRequest:
        return AsyncBoltRequest(
            body="",
            query=request.query_string,
            headers=dict[str, str | Sequence[str]](request.headers),
        )

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_installation(bolt_request(request)))

    async def callback(request: web.Request) -> web.Response:
        response = await flow.handle_callback(bolt_request(request))
        if response.status != 200:
            logger.warning("slack install failed with status %s", response.status)
        return await to_aiohttp_response(response)

    return [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, callback)]


class SlackClients:
    """The Web API client for a workspace: its installation's token, or the one SLACK_BOT_TOKEN.

    Args:
        base: the shared client (API URL, retries); in single-token mode it is used as is.
        installs: installations per workspace when distributed, else None.
    """

    def __init__(self, base: AsyncWebClient, installs: Installations | None) -> None:
        self._base = base
        self._installs = installs

    async def for_workspace(self, workspace: str) -> AsyncWebClient:
        if self._installs is None:
            return self._base
        found = await self._installs.find(PLATFORM, workspace)
        if found is None:
            raise NotInstalled(f"cnnquiz is not installed in Slack workspace {workspace}")
        # Cheap to build (no connection of its own); a fresh read sees a reinstall's new token.
        return AsyncWebClient(
            token=found.bot_token,
            base_url=self._base.base_url,
            retry_handlers=self._base.retry_handlers,
            session=self._base.session,  # the base client's connection pool, when it has one
        )
