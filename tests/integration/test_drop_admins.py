"""Drop admins per workspace: chosen by its admins, trusted with drops there and nowhere else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from quizbot.errors import InvalidInput, NotAllowed
from quizbot.service import QuizService
from tests.unit.drops.fakes import ADMIN, drop_env

START = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
MEMBER = replace(ADMIN, user_id="member-1", display_name="Max", is_admin=False)


async def test_admins_choose_drop_admins_who_then_manage_drops(migrated_database_url: str) -> None:
    async with drop_env(migrated_database_url, START) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock, drops=env.service)
        with pytest.raises(NotAllowed):
            await quiz.drop_set(MEMBER, "general", "09:00", "Europe/Berlin")

        added = await quiz.drop_admin_add(ADMIN, MEMBER.user_id)
        again = await quiz.drop_admin_add(ADMIN, MEMBER.user_id)
        notice = await quiz.drop_set(MEMBER, "general", "09:00", "Europe/Berlin")
        assert "<#general>" in notice.text
        assert [s.channel_id for s in await quiz.drop_list(MEMBER)] == ["general"]
        assert await quiz.drop_admins(MEMBER) == (MEMBER.user_id,)

        # The same user id in another workspace is nobody there.
        elsewhere = replace(MEMBER, workspace="guild-2")
        with pytest.raises(NotAllowed):
            await quiz.drop_list(elsewhere)
        assert await quiz.drop_admins(replace(ADMIN, workspace="guild-2")) == ()

        # A drop admin may not hand the right on; a workspace admin takes it back.
        with pytest.raises(NotAllowed) as refused:
            await quiz.drop_admin_add(MEMBER, "member-2")
        removed = await quiz.drop_admin_remove(ADMIN, MEMBER.user_id)
        with pytest.raises(NotAllowed):
            await quiz.drop_off(MEMBER, "general")
        absent = await quiz.drop_admin_remove(ADMIN, MEMBER.user_id)
    assert "can now manage" in added.text and "already" in again.text
    assert "workspace admins and owners" in refused.value.message
    assert "no longer" in removed.text and "nothing changed" in absent.text


@pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("bad", ["", "   ", "two people", "x" * 65])
async def test_bad_user_ids_are_refused_with_an_example(
    migrated_database_url: str, bad: str
) -> None:
    async with drop_env(migrated_database_url, START) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock, drops=env.service)
        with pytest.raises(InvalidInput) as err:
            await quiz.drop_admin_add(ADMIN, bad)
        assert await quiz.drop_admins(ADMIN) == ()
    assert "e.g. drop admins add @alex" in err.value.message
