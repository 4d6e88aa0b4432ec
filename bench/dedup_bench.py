"""Dedup scaling benchmark: time, peak memory and pairwise quality at 5k/10k/20k/50k questions.

Run by hand: python bench/dedup_bench.py [sizes...]. Each size runs in a fresh process so the
peak RSS is that size's own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_SIZES = (5_000, 10_000, 20_000, 50_000)


def _pairs(counter: Counter[Any]) -> int:
    return sum(c * (c - 1) // 2 for c in counter.values())


def run_one(n: int) -> dict[str, float]:
    from gen_corpus import generate

    from knowledge.dedup import cluster

    corpus = generate(n)
    start = time.perf_counter()
    result = cluster(corpus)
    seconds = time.perf_counter() - start
    # Pairwise quality over template-made questions only (real seeds have no known truth).
    truth = {(q.source, q.ref): q.ref.split(".")[0] for q in corpus if not q.ref.startswith("r")}
    found = {(m.source, m.ref): g.id for g in result.groups for m in g.members if m.ref[0] != "r"}
    both = Counter((truth[k], found[k]) for k in truth)
    tp = _pairs(both)
    predicted = _pairs(Counter(found.values()))
    actual = _pairs(Counter(truth.values()))
    return {
        "n": n,
        "groups": len(result.groups),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pair_precision": round(tp / predicted, 3) if predicted else 1.0,
        "pair_recall": round(tp / actual, 3) if actual else 1.0,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    sizes = [int(a) for a in sys.argv[1:]] or list(DEFAULT_SIZES)
    print(f"{'n':>7} {'groups':>7} {'seconds':>8} {'s/1k':>6} {'peak MB':>8} {'P':>6} {'R':>6}")
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['n']:>7} {r['groups']:>7} {r['seconds']:>8.2f} {1000 * r['seconds'] / n:>6.3f} "
            f"{r['peak_rss_mb']:>8.1f} {r['pair_precision']:>6.3f} {r['pair_recall']:>6.3f}"
        )


if __name__ == "__main__":
    main()
