"""Typed settings read once from the environment (and an optional .env file)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(user_data_dir("cnnquiz", appauthor=False))


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{default_data_dir() / 'cnnquiz.db'}"


class Settings(BaseSettings):
    """Everything configurable. Secrets are SecretStr so they never print by accident."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    data_dir: Path = Field(default_factory=default_data_dir)
    log_level: str = "INFO"

    discord_token: SecretStr | None = None
    discord_guild_ids: str = ""  # comma separated, for fast command sync while developing
    # Sharding: the total shard count, and the ids this process runs ("0,1" or "0-3").
    discord_shard_count: int | None = None
    discord_shard_ids: str = ""

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    slack_drop_admins: str = ""  # comma separated Slack user ids allowed to set drops
    # Distribution: install into any workspace through OAuth (HTTP mode); tokens live in the DB.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_redirect_uri: str | None = None  # only when Slack must be told it explicitly

    drop_grace_minutes: int = 120
    packs_dir: Path | None = None  # your own question packs (*.yaml), beside the shipped ones

    @property
    def guild_ids(self) -> list[int]:
        return [int(x) for x in self.discord_guild_ids.replace(" ", "").split(",") if x]

    @property
    def slack_admin_ids(self) -> set[str]:
        return {x.strip() for x in self.slack_drop_admins.split(",") if x.strip()}

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None

    @property
    def slack_oauth(self) -> bool:
        """Distributed: each workspace's token comes from its installation, not the env."""
        return bool(self.slack_client_id) and self.slack_client_secret is not None

    @property
    def slack_configured(self) -> bool:
        if self.slack_oauth:
            return self.slack_signing_secret is not None
        return self.slack_bot_token is not None and (
            self.slack_app_token is not None or self.slack_signing_secret is not None
        )
