"""What each channel's next drop is chosen from: recent question keys and mastery sums."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from quizbot.storage.models import Answer, Mastery
from quizbot.storage.repos._sql import table_of
from quizbot.storage.repos.drops import Channel, drops, in_channels

mastery = table_of(Mastery)
answers = table_of(Answer)


@dataclass(frozen=True, slots=True)
class MasterySums:
    """Summed p_known per concept over `players` players (a channel's or a workspace's)."""

    players: int
    sums: dict[str, tuple[float, int]]  # concept -> (sum of p_known, players with a row)

    def average(self, default: float) -> dict[str, float]:
        """Per-concept mean over all `players`; a player without a row counts `default`."""
        if self.players <= 0:
            return {}
        n = self.players
        return {c: (total + default * (n - rows)) / n for c, (total, rows) in self.sums.items()}


class DropInputRepo:
    """Grouped reads over many channels at once (one set of queries per sweep)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def recent_keys_many(
        self, channels: Iterable[Channel], since: datetime
    ) -> dict[Channel, dict[str, date]]:
        """Question keys dropped in each channel since `since`, with their last local date."""
        wanted = set(channels)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(
                drops.c.workspace_id, drops.c.channel_id, drops.c.question_key, drops.c.local_date
            ).where(
                in_channels(wanted),
                drops.c.due_at >= since,
                drops.c.question_key.is_not(None),
            )
        )
        out: dict[Channel, dict[str, date]] = {k: {} for k in wanted}
        for ws, channel, key, day in rows:
            seen = out.get((ws, channel))
            if seen is not None:
                seen[key] = max(day, seen.get(key, day))
        return out

    def channel_mastery_many(
        self, channels: Iterable[Channel], since: datetime
    ) -> dict[Channel, MasterySums]:
        """Each channel's mastery sums over the players who answered its drops since `since`.

        A channel nobody answered in yet gets its workspace's sums over every player with a
        mastery row. Three grouped queries per call, whatever the number of channels.
        """
        wanted = set(channels)
        if not wanted:
            return {}
        # Drops reach their answers through drops.ask_id (answers are keyed by ask): no scan
        # of asks, whatever the planner statistics say.
        who = (
            select(drops.c.workspace_id, drops.c.channel_id, answers.c.player_id)
            .distinct()
            .select_from(drops.join(answers, answers.c.ask_id == drops.c.ask_id))
            .where(in_channels(wanted), drops.c.due_at >= since)
            .subquery()
        )
        players: dict[Channel, int] = {}
        for ws, channel, n in self.session.execute(
            select(who.c.workspace_id, who.c.channel_id, func.count()).group_by(
                who.c.workspace_id, who.c.channel_id
            )
        ):
            if (ws, channel) in wanted:
                players[ws, channel] = n
        sums: dict[Channel, dict[str, tuple[float, int]]] = {k: {} for k in players}
        if players:
            rows = self.session.execute(
                select(
                    who.c.workspace_id,
                    who.c.channel_id,
                    mastery.c.concept_id,
                    func.sum(mastery.c.p_known),
                    func.count(),
                )
                .select_from(
                    who.join(
                        mastery,
                        and_(
                            mastery.c.player_id == who.c.player_id,
                            mastery.c.workspace_id == who.c.workspace_id,
                        ),
                    )
                )
                .group_by(who.c.workspace_id, who.c.channel_id, mastery.c.concept_id)
            )
            for ws, channel, concept, total, n in rows:
                if (ws, channel) in sums:
                    sums[ws, channel][concept] = (float(total), int(n))
        out = {k: MasterySums(players[k], sums[k]) for k in players}
        fallback = {w for w, c in wanted if (w, c) not in players}
        for ws, whole in self._workspace_sums(fallback).items():
            for w, c in wanted:
                if w == ws and (w, c) not in out:
                    out[w, c] = whole
        return {k: out.get(k, MasterySums(0, {})) for k in wanted}

    def _workspace_sums(self, workspace_ids: set[int]) -> dict[int, MasterySums]:
        if not workspace_ids:
            return {}
        scope = mastery.c.workspace_id.in_(workspace_ids)
        counts: dict[int, int] = dict(
            self.session.execute(  # type: ignore[arg-type]
                select(mastery.c.workspace_id, func.count(mastery.c.player_id.distinct()))
                .where(scope)
                .group_by(mastery.c.workspace_id)
            ).all()
        )
        sums: dict[int, dict[str, tuple[float, int]]] = {w: {} for w in counts}
        for ws, concept, total, n in self.session.execute(
            select(
                mastery.c.workspace_id,
                mastery.c.concept_id,
                func.sum(mastery.c.p_known),
                func.count(),
            )
            .where(scope)
            .group_by(mastery.c.workspace_id, mastery.c.concept_id)
        ):
            sums[ws][concept] = (float(total), int(n))
        return {w: MasterySums(int(counts[w]), sums[w]) for w in counts}
