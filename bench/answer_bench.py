"""Answer-path benchmark: 10k players, 100 teams, 1M answers; verdict latency, boards, throughput.

Run by hand (never in CI):

    /work/venv/bin/python bench/answer_bench.py                       # SQLite only
    /work/venv/bin/python bench/answer_bench.py --pg postgresql://postgres@127.0.0.1:5432/postgres

With --pg a throwaway database `cnnquiz_bench` is created on that server (and dropped after).
Prints one JSON object per backend with every number (milliseconds unless said otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from knowledge.bank import Bank
from quizbot.asking.computed import make_computed_ask
from quizbot.bootstrap import bootstrap
from quizbot.replies import AskKind, Board, Period, PlayerRef, QuestionCard
from quizbot.review import review
from quizbot.storage import models as m
from quizbot.storage.db import make_engine, make_sessions, normalize_url, upgrade
from quizbot.storage.uow import rebuild_scores

OUT = Path(__file__).resolve().parent / "out"
PLATFORM, WORKSPACE = "discord", "bench-guild"
BATCH = 20_000


def load_bank() -> Bank:
    from knowledge.build import load_bank as build

    return build()


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(samples_ns: list[int]) -> dict[str, float]:
    ms = [s / 1e6 for s in samples_ns]
    return {
        "n": len(ms),
        "p50": round(statistics.median(ms), 3),
        "p99": round(pct(ms, 0.99), 3),
        "mean": round(statistics.fmean(ms), 3),
    }


# --- seeding ---------------------------------------------------------------------------------


async def _bulk(engine: AsyncEngine, model: type, rows: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for i in range(0, len(rows), BATCH):
        async with engine.begin() as conn:
            await conn.execute(insert(table), rows[i : i + BATCH])


async def seed(url: str, players: int, teams: int, answers: int) -> dict[str, float]:
    """Bulk-load a workspace with Core executemany, then rebuild its boards from the logs."""
    rng = random.Random(1)
    now = datetime.now(UTC)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    await upgrade(url)
    engine = make_engine(url)
    spec_json = make_computed_ask(rng, "pooling").to_json()
    card_json, due = review(None, True, None, now)
    try:
        await _bulk(
            engine,
            m.Workspace,
            [
                {
                    "id": 1,
                    "platform": PLATFORM,
                    "external_id": WORKSPACE,
                    "timezone": "Europe/Paris",
                    "created_at": now,
                }
            ],
        )
        await _bulk(
            engine,
            m.Player,
            [
                {
                    "id": p,
                    "workspace_id": 1,
                    "external_id": f"u{p}",
                    "display_name": f"Player {p}",
                    "created_at": now,
                }
                for p in range(1, players + 1)
            ],
        )
        await _bulk(
            engine,
            m.Team,
            [
                {
                    "id": t,
                    "workspace_id": 1,
                    "name": f"Team {t}",
                    "name_key": f"team {t}",
                    "created_at": now,
                }
                for t in range(1, teams + 1)
            ],
        )
        team_of = {p: (p % teams) + 1 for p in range(1, players + 1) if p % 10 != 0}
        await _bulk(
            engine,
            m.TeamMember,
            [
                {"player_id": p, "team_id": t, "workspace_id": 1, "joined_at": now}
                for p, t in team_of.items()
            ],
        )
        timings["seed_tenancy_s"] = round(time.perf_counter() - t0, 1)
        t1 = time.perf_counter()
        for start in range(0, answers, 100_000):
            asks, log, ledger = [], [], []
            for i in range(start, min(answers, start + 100_000)):
                pid = rng.randint(1, players)
                at = now - timedelta(seconds=rng.randint(60, 120 * 86400))
                ask_id = f"{i:032x}"
                correct = rng.random() < 0.7
                points = rng.choice((10, 20, 30)) if correct else 0
                asks.append(
                    {
                        "id": ask_id,
                        "workspace_id": 1,
                        "player_id": pid,
                        "kind": "computed",
                        "concept_id": "pooling",
                        "question_id": None,
                        "spec_json": spec_json,
                        "concept_path": '["pooling"]',
                        "follow_up_of": None,
                        "root_ask_id": ask_id,
                        "depth": 0,
                        "drop_id": None,
                        "created_at": at,
                        "closes_at": None,
                    }
                )
                log.append(
                    {
                        "id": i + 1,
                        "ask_id": ask_id,
                        "workspace_id": 1,
                        "player_id": pid,
                        "team_id": team_of.get(pid),
                        "concept_id": "pooling",
                        "response": "7",
                        "correct": correct,
                        "points": points,
                        "answered_at": at,
                    }
                )
                if points:
                    ledger.append(
                        {
                            "workspace_id": 1,
                            "player_id": pid,
                            "team_id": team_of.get(pid),
                            "answer_id": i + 1,
                            "points": points,
                            "reason": "answer",
                            "awarded_at": at,
                        }
                    )
            await _bulk(engine, m.Ask, asks)
            await _bulk(engine, m.Answer, log)
            await _bulk(engine, m.PointAward, ledger)
        timings["seed_answers_s"] = round(time.perf_counter() - t1, 1)
        t2 = time.perf_counter()
        concepts = sorted(load_bank().concepts)[:20]
        await _bulk(
            engine,
            m.Mastery,
            [
                {
                    "player_id": p,
                    "concept_id": c,
                    "workspace_id": 1,
                    "p_known": rng.random(),
                    "attempts": 3,
                    "correct": 2,
                    "updated_at": now,
                }
                for p in range(1, players + 1)
                for c in concepts
            ],
        )
        await _bulk(
            engine,
            m.ReviewCard,
            [
                {
                    "player_id": p,
                    "key": f"concept:{c}",
                    "workspace_id": 1,
                    "card_json": card_json,
                    "due_at": due,
                }
                for p in range(1, players + 1)
                for c in concepts
            ],
        )
        timings["seed_learning_s"] = round(time.perf_counter() - t2, 1)
        t3 = time.perf_counter()
        await rebuild_scores(make_sessions(engine))
        timings["rebuild_scores_s"] = round(time.perf_counter() - t3, 1)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as conn:
                auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
                # Seeded answers carry explicit ids: move the sequence past them.
                await auto.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('answers', 'id'), "
                    "(SELECT max(id) FROM answers))"
                )
                await auto.exec_driver_sql("VACUUM ANALYZE")
        else:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("ANALYZE")
    finally:
        await engine.dispose()
    return timings


# --- measuring -------------------------------------------------------------------------------


def reply_for(card: QuestionCard, rng: random.Random) -> str:
    if card.choices:
        return rng.choice(card.choices).id
    return str(rng.randint(1, 64))


async def answer_card(service: Any, who: PlayerRef, card: QuestionCard, rng: random.Random) -> Any:
    if card.kind is AskKind.OPEN:
        return await service.rate(who, card.ask_id, "good")
    return await service.answer(who, card.ask_id, reply_for(card, rng))


async def timed(fn: Callable[[], Awaitable[Any]]) -> int:
    start = time.perf_counter_ns()
    await fn()
    return time.perf_counter_ns() - start


async def measure(url: str, players: int, n: int, bank: Bank) -> dict[str, Any]:
    rng = random.Random(2)
    out: dict[str, Any] = {}
    async with await bootstrap(database_url=url, bank=bank, migrate=False) as rt:
        svc = rt.service
        who = [PlayerRef(PLATFORM, WORKSPACE, f"u{rng.randint(1, players)}") for _ in range(n)]
        cards = [await svc.ask(w) for w in who]  # untimed: the asks being answered
        for w, c in list(zip(who, cards, strict=True))[:50]:  # warm caches and pools
            await answer_card(svc, w, c, rng)
        samples = [
            await timed(lambda w=w, c=c: answer_card(svc, w, c, rng))
            for w, c in list(zip(who, cards, strict=True))[50:]
        ]
        out["answer_verdict"] = summary(samples)

        # Bare Core insert of one answer row in its own transaction, same database and run.
        bare_asks = [await svc.ask(w) for w in who[: n // 2]]
        pid = await _player_id(rt.engine, who[0].user_id)
        table = m.Answer.__table__
        bare: list[int] = []
        for card in bare_asks:
            row = {
                "ask_id": card.ask_id,
                "workspace_id": 1,
                "player_id": pid,
                "team_id": None,
                "concept_id": "x",
                "response": "a",
                "correct": True,
                "points": 10,
                "answered_at": datetime.now(UTC),
            }

            async def one(row: dict[str, Any] = row) -> None:
                async with rt.engine.begin() as conn:
                    await conn.execute(insert(table).values(**row))

            bare.append(await timed(one))
        out["bare_core_insert_async_engine"] = summary(bare)

        # The same bare insert through the Store our answer path uses (same thread hop).
        more = [await svc.ask(w) for w in who[: n // 2]]
        bare_store: list[int] = []
        for card in more:
            row = {
                "ask_id": card.ask_id,
                "workspace_id": 1,
                "player_id": pid,
                "team_id": None,
                "concept_id": "x",
                "response": "a",
                "correct": True,
                "points": 10,
                "answered_at": datetime.now(UTC),
            }

            def bare_tx(tx: Any, row: dict[str, Any] = row) -> None:
                tx.session.execute(insert(table).values(**row))

            bare_store.append(await timed(lambda f=bare_tx: svc.store.run(f)))
        out["bare_core_insert_store"] = summary(bare_store)
        for name in ("async_engine", "store"):
            out[f"ratio_answer_to_bare_{name}_p50"] = round(
                out["answer_verdict"]["p50"] / out[f"bare_core_insert_{name}"]["p50"], 1
            )

        for board in (Board.PLAYERS, Board.TEAMS):
            for period in (Period.WEEK, Period.MONTH, Period.ALL):
                got = [
                    await timed(lambda w=w, b=board, p=period: svc.leaderboard(w, b, p))
                    for w in who[:300]
                ]
                out[f"board_{board.value}_{period.value}"] = summary(got)
    return out


async def _player_id(engine: AsyncEngine, external: str) -> int:
    async with engine.connect() as conn:
        return (
            await conn.exec_driver_sql(
                f"SELECT id FROM players WHERE external_id = '{external}' AND workspace_id = 1"
            )
        ).scalar_one()


async def sustained(
    url: str,
    players: int,
    seconds: float,
    bank: Bank,
    seed_: int,
    barrier: Any = None,
    per_run: int = 12_000,
) -> float:
    """Answers per second one player loop sustains in this process, over about `seconds`.

    The questions are asked first (untimed); the rate is answers over the time they took,
    whether the deadline or the prepared questions ran out first.
    """
    rng = random.Random(seed_)
    async with await bootstrap(database_url=url, bank=bank, migrate=False) as rt:
        svc = rt.service
        who = [PlayerRef(PLATFORM, WORKSPACE, f"u{rng.randint(1, players)}") for _ in range(50)]
        cards = [(w, await svc.ask(w)) for i in range(per_run) for w in [who[i % len(who)]]]
        if barrier is not None:
            await asyncio.to_thread(barrier.wait)
        start = time.perf_counter()
        done = 0
        for w, card in cards:
            if time.perf_counter() - start >= seconds:
                break
            await answer_card(svc, w, card, rng)
            done += 1
        return done / (time.perf_counter() - start)


def _worker(url: str, players: int, seconds: float, seed_: int, barrier: Any, q: Any) -> None:
    bank = load_bank()
    q.put(asyncio.run(sustained(url, players, seconds, bank, seed_, barrier, per_run=3000)))


def multi_process(url: str, players: int, seconds: float, procs: int) -> float:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    barrier = ctx.Barrier(procs)  # every worker asks its questions first, then all start
    ps = [
        ctx.Process(target=_worker, args=(url, players, seconds, 10 + i, barrier, q))
        for i in range(procs)
    ]
    for p in ps:
        p.start()
    total = sum(q.get() for _ in ps)
    for p in ps:
        p.join()
    return round(total, 1)


# --- driver ----------------------------------------------------------------------------------


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
    bank = load_bank()
    result: dict[str, Any] = {"backend": url.split(":", 1)[0]}
    if not reuse:
        result.update(asyncio.run(seed(url, args.players, args.teams, args.answers)))
        print(json.dumps(result), file=sys.stderr, flush=True)
    result.update(asyncio.run(measure(url, args.players, args.samples, bank)))
    print(json.dumps(result), file=sys.stderr, flush=True)
    one = asyncio.run(sustained(url, args.players, args.seconds, bank, 3))
    result["sustained_1proc_answers_per_s"] = round(one, 1)
    if procs > 1:
        result[f"sustained_{procs}proc_answers_per_s"] = multi_process(
            url, args.players, args.seconds, procs
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server for the PostgreSQL run")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded SQLite file")
    args = parser.parse_args()
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
        url = asyncio.run(_pg_database(args.pg, "cnnquiz_bench", create=True))
        try:
            print(json.dumps(run_backend(url, args, 4)), flush=True)
        finally:
            asyncio.run(_pg_database(args.pg, "cnnquiz_bench", create=False))


if __name__ == "__main__":
    main()
