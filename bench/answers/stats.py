"""Latency samples in nanoseconds summarised as n / p50 / p99 / mean milliseconds."""

from __future__ import annotations

import statistics


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
