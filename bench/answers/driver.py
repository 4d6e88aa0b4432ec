"""Run every stage on SQLite and/or a throwaway PostgreSQL database; print one JSON line each."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bench.answers.common import load_bank
from bench.answers.latency import measure
from bench.answers.seeding import seed
from bench.answers.sidebyside import side_by_side
from bench.answers.throughput import multi_process, sustained
from quizbot.storage.db import normalize_url

OUT = Path(__file__).resolve().parents[1] / "out"
PG_DATABASE = "cnnquiz_bench"


async def _pg_database(admin_url: str, name: str, create: bool) -> str:
    import asyncpg

    dsn = "postgresql://" + admin_url.split("://", 1)[1]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return normalize_url(dsn.rsplit("/", 1)[0] + f"/{name}")


def run_backend(
    url: str, args: argparse.Namespace, procs: int, reuse: bool = False
) -> dict[str, Any]:
    """Seed (unless reusing), measure latencies, then throughput; progress goes to stderr."""
    bank = load_bank()
    result: dict[str, Any] = {"backend": url.split(":", 1)[0]}
    if not reuse:
        result.update(asyncio.run(seed(url, args.players, args.teams, args.answers)))
        print(json.dumps(result), file=sys.stderr, flush=True)
    if not args.side_by_side_only:
        result.update(asyncio.run(measure(url, args.players, args.samples, bank)))
        print(json.dumps(result), file=sys.stderr, flush=True)
    result["side_by_side_per_s"] = asyncio.run(
        side_by_side(url, args.players, args.seconds / 2, bank, rounds=args.rounds)
    )
    print(json.dumps(result), file=sys.stderr, flush=True)
    if args.side_by_side_only:
        return result
    one = asyncio.run(sustained(url, args.players, args.seconds, bank, 3))
    result["sustained_1proc_answers_per_s"] = round(one, 1)
    if procs > 1:
        result[f"sustained_{procs}proc_answers_per_s"] = multi_process(
            url, args.players, args.seconds, procs
        )
    return result


def run(args: argparse.Namespace) -> None:
    """The whole bench for the parsed command line: SQLite unless skipped, then --pg if given."""
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.skip_sqlite:
        path = OUT / "answer_bench.db"
        for suffix in ("", "-wal", "-shm"):
            if not args.reuse:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(
            json.dumps(run_backend(f"sqlite+aiosqlite:///{path}", args, 1, args.reuse)), flush=True
        )
    if args.pg:
        url = asyncio.run(_pg_database(args.pg, PG_DATABASE, create=True))
        try:
            print(json.dumps(run_backend(url, args, 4)), flush=True)
        finally:
            asyncio.run(_pg_database(args.pg, PG_DATABASE, create=False))
