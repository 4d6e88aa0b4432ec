"""Sharding: which gateway shards this process runs, and which guilds are therefore its own."""

from __future__ import annotations

from dataclasses import dataclass

from quizbot.settings import Settings


class ShardConfigError(ValueError):
    """DISCORD_SHARD_COUNT / DISCORD_SHARD_IDS do not describe a valid set of shards."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a guild's events arrive on (Discord's rule: (guild_id >> 22) % shard_count)."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """`count` None: Discord's recommended count, every shard here (AutoShardedClient's default).

    `ids` None: every shard of `count` runs in this process.
    """

    count: int | None = None
    ids: tuple[int, ...] | None = None

    def owns(self, guild_id: int, count: int | None = None) -> bool:
        """Whether the guild is on one of this process's shards (`count`: the live count)."""
        total = count or self.count
        if self.ids is None or not total:
            return True
        return shard_of(guild_id, total) in self.ids

    @property
    def share(self) -> float:
        """This process's part of the bot: its shards over all shards."""
        if self.ids is None or not self.count:
            return 1.0
        return len(self.ids) / self.count

    def describe(self) -> str:
        if self.count is None:
            return "all shards (Discord's recommended count)"
        ids = self.ids if self.ids is not None else tuple(range(self.count))
        return f"shard(s) {', '.join(map(str, ids))} of {self.count}"


def _parse_ids(text: str) -> list[int]:
    """ "0,2" or "0-3" (inclusive ranges) or a mix: "0-1,4"."""
    ids: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low, sep, high = part.partition("-")
        if not low.strip().isdigit() or (sep and not high.strip().isdigit()):
            raise ShardConfigError(
                f"DISCORD_SHARD_IDS: {part!r} is not a shard id or range, e.g. 0,1 or 0-3."
            )
        first, last = int(low), int(high) if sep else int(low)
        if last < first:
            raise ShardConfigError(f"DISCORD_SHARD_IDS: the range {part!r} runs backwards.")
        ids.extend(range(first, last + 1))
    return ids


def shard_plan(settings: Settings) -> ShardPlan:
    """The shards to run from the settings; ShardConfigError with a one-line reason if invalid."""
    count = settings.discord_shard_count
    ids_text = settings.discord_shard_ids.strip()
    if count is not None and count < 1:
        raise ShardConfigError("DISCORD_SHARD_COUNT must be 1 or more.")
    if not ids_text:
        return ShardPlan(count, None)
    if count is None:
        raise ShardConfigError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total) too.")
    ids = _parse_ids(ids_text)
    if not ids:
        raise ShardConfigError("DISCORD_SHARD_IDS names no shard, e.g. 0,1 or 0-3.")
    outside = sorted({i for i in ids if i >= count})
    if outside:
        raise ShardConfigError(
            f"DISCORD_SHARD_IDS: shard {outside[0]} does not exist with "
            f"DISCORD_SHARD_COUNT={count} (ids run 0 to {count - 1})."
        )
    return ShardPlan(count, tuple(sorted(set(ids))))
