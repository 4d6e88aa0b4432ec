"""Teams: create, join, leave and list the teams of a workspace; team name rules."""

from __future__ import annotations

from quizbot.errors import InvalidTeamName, QuizError
from quizbot.inputs import has_hidden, normal
from quizbot.replies import Notice, PlayerRef, TeamInfo, TeamList
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps

TEAM_NAME_MAX = 32
TEAM_KEY_MAX = 128  # the name_key column


def validate_team_name(name: str) -> tuple[str, str]:
    """The display name (NFKC, spaces collapsed) and its case-insensitive key, or InvalidTeamName.

    Limits apply after normalisation: "\ufdfa" is one character typed and 18 stored.
    """
    if has_hidden((name or "").strip()):
        raise InvalidTeamName("Team names cannot contain control or invisible characters.")
    clean = normal(name or "")
    if not clean:
        raise InvalidTeamName("A team name needs at least one visible character.")
    if len(clean) > TEAM_NAME_MAX:
        raise InvalidTeamName(f"Team names are at most {TEAM_NAME_MAX} characters.")
    key = normal(clean.casefold())
    if len(key) > TEAM_KEY_MAX:  # casefolding can lengthen a name ("ß" -> "ss")
        raise InvalidTeamName(f"Team names are at most {TEAM_NAME_MAX} characters.")
    return clean, key


class Teams:
    """A player is in at most one team; joining another leaves the first."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def create(self, who: PlayerRef, name: str) -> Notice:
        clean, key = validate_team_name(name)

        def work(ctx: Ctx) -> Notice:
            team = ctx.repos.teams.create(clean, key, ctx.now)
            if team is None:
                taken = ctx.repos.teams.by_key(key)
                raise InvalidTeamName(
                    f'There is already a team called "{taken.name if taken else clean}" here; '
                    "join it or pick another name."
                )
            left = ctx.repos.teams.membership(ctx.player_id)
            ctx.repos.teams.join(ctx.player_id, team.id, ctx.now)
            extra = (f'You left "{left.name}".',) if left else ()
            return Notice(f'Team "{clean}" created, and you are in it.', extra)

        return await self.deps.run(who, work)

    async def join(self, who: PlayerRef, name: str) -> Notice:
        clean, key = validate_team_name(name)

        def work(ctx: Ctx) -> Notice:
            team = ctx.repos.teams.by_key(key)
            if team is None:
                names = tuple(t.name for t in ctx.repos.teams.listing())[:5]
                raise InvalidTeamName(
                    f'There is no team called "{clean}" here: create it, or join an existing one.',
                    names,
                )
            left = ctx.repos.teams.membership(ctx.player_id)
            if left is not None and left.id == team.id:
                return Notice(f'You are already in "{team.name}".')
            ctx.repos.teams.join(ctx.player_id, team.id, ctx.now)
            extra = (f'You left "{left.name}".',) if left else ()
            return Notice(f'You joined "{team.name}".', extra)

        return await self.deps.run(who, work)

    async def leave(self, who: PlayerRef) -> Notice:
        def work(ctx: Ctx) -> Notice:
            team = ctx.repos.teams.membership(ctx.player_id)
            if team is None:
                raise QuizError("You are not in a team.")
            ctx.repos.teams.leave(ctx.player_id)
            return Notice(f'You left "{team.name}". Your points so far stay with it.')

        return await self.deps.run(who, work)

    async def listing(self, who: PlayerRef) -> TeamList:
        def work(ctx: Ctx) -> TeamList:
            teams = ctx.repos.teams.listing()
            mine = ctx.repos.teams.membership(ctx.player_id)
            return TeamList(
                teams=tuple(
                    TeamInfo(t.name, t.members, mine is not None and t.id == mine.id) for t in teams
                ),
                mine=mine.name if mine else None,
            )

        return await self.deps.read(who, work)
