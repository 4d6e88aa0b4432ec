"""A small PNG of a concept's prerequisite chains (matplotlib, Agg, no pyplot state).

matplotlib (and numpy with it) is imported on the first picture, not at start-up, so an
idle bot does not carry it.
"""

from __future__ import annotations

import io
import textwrap

MAX_CHAINS = 6
MAX_STEPS = 6


def render_chains_png(chains: tuple[tuple[str, ...], ...]) -> bytes:
    """One row per chain, concept boxes joined by arrows, the concept itself on the left."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = [c[:MAX_STEPS] for c in chains[:MAX_CHAINS] if c] or [("?",)]
    width = max(len(r) for r in rows)
    fig = Figure(figsize=(1.0 + 2.1 * width, 0.35 + 0.85 * len(rows)), dpi=90)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.axis("off")
    box = {"boxstyle": "round,pad=0.4", "fc": "#eef1ff", "ec": "#5865f2"}
    for y, row in enumerate(rows):
        for x, name in enumerate(row):
            label = textwrap.fill(name, 16, max_lines=2, placeholder="…")
            ax.text(x, y, label, ha="center", va="center", fontsize=9, bbox=box)
            if x:
                ax.annotate(
                    "",
                    xy=(x - 0.32, y),
                    xytext=(x - 0.68, y),
                    arrowprops={"arrowstyle": "->", "color": "#555"},
                )
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
