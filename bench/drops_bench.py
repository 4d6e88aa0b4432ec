"""Drops benchmark: fan-out against Discord's pacing floor, answers meanwhile, many workers.

Run by hand (never in CI); see bench/README.md for what it measures and the last numbers.

    python bench/drops_bench.py                      # seed SQLite, 3 fan-out runs
    python bench/drops_bench.py --reuse              # keep bench/out/drops_seed.db
    python bench/drops_bench.py --skip-sqlite --pg postgresql://postgres@127.0.0.1:5432/postgres

The workspace: 10k players with mastery on every concept, 1M answers, 20 days of past drops in
the first 1,000 channels, one posted drop due for reveal with 4,000 answers; ANALYZE after
seeding. Each run starts from a copy of the seeded database. With --pg the seeded database
`cnnquiz_drops_seed` is kept for --reuse; each run copies it as a template.
Prints one JSON line per run, then min / median per measure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answers.common import load_bank
from bench.drops.fanout import fan_out
from bench.drops.seeding import seed_drops_workspace
from bench.drops.workers import many_workers
from quizbot.storage.db import normalize_url

OUT = Path(__file__).resolve().parent / "out"
SEED_DB, RUN_DB = "cnnquiz_drops_seed", "cnnquiz_drops_run"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--channels", type=int, default=1_000, help="fan-out channels")
    parser.add_argument("--past-days", type=int, default=20)
    parser.add_argument("--reveal-answerers", type=int, default=4_000)
    parser.add_argument("--rate", type=float, default=20.0, help="answers/s during the fan-out")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fail-rate", type=float, default=0.01, help="share of injected 5xx")
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server (workers stage)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-channels", type=int, default=4_000)
    parser.add_argument("--worker-timeout", type=float, default=400.0)
    parser.add_argument("--pg-fanout", action="store_true", help="also fan out on PostgreSQL")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--profile", help="cProfile the event loop during each fan-out to FILE")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded databases")
    return parser.parse_args()


def seed_args(args: argparse.Namespace) -> dict[str, int]:
    return {
        "players": args.players,
        "teams": args.teams,
        "answers": args.answers,
        "channels": args.channels,
        "past_days": args.past_days,
        "reveal_answerers": args.reveal_answerers,
    }


def emit(stage: str, got: dict[str, Any], before: tuple[float, ...]) -> dict[str, Any]:
    got = {"stage": stage, "load_before": before, "load_after": os.getloadavg(), **got}
    print(json.dumps(got), flush=True)
    return got


def sqlite_copy(seed: Path, run: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run}{suffix}").unlink(missing_ok=True)
        if Path(f"{seed}{suffix}").exists():
            shutil.copyfile(f"{seed}{suffix}", f"{run}{suffix}")
    return f"sqlite+aiosqlite:///{run}"


async def pg_database(admin_url: str, name: str, template: str | None, drop_only: bool) -> str:
    import asyncpg

    dsn = "postgresql://" + admin_url.split("://", 1)[1]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            tail = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{tail}')
    finally:
        await conn.close()
    return normalize_url(dsn.rsplit("/", 1)[0] + f"/{name}")


def summarise(stage: str, runs: list[dict[str, Any]], keys: dict[str, Any]) -> None:
    for label, get in keys.items():
        values = [v for r in runs if (v := get(r)) is not None]
        if values:
            print(
                f"{stage:10} {label:28} min {min(values):8.3f}   median"
                f" {statistics.median(values):8.3f}   n={len(values)}/{len(runs)}"
            )


FANOUT_KEYS = {
    "fan-out / floor": lambda r: r["ratio"],
    "answer p99 alone (ms)": lambda r: r["answer_alone"]["p99"],
    "answer p99 during (ms)": lambda r: r["answer_during"]["p99"],
    "answer max during (ms)": lambda r: r["answer_during"]["max"],
    "reveal 4k (s)": lambda r: r["reveal_s"],
    "answers/s closed loop": lambda r: statistics.median(r["throughput"]["answers"]),
    "bare store inserts/s": lambda r: statistics.median(r["throughput"]["bare_store"]),
    "bare async inserts/s": lambda r: statistics.median(r["throughput"]["bare_async"]),
    "lost + duplicated": lambda r: r["lost"] + r["duplicated"],
}
WORKER_KEYS = {
    "all posted / floor": lambda r: r["ratio"],
    "duplicated": lambda r: r["duplicated"],
    "lost": lambda r: r["lost"],
    "429 responses": lambda r: r["api"].get("429", 0),
}


def main() -> None:
    args = parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    bank = load_bank()
    if not args.skip_sqlite:
        seed = OUT / "drops_seed.db"
        if not (args.reuse and seed.exists()):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{seed}{suffix}").unlink(missing_ok=True)
            got = asyncio.run(
                seed_drops_workspace(f"sqlite+aiosqlite:///{seed}", **seed_args(args))
            )
            emit("seed-sqlite", got, os.getloadavg())
        runs = []
        for _ in range(args.runs):
            url = sqlite_copy(seed, OUT / "drops_run.db")
            before = os.getloadavg()
            got = asyncio.run(
                fan_out(
                    url,
                    bank,
                    channels=args.channels,
                    players=args.players,
                    rate=args.rate,
                    fail_rate=args.fail_rate,
                    profile=args.profile,
                )
            )
            runs.append(emit("fanout-sqlite", got, before))
        summarise("sqlite", runs, FANOUT_KEYS)
    if args.pg:
        if not args.reuse:
            url = asyncio.run(pg_database(args.pg, SEED_DB, None, False))
            got = asyncio.run(seed_drops_workspace(url, **seed_args(args)))
            emit("seed-pg", got, os.getloadavg())
        try:
            stages: list[tuple[str, Any, dict[str, Any]]] = []
            if args.pg_fanout:
                stages.append(
                    (
                        "fanout-pg",
                        lambda u: fan_out(
                            u,
                            bank,
                            channels=args.channels,
                            players=args.players,
                            rate=args.rate,
                            fail_rate=args.fail_rate,
                        ),
                        FANOUT_KEYS,
                    )
                )
            stages.append(
                (
                    "workers-pg",
                    lambda u: many_workers(
                        u,
                        channels=args.worker_channels,
                        procs=args.workers,
                        fail_rate=args.fail_rate,
                        timeout_s=args.worker_timeout,
                    ),
                    WORKER_KEYS,
                )
            )
            for stage, run, keys in stages:
                runs = []
                for _ in range(args.runs):
                    url = asyncio.run(pg_database(args.pg, RUN_DB, SEED_DB, False))
                    before = os.getloadavg()
                    runs.append(emit(stage, asyncio.run(run(url)), before))
                summarise(stage, runs, keys)
        finally:
            asyncio.run(pg_database(args.pg, RUN_DB, None, True))


if __name__ == "__main__":
    main()
