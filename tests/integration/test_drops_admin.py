"""Admins set, change, pause and list drop schedules; the runner's jobs follow the database."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from quizbot.api import ScheduleInfo
from quizbot.drops.runner import SWEEP_ID, DropRunner
from quizbot.drops.service import DropService
from quizbot.drops.tables import DropStatus
from quizbot.errors import InvalidInput, NotAllowed
from tests.backends import SQLITE_ONLY
from tests.unit.drops.fakes import ADMIN, FakePublisher, drop_env, drop_rows

START = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # Monday 07:00 in Berlin


@SQLITE_ONLY
async def test_non_admin_is_refused_politely(migrated_database_url: str) -> None:
    member = replace(ADMIN, user_id="member-1", is_admin=False)
    async with drop_env(migrated_database_url, START) as env:
        for call in (
            env.service.drop_set(member, "general", "09:00", "Europe/Berlin"),
            env.service.drop_off(member, "general"),
            env.service.drop_now(member, "general"),
            env.service.drop_list(member),
        ):
            with pytest.raises(NotAllowed) as err:
                await call
            assert "only workspace admins" in err.value.message


@SQLITE_ONLY
async def test_invalid_time_and_timezone_errors_carry_examples(migrated_database_url: str) -> None:
    async with drop_env(migrated_database_url, START) as env:
        with pytest.raises(InvalidInput) as bad_time:
            await env.service.drop_set(ADMIN, "general", "25:00", "Europe/Berlin")
        with pytest.raises(InvalidInput) as bad_zone:
            await env.service.drop_set(ADMIN, "general", "09:00", "Berlin")
        assert await env.service.drop_list(ADMIN) == ()
    assert "e.g. 09:30" in bad_time.value.message
    assert "Europe/Berlin" in bad_zone.value.message


async def test_set_change_pause_and_list(migrated_database_url: str) -> None:
    async with drop_env(migrated_database_url, START) as env:
        notice = await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        await env.service.drop_set(ADMIN, "random", "8:15", "America/New_York", "mon,wed", "90m")
        await env.service.drop_set(ADMIN, "general", "10:30", "Europe/Berlin", "daily", "next")
        paused = await env.service.drop_off(ADMIN, "random")
        listed = await env.service.drop_list(ADMIN)
        again = await env.service.drop_off(ADMIN, "random")
        other = replace(ADMIN, workspace="guild-2")
        elsewhere = await env.service.drop_list(other)
    assert "09:00 Europe/Berlin" in notice.text and "after 4 h" in notice.text
    assert notice.details == ("Next drop: Mon 23 Nov at 09:00 Europe/Berlin.",)
    assert "Paused" in paused.text and "nothing to pause" in again.text
    assert listed == (
        ScheduleInfo("general", "10:30", "Europe/Berlin", (0, 1, 2, 3, 4, 5, 6), None, True),
        ScheduleInfo("random", "08:15", "America/New_York", (0, 2), 90, False),
    )
    assert elsewhere == ()


@SQLITE_ONLY
async def test_drop_now_without_a_schedule_explains_how(migrated_database_url: str) -> None:
    async with drop_env(migrated_database_url, START) as env:
        with pytest.raises(InvalidInput) as err:
            await env.service.drop_now(ADMIN, "general")
    assert "drop set 09:30 Europe/Berlin" in err.value.message


async def test_runner_jobs_are_rebuilt_from_the_database_on_every_change(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, START) as env:
        runner = DropRunner(env.service)
        runner.scheduler.start(paused=True)
        try:
            await runner.rebuild()
            assert runner.scheduler.get_jobs() == []
            await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
            await env.service.drop_set(ADMIN, "random", "09:00", "Asia/Tokyo", "weekends")
            jobs = {j.id: j for j in runner.scheduler.get_jobs()}
            assert len(jobs) == 2
            times = sorted(j.trigger.get_next_fire_time(None, START) for j in jobs.values())
            assert times == [
                datetime(2026, 11, 23, 8, 0, tzinfo=UTC),  # Monday 09:00 Berlin
                datetime(2026, 11, 28, 0, 0, tzinfo=UTC),  # Saturday 09:00 Tokyo
            ]
            await env.service.drop_off(ADMIN)
            assert runner.scheduler.get_jobs() == []
        finally:
            runner.stop()


async def test_runner_start_catches_up_a_missed_drop_at_once(migrated_database_url: str) -> None:
    async with drop_env(migrated_database_url, START) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = datetime(2026, 11, 23, 8, 20, tzinfo=UTC)  # 09:20 Berlin: back up
        runner = DropRunner(env.service)
        await runner.start()
        try:
            # Jobs come from the database at start-up: the sweep plus one per schedule.
            kinds = sorted(j.id.split(":")[0] for j in runner.scheduler.get_jobs())
            assert kinds == ["drop", "drops"]
            for _ in range(500):  # the start-up sweep runs on the loop right away
                rows = await drop_rows(env)
                if rows and rows[0].status == DropStatus.POSTED:
                    break
                await asyncio.sleep(0.01)
        finally:
            runner.stop()
    assert [r.status for r in rows] == [DropStatus.POSTED]
    assert len(env.publisher.drops) == 1


async def test_a_platform_that_connects_later_gets_its_jobs(migrated_database_url: str) -> None:
    async with drop_env(migrated_database_url, START) as env:
        slack_admin = replace(ADMIN, platform="slack")
        await env.service.drop_set(slack_admin, "C1", "09:00", "Europe/Berlin")
        runner = DropRunner(env.service)
        runner.scheduler.start(paused=True)
        try:
            await runner.rebuild()
            assert runner.scheduler.get_jobs() == []  # no Slack client yet: nothing to post with
            env.service.add_publisher(FakePublisher(platform="slack"))
            for _ in range(200):
                if runner.scheduler.get_jobs():
                    break
                await asyncio.sleep(0.01)
            assert [j.id.split(":")[0] for j in runner.scheduler.get_jobs()] == ["drop"]
        finally:
            runner.stop()


async def test_runner_picks_up_schedule_changes_made_by_another_process(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, START) as env:
        runner = DropRunner(env.service)
        runner.scheduler.start(paused=True)
        # `cnnquiz drop set` in a shell: its own service, nobody listening to its changes.
        cli = DropService(env.service.store, env.service.bank, {}, env.clock)
        try:
            await runner.rebuild()
            await cli.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
            assert runner.scheduler.get_jobs() == []
            await runner.tick()  # the next sweep notices the database changed
            (job,) = runner.scheduler.get_jobs()
            assert job.trigger.get_next_fire_time(None, START) == datetime(
                2026, 11, 23, 8, 0, tzinfo=UTC
            )
            await cli.drop_set(ADMIN, "general", "10:30", "Europe/Berlin")
            await runner.tick()
            (job,) = runner.scheduler.get_jobs()
            assert job.trigger.get_next_fire_time(None, START) == datetime(
                2026, 11, 23, 9, 30, tzinfo=UTC
            )
            await cli.drop_off(ADMIN, "general")
            await runner.tick()
            assert runner.scheduler.get_jobs() == []
        finally:
            runner.stop()


async def test_a_drop_waiting_for_its_platform_posts_as_soon_as_it_connects(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, START) as env:
        await env.service.drop_set(replace(ADMIN, platform="slack"), "C1", "09:00", "Europe/Berlin")
        env.clock.now = datetime(2026, 11, 23, 8, 20, tzinfo=UTC)  # 09:20 Berlin: due, in grace
        runner = DropRunner(env.service, sweep_seconds=3600)
        await runner.start()
        slack = FakePublisher(platform="slack")
        try:
            # Let the start-up sweep run: no Slack client yet, so nothing can be posted.
            sweep = runner.scheduler.get_job(SWEEP_ID)
            for _ in range(300):
                if sweep.next_run_time > datetime.now(UTC) + timedelta(minutes=30):
                    break
                await asyncio.sleep(0.01)
            async with runner._lock:  # the sweep has finished
                pass
            assert slack.drops == []
            env.service.add_publisher(slack)
            for _ in range(300):  # well before the next hourly sweep
                if slack.drops:
                    break
                await asyncio.sleep(0.01)
        finally:
            await runner.aclose()
    assert [channel.channel_id for channel, _ in slack.drops] == ["C1"]
