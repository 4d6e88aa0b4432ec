"""Posting: find due drops, claim them in the database (the unique key decides), post, mark."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import date, datetime, timedelta

from quizbot.api import ChannelRef
from quizbot.asking.card import question_card
from quizbot.asking.spec import AskSpec
from quizbot.drops.choice import REPEAT_WINDOW_DAYS, build_drop_ask, choose_drop
from quizbot.drops.deps import DropDeps
from quizbot.drops.due import Claimed, ClaimLost, Due, Key, SweepReport, plan
from quizbot.drops.publishing import PublishFailed, publish
from quizbot.drops.reveal import drop_points
from quizbot.drops.schedule import reveal_time
from quizbot.drops.tables import DropStatus
from quizbot.mastery import DEFAULT_BKT
from quizbot.storage.records import AskRec
from quizbot.storage.repos.drop_inputs import MasterySums
from quizbot.storage.repos.drops import UNPOSTED, Channel, DropRec
from quizbot.storage.uow import Tx

logger = logging.getLogger(__name__)

CLAIM_CHUNK = 50  # drops claimed per transaction; posting starts after the first chunk

# Per channel: question keys dropped lately (with their day), and mastery sums.
# Recent keys and mastery per channel, and the keys with open reports per workspace.
Inputs = tuple[dict[Channel, dict[str, date]], dict[Channel, MasterySums], dict[int, set[str]]]


class DropPoster:
    def __init__(self, deps: DropDeps) -> None:
        self.deps = deps

    def _first_choice(self, due: Due, now: datetime) -> bool:
        """This process claims drops of its own workspaces (shards), others' once overdue."""
        publisher = self.deps.publishers[due.schedule.platform]
        return publisher.owns(due.schedule.workspace) or now - due.due_at >= self.deps.stale

    async def post_due(self) -> SweepReport:
        """Post every drop due now (or missed within the grace window); skip older ones."""
        deps, now, report = self.deps, self.deps.clock(), SweepReport()
        platforms = set(deps.publishers)

        def read(tx: Tx) -> tuple[dict[Key, Due], dict[Key, DropRec], list[DropRec]]:
            due = plan(tx.schedules.list(runnable_only=True), platforms, now)
            # Cards a dead worker began to send, whatever their age or schedule: finished.
            started = tx.drops.stale_posting(platforms, now - deps.stale)
            return due, tx.drops.drops_on(due.keys()), started

        due, existing, started = await deps.store.run(read, write=False)
        fresh: list[Due] = []
        late: list[Due] = []
        served: list[Due] = []
        stale = {row.id: row for row in started}
        for d in due.values():
            row = existing.get(d.key)
            if row is None:
                if now - d.due_at > deps.grace:
                    late.append(d)
                elif self._first_choice(d, now):
                    fresh.append(d)
                continue
            if d.requested:
                served.append(d)  # today's drop exists already
            if row.status in UNPOSTED and (row.claimed_at or now) <= now - deps.stale:
                stale[row.id] = row
        if late or served:
            await self._skip(late, served, now, report)
        deps.rng.shuffle(fresh)  # racing workers then mostly contend on different rows
        tasks = [asyncio.create_task(self._retake(row, now, report)) for row in stale.values()]
        inputs: Inputs = ({}, {}, {})
        if fresh:
            # What every channel's question is chosen from: grouped reads, once per sweep.
            since = min(d.due_at for d in fresh) - timedelta(days=REPEAT_WINDOW_DAYS)
            try:
                inputs = await self._inputs([d.channel for d in fresh], since)
            except Exception:
                logger.exception("reading %d channels' history failed; retried", len(fresh))
                report.failed += [str(d.key) for d in fresh]
                fresh = []
        for i in range(0, len(fresh), CLAIM_CHUNK):
            # Inserting in one global key order keeps racing transactions free of deadlocks.
            chunk = sorted(fresh[i : i + CLAIM_CHUNK], key=lambda d: d.key)
            try:
                won = await self._claim(chunk, now, inputs)
            except Exception:
                logger.exception("claiming %d drops failed; the next sweep retries", len(chunk))
                report.failed += [str(d.key) for d in chunk]
                continue
            tasks += [asyncio.create_task(self._post_guarded(c, report)) for c in won]
        await asyncio.gather(*tasks)
        return report

    async def _skip(
        self, late: list[Due], served: list[Due], now: datetime, rep: SweepReport
    ) -> None:
        rows = [self._row(uuid.uuid4().hex, d, now, DropStatus.SKIPPED) for d in late]

        def write(tx: Tx) -> set[str]:
            won = tx.drops.insert_drops(rows)
            for d in [*late, *served]:
                if d.requested:
                    tx.schedules.clear_request(d.schedule.id, d.due_at)
            return won

        won = await self.deps.store.run(write)
        for d, row in zip(late, rows, strict=True):
            if row["id"] in won:
                self._log_skip(d.schedule.platform, d.schedule.channel_id, d.local_date, d.due_at)
                rep.skipped.append(str(row["id"]))

    def _row(self, drop_id: str, due: Due, now: datetime, status: str) -> dict[str, object]:
        sch = due.schedule
        return {
            "id": drop_id,
            "schedule_id": sch.id,
            "workspace_id": sch.workspace_id,
            "platform": sch.platform,
            "channel_id": sch.channel_id,
            "local_date": due.local_date,
            "due_at": due.due_at,
            "status": status,
            "claimed_by": self.deps.worker_id,
            "claimed_at": now,
            "reveal_at": reveal_time(sch.spec, due.due_at, sch.reveal_after_minutes),
            "ask_id": None,
            "question_key": None,
        }

    def _log_skip(self, platform: str, channel_id: str, day: date, due_at: datetime) -> None:
        logger.warning(
            "drop skipped: %s channel %s for %s was due %s, %d min ago (grace %d min)",
            platform,
            channel_id,
            day.isoformat(),
            due_at.isoformat(),
            (self.deps.clock() - due_at).total_seconds() // 60,
            self.deps.grace.total_seconds() // 60,
        )

    async def _inputs(self, channels: list[Channel], since: datetime) -> Inputs:
        """What the channels' questions are chosen from, read outside any write transaction."""

        def read(tx: Tx) -> Inputs:
            return (
                tx.drop_inputs.recent_keys_many(channels, since),
                tx.drop_inputs.channel_mastery_many(channels, since),
                tx.flags.open_keys_many(ws for ws, _ in channels),
            )

        return await self.deps.store.run(read, write=False)

    async def _claim(self, chunk: list[Due], now: datetime, inputs: Inputs) -> list[Claimed]:
        """Claim a chunk in one transaction, each with its question and ask already chosen."""
        recent, sums, flagged = inputs
        rows, made = [], {}
        for d in chunk:
            channel = d.channel
            row = self._row(uuid.uuid4().hex, d, now, DropStatus.CLAIMED)
            row["ask_id"] = uuid.uuid4().hex
            mastery = sums[channel].average(DEFAULT_BKT.p_init)
            excluded = flagged.get(channel[0], set())
            spec, key = self._choose(
                mastery, recent[channel], d.local_date, str(row["ask_id"]), excluded
            )
            row["question_key"] = key
            rows.append(row)
            made[row["id"]] = (d, row, spec)
        # The lease starts at the claim, not when the sweep began: after a long read of the
        # channels' history, other workers would otherwise see the claim as stale at once.
        leased = self.deps.clock()
        for row in rows:
            row["claimed_at"] = leased

        def write(tx: Tx) -> list[Claimed]:
            won = tx.drops.insert_drops(rows)
            claimed = []
            for drop_id in won:
                d, row, spec = made[drop_id]
                ask = self._add_ask(tx, d.schedule.workspace_id, row, spec, now)
                claimed.append(Claimed(drop_id, d.ref, ask))
            for d in chunk:
                if d.requested:
                    tx.schedules.clear_request(d.schedule.id, d.due_at)
            return claimed

        return await self.deps.store.run(write)

    def _choose(
        self,
        mastery: dict[str, float],
        recent: dict[str, date],
        day: date,
        ask_id: str,
        flagged: set[str],
    ) -> tuple[AskSpec, str]:
        deps = self.deps
        pick = choose_drop(
            deps.bank,
            mastery=mastery,
            recent=recent,
            weekday=day.weekday(),
            rng=deps.rng,
            flagged=flagged,
        )
        return build_drop_ask(deps.bank, pick, deps.rng).shuffled(ask_id), pick.key

    def _add_ask(
        self, tx: Tx, ws: int, row: dict[str, object], spec: AskSpec, now: datetime
    ) -> AskRec:
        ask_id = str(row["ask_id"])
        ask = AskRec(
            id=ask_id,
            workspace_id=ws,
            player_id=None,
            spec=spec,
            concept_path=(spec.concept_id,),
            follow_up_of=None,
            root_ask_id=ask_id,
            depth=0,
            created_at=now,
            drop_id=str(row["id"]),
            closes_at=row["reveal_at"],  # type: ignore[arg-type]
        )
        tx.scoped(ws).asks.add(ask)
        return ask

    async def _retake(self, row: DropRec, now: datetime, report: SweepReport) -> None:
        """Finish a claim whose worker went quiet; skip it past the grace window, unless its
        card may already be in the channel (POSTING): that one is finished however late."""
        if row.status == DropStatus.POSTING:
            status = DropStatus.POSTING
        elif now - row.due_at > self.deps.grace:
            status = DropStatus.SKIPPED
        else:
            status = DropStatus.CLAIMED
        worker = self.deps.worker_id
        try:
            # Choose a question first (read only), in case the dead worker never stored one.
            channel = (row.workspace_id, row.channel_id)
            ask_id = uuid.uuid4().hex
            spec, key = None, ""
            if status == DropStatus.CLAIMED and row.ask_id is None:
                since = row.due_at - timedelta(days=REPEAT_WINDOW_DAYS)
                recent, sums, flagged = await self._inputs([channel], since)
                mastery = sums[channel].average(DEFAULT_BKT.p_init)
                excluded = flagged.get(row.workspace_id, set())
                spec, key = self._choose(mastery, recent[channel], row.local_date, ask_id, excluded)

            def write(tx: Tx) -> tuple[bool, Claimed | None]:
                if not tx.drops.retake(row, worker, now, status=status):
                    return False, None
                if status == DropStatus.SKIPPED:
                    return True, None
                workspace, _tz = tx.drops.workspace_info(row.workspace_id)
                where = ChannelRef(row.platform, workspace, row.channel_id)
                if row.ask_id is not None:
                    ask = tx.scoped(row.workspace_id).asks.get(row.ask_id)
                    if ask is not None:
                        return True, Claimed(row.id, where, ask, resumed=True)
                if spec is None:
                    raise LookupError(f"drop {row.id}: its ask {row.ask_id} is missing")
                values: dict[str, object] = {
                    "id": row.id,
                    "ask_id": ask_id,
                    "reveal_at": row.reveal_at,
                }
                ask = self._add_ask(tx, row.workspace_id, values, spec, now)
                tx.drops.set_ask(row.id, worker, ask_id, key)
                return True, Claimed(row.id, where, ask)

            ok, claimed = await self.deps.store.run(write)
        except Exception:
            logger.exception("re-taking drop %s failed", row.id)
            report.failed.append(row.id)
            return
        if not ok:
            return
        if claimed is None:
            self._log_skip(row.platform, row.channel_id, row.local_date, row.due_at)
            report.skipped.append(row.id)
            return
        logger.info("drop %s: finishing a stale %s of %s", row.id, row.status, row.claimed_by)
        await self._post_guarded(claimed, report)

    async def _post_guarded(self, claimed: Claimed, report: SweepReport) -> None:
        with self.deps.leases.hold(claimed.drop_id):
            await self._post_in_turn(claimed, report)

    async def _post_in_turn(self, claimed: Claimed, report: SweepReport) -> None:
        async with self.deps.tasks:
            try:
                posted = await self._post(claimed)
            except ClaimLost:
                logger.warning(
                    "drop %s waited past the stale limit and was taken over; not posting it",
                    claimed.drop_id,
                )
                return
            except Exception:
                logger.exception(
                    "drop %s failed; it stays claimed for a later sweep", claimed.drop_id
                )
                posted = False
        (report.posted if posted else report.failed).append(claimed.drop_id)

    async def _post(self, claimed: Claimed) -> bool:
        deps, channel = self.deps, claimed.channel
        publisher = deps.publishers[channel.platform]
        card = question_card(deps.bank, claimed.ask, drop_points(claimed.ask.spec))
        drop_id, worker = claimed.drop_id, deps.worker_id
        # Record the intent to post (committed before the platform is called, so a takeover
        # finishes it however late) and renew the claim: a drop that queued for a task slot
        # past the stale limit may have been taken over, and then the other worker posts it.
        # (Here, not after pacing, keeps database waits out of the paced window; the pacing
        # queue is at most `concurrency` deep.)
        at = deps.clock()
        if not await deps.store.run(lambda tx: tx.drops.begin_post(drop_id, worker, at)):
            raise ClaimLost(drop_id)
        try:
            ref = await publish(
                lambda: publisher.post_drop(channel, card, resume=claimed.resumed),
                pacer=deps.pacer(channel.platform),
                channel_id=channel.channel_id,
                sleep=deps.sleep,
                what=f"drop {drop_id}",
            )
        except PublishFailed as exc:
            logger.error("%s; it stays claimed and a later sweep retries it", exc)
            return False
        at = deps.clock()
        if not await deps.store.run(lambda tx: tx.drops.mark_posted(drop_id, worker, ref, at)):
            logger.error("drop %s was posted but its claim was taken over meanwhile", drop_id)
        logger.info(
            "drop posted: %s channel %s (%s), ask %s",
            channel.platform,
            channel.channel_id,
            drop_id,
            claimed.ask.id,
        )
        return True
