"""Distribution: workspaces install through OAuth, each runs on its own token and data."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.slack.app import RunningSlack, start_slack_http
from quizbot.bootstrap import Runtime, bootstrap
from quizbot.drops import pacing
from quizbot.settings import Settings
from tests.e2e.slack.bank import e2e_bank
from tests.e2e.slack.conftest import (
    ADMIN_ID,
    OWNER_ID,
    SECRET,
    FixedClock,
    SlackDriver,
    block_texts,
    choice_button,
    load_payload,
)
from tests.e2e.slack.fake_slack import FakeSlack

TEAMS = ("TALPHA", "TBETA")


@pytest.fixture
def oauth_settings(fake_slack: FakeSlack, tmp_path: Path, migrated_database_url: str) -> Settings:
    """Distributed: client id and secret, no SLACK_BOT_TOKEN; SLACK_DROP_ADMINS is ignored."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=migrated_database_url,
        data_dir=tmp_path,
        slack_client_id=fake_slack.client_id,
        slack_client_secret=SecretStr(fake_slack.client_secret),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake_slack.api_url,
        slack_drop_admins=ADMIN_ID,
    )


@pytest.fixture
async def oauth_runtime(oauth_settings: Settings, clock: FixedClock) -> AsyncIterator[Runtime]:
    rt = await bootstrap(oauth_settings, bank=e2e_bank(), clock=clock)
    try:
        yield rt
    finally:
        await rt.aclose()


class Installer:
    """A browser going through /slack/install, Slack's consent page and the redirect."""

    def __init__(self, base: str, fake: FakeSlack, session: aiohttp.ClientSession) -> None:
        self.base, self.fake, self.session = base, fake, session

    async def start(self) -> str:
        """Open the install page; return the state its Add to Slack link carries."""
        async with self.session.get(f"{self.base}/slack/install") as resp:
            assert resp.status == 200
            page = await resp.text()
            assert "slack-app-oauth-state=" in resp.headers["Set-Cookie"]
        link = re.search(r'href="([^"]+oauth/v2/authorize[^"]+)"', page)
        assert link, page
        query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
        assert query["client_id"] == [self.fake.client_id]
        assert "chat:write" in query["scope"][0].split(",")
        return query["state"][0]

    async def finish(self, state: str, code: str, cookie: str | None = None) -> int:
        """Slack redirects the browser back with `code` and `state` (and its state cookie)."""
        headers = {"Cookie": f"slack-app-oauth-state={state if cookie is None else cookie}"}
        url = f"{self.base}/slack/oauth_redirect"
        async with self.session.get(
            url, params={"code": code, "state": state}, headers=headers
        ) as resp:
            return resp.status

    async def install(self, team: str) -> None:
        assert await self.finish(await self.start(), self.fake.grant(team)) == 200


@pytest.fixture
async def web(
    oauth_runtime: Runtime, oauth_settings: Settings, fake_slack: FakeSlack
) -> AsyncIterator[tuple[SlackDriver, Installer]]:
    running: RunningSlack = await start_slack_http(oauth_runtime, oauth_settings, 0, "127.0.0.1")
    base = f"http://127.0.0.1:{running.port}"
    try:
        async with aiohttp.ClientSession() as session:
            yield (
                SlackDriver(f"{base}/slack/events", fake_slack, session),
                Installer(base, fake_slack, session),
            )
    finally:
        await running.aclose()


async def _text(driver: SlackDriver, command: str, user: str, team: str) -> str:
    reply = await driver.reply(await driver.command(command, user=user, name=user, team=team))
    return block_texts(reply["blocks"])


async def _play(driver: SlackDriver, user: str, team: str) -> None:
    card = await driver.reply(await driver.command("resnet", user=user, name=user, team=team))
    await driver.reply(
        await driver.click(choice_button(card["blocks"], right=True), user, user, team)
    )


def _uninstalled(team: str) -> dict[str, object]:
    event = load_payload("app_home_opened.json")
    event["team_id"] = team
    event["event"] = {"type": "app_uninstalled", "event_ts": "1700000009.000100"}
    event["event_id"] = f"Ev-{team}-gone"
    event["authorizations"][0]["team_id"] = team
    return event


async def test_two_workspaces_each_use_their_token_and_see_only_their_own(
    web: tuple[SlackDriver, Installer], fake_slack: FakeSlack
) -> None:
    driver, installer = web
    for team in TEAMS:
        await installer.install(team)
    alpha, beta = TEAMS
    await _play(driver, "UALICE", alpha)
    await _play(driver, "UBOB", beta)

    assert "created" in await _text(driver, "team create Gradients", "UALICE", alpha)
    assert "Gradients" not in await _text(driver, "team list", "UBOB", beta)
    home = load_payload("app_home_opened.json")
    home["team_id"] = home["authorizations"][0]["team_id"] = beta
    home["event"]["user"] = "UBOB"
    assert (await driver.event(home))[0] == 200
    (published,) = await fake_slack.wait_calls("views.publish")
    assert published.token == fake_slack.token_of(beta)

    alpha_board = await _text(driver, "leaderboard", "UALICE", alpha)
    beta_board = await _text(driver, "leaderboard", "UBOB", beta)
    assert "UALICE" in alpha_board and "UBOB" not in alpha_board
    assert "UBOB" in beta_board and "UALICE" not in beta_board

    for team in TEAMS:
        assert "Posted" in (
            await _text(driver, f"drop set 09:00 UTC <#C{team}>", OWNER_ID, team)
            and await _text(driver, f"drop now <#C{team}>", OWNER_ID, team)
        )
    posts = fake_slack.calls_to("chat.postMessage")
    assert sorted(p.token for p in posts) == sorted(fake_slack.token_of(t) for t in TEAMS)
    lookups = fake_slack.calls_to("users.info")
    assert {c.token for c in lookups} == {fake_slack.token_of(t) for t in TEAMS}


async def test_uninstall_pauses_that_workspaces_drops_until_reinstall(
    web: tuple[SlackDriver, Installer],
    fake_slack: FakeSlack,
    oauth_runtime: Runtime,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not a pacing test: the per-channel second between a drop and its reveal is waived.
    monkeypatch.setitem(pacing.PLATFORM_LIMITS, "slack", pacing.PlatformLimits(None, None))
    driver, installer = web
    alpha, beta = TEAMS
    drops, installs = oauth_runtime.drops, oauth_runtime.installs
    assert drops is not None and installs is not None
    for team in TEAMS:
        await installer.install(team)
        notice = await _text(driver, f"drop set 12:30 UTC days=daily <#C{team}>", OWNER_ID, team)
        assert ":warning:" not in notice
    clock.now += timedelta(minutes=30, seconds=10)
    assert len((await drops.post_due()).posted) == 2

    fake_slack.uninstall(alpha)
    status, _ = await driver.event(_uninstalled(alpha))
    assert status == 200

    def logged() -> bool:
        return any("app uninstalled" in r.getMessage() for r in caplog.records)

    for _ in range(500):  # Bolt runs event listeners after acknowledging (the log line last)
        if await installs.find("slack", alpha) is None and logged():
            break
        await asyncio.sleep(0.01)
    assert await installs.find("slack", alpha) is None
    assert logged()

    # Beta's reveal and next drop go out; alpha's wait (no errors, no calls with its token).
    clock.now += timedelta(hours=4)
    assert len(await drops.reveal_due()) == 1
    clock.now += timedelta(hours=20)
    assert len((await drops.post_due()).posted) == 1
    tokens = [p.token for p in fake_slack.calls_to("chat.postMessage")]
    assert len(tokens) == 4 and tokens.count(fake_slack.token_of(beta)) == 3
    assert not [r for r in caplog.records if r.levelname == "ERROR"]

    # Reinstalling resumes alpha: its reveal, then its next drop, with the new token.
    await installer.install(alpha)
    assert len(await drops.reveal_due()) == 1
    clock.now += timedelta(days=1)
    await drops.post_due()
    tokens = [p.token for p in fake_slack.calls_to("chat.postMessage")]
    assert tokens.count(fake_slack.token_of(alpha)) == 2


async def test_revoked_bot_token_removes_the_installation(
    web: tuple[SlackDriver, Installer], oauth_runtime: Runtime
) -> None:
    driver, installer = web
    alpha, beta = TEAMS
    for team in TEAMS:
        await installer.install(team)
    event = _uninstalled(alpha)
    event["event"] = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    status, _ = await driver.event(event)
    assert status == 200
    installs = oauth_runtime.installs
    assert installs is not None
    for _ in range(500):  # Bolt runs event listeners after acknowledging
        if await installs.find("slack", alpha) is None:
            break
        await asyncio.sleep(0.01)
    refused = await driver.reply(await driver.command("stats", "UALICE", "alice", team=alpha))
    assert "reinstall" in refused["text"].lower()
    assert await installs.find("slack", beta) is not None


async def test_forged_replayed_or_cookieless_states_install_nothing(
    web: tuple[SlackDriver, Installer], fake_slack: FakeSlack
) -> None:
    driver, installer = web
    forged = "f" * 43
    assert await installer.finish(forged, fake_slack.grant("TEVIL")) == 401
    state = await installer.start()
    assert await installer.finish(state, fake_slack.grant("TEVIL"), cookie="other") == 400
    assert await installer.finish(state, fake_slack.grant("TALPHA")) == 200
    assert await installer.finish(state, fake_slack.grant("TEVIL")) == 401  # replayed
    assert "TEVIL" not in fake_slack.tokens.values()

    # A workspace that never installed is told to reinstall; the installed one plays.
    refused = await driver.reply(await driver.command("resnet", "UEVE", "eve", team="TEVIL"))
    assert "reinstall" in refused["text"].lower()
    card = await driver.reply(await driver.command("resnet", "UALICE", "alice", team="TALPHA"))
    assert choice_button(card["blocks"], right=True)


async def test_each_workspace_chooses_its_own_drop_admins(
    web: tuple[SlackDriver, Installer], fake_slack: FakeSlack
) -> None:
    driver, installer = web
    alpha, beta = TEAMS
    for team in TEAMS:
        await installer.install(team)
    # SLACK_DROP_ADMINS names people of one workspace: a distributed app ignores it.
    assert "only workspace admins" in await _text(driver, "drop list", ADMIN_ID, alpha)

    member = "<@U0002|bob>"
    refused = await _text(driver, f"drop admins add {member}", "U0002", alpha)
    assert "only workspace admins and owners" in refused
    added = await _text(driver, f"drop admins add {member}", OWNER_ID, alpha)
    assert "<@U0002> can now manage daily drops" in added
    assert "<@U0002>" in await _text(driver, "drop admins", "U0002", alpha)

    notice = await _text(driver, "drop set 09:00 UTC", "U0002", alpha)
    assert ":warning:" not in notice and "09:00 UTC" in notice
    assert "only workspace admins" in await _text(driver, "drop set 09:00 UTC", "U0002", beta)
    assert "No drop admins chosen yet" in await _text(driver, "drop admins", OWNER_ID, beta)
