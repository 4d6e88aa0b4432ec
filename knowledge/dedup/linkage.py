"""Greedy average-linkage clustering over a sparse similarity graph."""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def average_linkage(
    n: int, edges: dict[tuple[int, int], float], sources: Sequence[frozenset[str]], threshold: float
) -> list[list[int]]:
    """Greedy average-linkage over the kNN graph; never joins two questions of one source."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    srcs: dict[int, frozenset[str]] = dict(enumerate(sources))
    sums: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), s in edges.items():
        sums[i][j] = s
        sums[j][i] = s
    version = dict.fromkeys(range(n), 0)
    heap = [(-s, i, j, 0, 0) for (i, j), s in edges.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        if srcs[a] & srcs[b]:
            continue
        keep, gone = min(a, b), max(a, b)
        members[keep].extend(members.pop(gone))
        srcs[keep] = srcs[keep] | srcs.pop(gone)
        for c, s in sums.pop(gone).items():
            sums[c].pop(gone, None)
            if c != keep:
                sums[keep][c] = sums[keep].get(c, 0.0) + s
                sums[c][keep] = sums[keep][c]
        sums[keep].pop(gone, None)
        version[keep] += 1
        size = len(members[keep])
        for c, s in sums[keep].items():
            avg = s / (size * len(members[c]))
            if avg >= threshold:
                x, y = min(keep, c), max(keep, c)
                heapq.heappush(heap, (-avg, x, y, version[x], version[y]))
    return [sorted(m) for _, m in sorted(members.items())]
