"""The posting window all workers share: one row per post, kept as long as a limit looks back."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from quizbot.drops.pacing import Limit, PlatformLimits
from quizbot.drops.tables import DropPost
from quizbot.storage.repos._sql import table_of

posts = table_of(DropPost)


class DropPostRepo:
    """Takes posting slots; the caller's transaction is the only one taking them meanwhile."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _lock(self, platform: str) -> None:
        # PostgreSQL: one advisory lock per platform until commit. SQLite writes are serialized.
        if self.session.get_bind().dialect.name == "postgresql":
            key = zlib.crc32(f"cnnquiz drop posts {platform}".encode())
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def _wait(self, limit: Limit | None, now: datetime, *where: object) -> float:
        """Seconds until one more post keeps `limit` (0 when it does now)."""
        if limit is None:
            return 0.0
        window = now - timedelta(seconds=limit.per)
        recent = (
            select(posts.c.at)
            .where(*where, posts.c.at > window)  # type: ignore[arg-type]
            .order_by(posts.c.at.desc())
            .limit(limit.count)
            .subquery()
        )
        found = self.session.execute(select(func.count(), func.min(recent.c.at))).one()
        if found[0] < limit.count:
            return 0.0
        return max((found[1] + timedelta(seconds=limit.per) - now).total_seconds(), 1e-6)

    def take(self, platform: str, channel_id: str, limits: PlatformLimits, now: datetime) -> float:
        """Record a post now if every shared window allows it (returns 0), else the wait."""
        self._lock(platform)
        keep = max((lim.per for lim in (limits.global_limit, limits.per_channel) if lim), default=0)
        self.session.execute(
            delete(posts).where(
                posts.c.platform == platform, posts.c.at <= now - timedelta(seconds=keep)
            )
        )
        wait = max(
            self._wait(limits.global_limit, now, posts.c.platform == platform),
            self._wait(
                limits.per_channel,
                now,
                posts.c.platform == platform,
                posts.c.channel_id == channel_id,
            ),
        )
        if wait <= 0:
            self.session.execute(
                insert(posts).values(platform=platform, channel_id=channel_id, at=now)
            )
        return wait
