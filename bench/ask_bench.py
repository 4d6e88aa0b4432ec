"""Ask-path benchmark: `QuizService.ask` latency with a 5,000-question pack and long histories.

Run by hand (never in CI):

    /work/venv/bin/python bench/ask_bench.py                  # 5k questions, 200k answers
    /work/venv/bin/python bench/ask_bench.py --reuse          # keep the seeded SQLite file
    /work/venv/bin/python bench/ask_bench.py --profile        # cProfile of the no-topic mode

The bank is the real concept graph and questions plus synthetic questions (authored choice
items, easy/medium/hard) spread over every concept. One workspace gets `--players` players and
`--answers` asks+answers; the measured players own `--mine` of them, mastery on every concept,
`--cards` review cards and a player rating, and every review key has a question rating. Three
modes are timed, each `--calls` asks, `--repeats` times: `due` (a player with due reviews),
`fresh` (a player whose cards are all scheduled later: the frontier, candidates and ratings
path) and `topic` (the fresh player on a rotating topic). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from bench.answers.common import PLATFORM, WORKSPACE
from bench.answers.seeding import _bulk, _seed_tenancy, analyze, answer_row, ask_row
from bench.answers.stats import pct
from knowledge.bank import Bank
from knowledge.model import ChoiceItem, Difficulty, Distractor, Question
from quizbot.bootstrap import bootstrap
from quizbot.replies import PlayerRef
from quizbot.review import review
from quizbot.selection import RANK
from quizbot.storage import models as m
from quizbot.storage.db import make_engine, upgrade

OUT = Path(__file__).resolve().parent / "out"
LEVELS = tuple(Difficulty)
DUE, FRESH = 1, 2  # player ids of the two measured players


def synthetic_bank(total: int) -> Bank:
    """The real bank plus synthetic choice questions up to `total`, round-robin over concepts."""
    from knowledge.build import load_bank

    real = load_bank()
    concepts = sorted(real.concepts)
    extra = []
    for i in range(max(0, total - len(real.questions))):
        cid = concepts[i % len(concepts)]
        extra.append(
            Question(
                id=f"q-syn-{i:05d}",
                text=f"Synthetic question {i} about {real.concepts[cid].name}?",
                answer=f"The right answer {i}.",
                gist=f"Gist {i}.",
                difficulty=LEVELS[i % 3],
                concepts=(cid,),
                reviewed=True,
                choice=ChoiceItem(
                    f"Right option {i}",
                    tuple(Distractor(f"Wrong option {i}.{d}", f"Why {d}.") for d in range(3)),
                ),
            )
        )
    return Bank.from_parts(
        real.concepts.values(),
        [*real.questions, *extra],
        fingerprint=f"{real.fingerprint}+syn{total}",
        sources=real.sources,
    )


def review_keys(bank: Bank) -> list[str]:
    from quizbot.asking.computed import COMPUTED_CONCEPTS, DIFFICULTIES

    keys = [q.id for q in bank.questions] + [f"concept:{c}" for c in sorted(bank.concepts)]
    keys += [f"computed:{c}:{d}" for c in sorted(COMPUTED_CONCEPTS) for d in DIFFICULTIES]
    return keys


async def seed(url: str, bank: Bank, args: argparse.Namespace) -> dict[str, float]:
    """Players, a long ask/answer history, learning state and ratings; then ANALYZE."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    await upgrade(url)
    engine = make_engine(url)
    try:
        await _seed_tenancy(engine, now, args.players, 20)
        qids = [q.id for q in bank.questions]
        for start in range(0, args.answers, 50_000):
            asks, log = [], []
            for i in range(start, min(args.answers, start + 50_000)):
                # The measured players own the first `mine` rows; their latest ten are recent.
                pid = (DUE if i % 2 else FRESH) if i < args.mine else rng.randint(3, args.players)
                recent = i < args.mine and i >= args.mine - 20
                ago = rng.randint(60, 3000) if recent else rng.randint(7 * 3600, 120 * 86400)
                at = now - timedelta(seconds=ago)
                q = bank.question(rng.choice(qids))
                assert q is not None
                asks.append(ask_row(i, pid, at, "choice", q.primary_concept, q.id, "{}"))
                right = rng.random() < 0.7
                log.append(answer_row(i, pid, None, at, q.primary_concept, "a", right, 10))
            await _bulk(engine, m.Ask, asks)
            await _bulk(engine, m.Answer, log)
        concepts = sorted(bank.concepts)
        mastery = [
            {
                "player_id": p,
                "concept_id": c,
                "workspace_id": 1,
                "p_known": rng.random(),
                "attempts": 3,
                "correct": 2,
                "updated_at": now,
            }
            for p in (DUE, FRESH)
            for c in concepts
        ]
        mastery += [
            {**row, "player_id": p, "p_known": rng.random()}
            for p in range(3, args.players + 1)
            for row in mastery[:10]
        ]
        await _bulk(engine, m.Mastery, mastery)
        card_json, _ = review(None, True, None, now)
        keys = review_keys(bank)
        cards = []
        for p in (DUE, FRESH):
            for k in rng.sample(keys, min(args.cards, len(keys))):
                # The due player has a tenth of their cards due; the fresh player none.
                due = p == DUE and rng.random() < 0.1
                at = (
                    now - timedelta(days=rng.randint(1, 30))
                    if due
                    else now + timedelta(days=rng.randint(1, 60))
                )
                cards.append(
                    {
                        "player_id": p,
                        "key": k,
                        "workspace_id": 1,
                        "card_json": card_json,
                        "due_at": at,
                    }
                )
        cards += [
            {"player_id": p, "key": k, "workspace_id": 1, "card_json": card_json, "due_at": now}
            for p in range(3, args.players + 1)
            for k in keys[:10]
        ]
        await _bulk(engine, m.ReviewCard, cards)
        await _bulk(
            engine,
            m.QuestionRating,
            [
                {
                    "workspace_id": 1,
                    "key": k,
                    "rating": rng.gauss(1500, 150),
                    "answers": 40,
                    "correct": 25,
                }
                for k in keys
            ],
        )
        await _bulk(
            engine,
            m.PlayerRating,
            [
                {"player_id": p, "workspace_id": 1, "rating": 1500.0, "answers": 500}
                for p in range(1, args.players + 1)
            ],
        )
        await analyze(engine)
    finally:
        await engine.dispose()
    return {"seed_s": round(time.perf_counter() - t0, 1)}


class Counted:
    """Counts statements per ask and which tables they read, on the Store's sync engine."""

    def __init__(self, engine: Any) -> None:
        self.n = 0
        self.tables: Counter[str] = Counter()
        self.in_list = 0
        event.listen(engine, "before_cursor_execute", self.on)

    def on(self, conn: Any, cursor: Any, sql: str, params: Any, ctx: Any, many: bool) -> None:
        self.n += 1
        head = sql.split("WHERE")[0]
        for table in ("question_ratings", "review_cards", "mastery", "asks"):
            if f"FROM {table}" in head or f"INTO {table}" in head:
                self.tables[table] += 1
        if "question_ratings" in head and params:
            # The keys travel as one JSON array parameter.
            listed = [p for p in params if isinstance(p, str) and p.startswith("[")]
            self.in_list = max(self.in_list, *(len(json.loads(p)) for p in listed), 0)


async def measure(url: str, bank: Bank, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    async with await bootstrap(
        database_url=url, bank=bank, migrate=False, rng=random.Random(3)
    ) as rt:
        svc = rt.service
        due = PlayerRef(PLATFORM, WORKSPACE, f"u{DUE}")
        fresh = PlayerRef(PLATFORM, WORKSPACE, f"u{FRESH}")
        topics = [bank.concepts[c].name for c in sorted(bank.concepts)]
        modes = {
            "due": lambda i: svc.ask(due),
            "fresh": lambda i: svc.ask(fresh),
            "topic": lambda i: svc.ask(fresh, topics[i % len(topics)]),
        }
        sync = svc.store._sync  # the bench counts statements on it
        counted = Counted(sync) if sync is not None else None
        for name, call in modes.items():
            kinds: Counter[str] = Counter()
            for i in range(50):  # warm caches and pools
                await call(i)
            before = counted.n if counted else 0
            if counted:
                counted.tables.clear()
                counted.in_list = 0
            runs = []
            for _ in range(args.repeats):
                samples = []
                for i in range(args.calls):
                    start = time.perf_counter_ns()
                    card = await call(i)
                    samples.append((time.perf_counter_ns() - start) / 1e6)
                    kinds[f"{card.kind.value}{'+note' if card.note else ''}"] += 1
                runs.append(
                    {
                        "p50": statistics.median(samples),
                        "p99": pct(samples, 0.99),
                        "max": max(samples),
                    }
                )
            calls = args.calls * args.repeats
            res: dict[str, Any] = {
                stat: {
                    "min": round(min(r[stat] for r in runs), 3),
                    "median": round(statistics.median(r[stat] for r in runs), 3),
                }
                for stat in ("p50", "p99", "max")
            }
            res["kinds"] = dict(kinds)
            if counted:
                res["statements_per_ask"] = round((counted.n - before) / calls, 2)
                res["reads_per_ask"] = {
                    t: round(n / calls, 2) for t, n in sorted(counted.tables.items())
                }
                res["max_ratings_in_list"] = counted.in_list
            out[name] = res
            print(json.dumps({name: res}), file=sys.stderr, flush=True)
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            for i in range(500):
                await modes["fresh"](i)
                await modes["topic"](i)
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5_000)
    parser.add_argument("--players", type=int, default=2_000)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--mine", type=int, default=40_000, help="answers of the two measured")
    parser.add_argument("--cards", type=int, default=3_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded file")
    parser.add_argument("--profile", action="store_true")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    bank = synthetic_bank(args.questions)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"ask_bench_{args.questions}.db"
    result: dict[str, Any] = {
        "questions": len(bank.questions),
        "concepts": len(bank.concepts),
        "levels": dict(Counter(q.difficulty.value for q in bank.questions if q.difficulty)),
    }
    assert set(result["levels"]) <= set(RANK)
    url = f"sqlite+aiosqlite:///{path}"
    if not (args.reuse and path.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        result.update(asyncio.run(seed(url, bank, args)))
    result.update(asyncio.run(measure(url, bank, args)))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
