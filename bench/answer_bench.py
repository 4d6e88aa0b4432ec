"""Answer-path benchmark: 10k players, 100 teams, 1M answers; verdict latency, boards, throughput.

Run by hand (never in CI):

    /work/venv/bin/python bench/answer_bench.py                       # SQLite only
    /work/venv/bin/python bench/answer_bench.py --pg postgresql://postgres@127.0.0.1:5432/postgres

With --pg a throwaway database `cnnquiz_bench` is created on that server (and dropped after).
Prints one JSON object per backend with every number (milliseconds unless said otherwise).
The stages live in `bench/answers/`: seeding, latency, throughput, and the driver.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answers.driver import run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server for the PostgreSQL run")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="side-by-side rounds")
    parser.add_argument("--side-by-side-only", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded SQLite file")
    return parser.parse_args(argv)


def main() -> None:
    run(parse_args())


if __name__ == "__main__":
    main()
