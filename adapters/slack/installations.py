"""slack_sdk's installation and OAuth-state store interfaces over the engine's database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from quizbot.installs import InstallationRec, Installations

logger = logging.getLogger(__name__)

PLATFORM = "slack"


def workspace_key(enterprise_id: str | None, team_id: str | None) -> str:
    """The workspace an installation belongs to: the team (the org for org-wide installs)."""
    return team_id or enterprise_id or ""


def _scopes(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ",".join(str(s) for s in value)
    return ""


class SlackInstallationStore(AsyncInstallationStore):
    """Bot installations only: one per workspace, the token every call there uses."""

    def __init__(self, installs: Installations) -> None:
        self._installs = installs

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_save(self, installation: Installation) -> None:
        if not installation.bot_token:
            raise ValueError("an installation without a bot token")
        await self._installs.save(_record(installation.to_bot(), installation.user_id))

    async def async_save_bot(self, bot: Bot) -> None:
        await self._installs.save(_record(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        rec = await self._installs.find(PLATFORM, workspace_key(enterprise_id, team_id))
        if rec is None:
            return None
        return Bot(
            app_id=rec.app_id,
            enterprise_id=rec.enterprise_id,
            team_id=rec.workspace,
            bot_token=rec.bot_token,
            bot_id=rec.bot_id or "",
            bot_user_id=rec.bot_user_id or "",
            bot_scopes=rec.bot_scopes,
            installed_at=(rec.installed_at or datetime.now(UTC)).timestamp(),
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            user_id=user_id or "",
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._installs.remove(
            PLATFORM, workspace_key(enterprise_id, team_id), "bot token revoked"
        )

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """User tokens are never stored (bot-only installs): nothing to delete."""

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._installs.remove(
            PLATFORM, workspace_key(enterprise_id, team_id), "app uninstalled"
        )


class SlackStateStore(AsyncOAuthStateStore):
    """OAuth states in the database: any web process can finish an install another began."""

    def __init__(self, installs: Installations, expiration_seconds: int = 600) -> None:
        self._installs = installs
        self._ttl = timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        return await self._installs.issue_state(self._ttl)

    async def async_consume(self, state: str) -> bool:
        ok = await self._installs.consume_state(state)
        if not ok:
            logger.warning("slack install refused: unknown, expired or reused OAuth state")
        return ok


def _record(bot: Bot, installer_id: str | None = None) -> InstallationRec:
    """A bot installation as we store it (bot-only: user tokens are never kept)."""
    return InstallationRec(
        platform=PLATFORM,
        workspace=workspace_key(bot.enterprise_id, bot.team_id),
        bot_token=bot.bot_token,
        installed_at=datetime.fromtimestamp(bot.installed_at, UTC),
        enterprise_id=bot.enterprise_id,
        app_id=bot.app_id,
        bot_id=bot.bot_id,
        bot_user_id=bot.bot_user_id,
        bot_scopes=_scopes(bot.bot_scopes),
        installer_id=installer_id,
    )
