"""Layered pictures of prerequisite graphs: Sugiyama layout (grandalf), drawn with matplotlib.

Edges run from a concept to its prerequisites. The most advanced concepts (nothing builds on
them) sit in the top layer and each prerequisite below what needs it, pulled as close to it as
the arrows allow, so a concept's level counts the steps down from the top of the picture
rather than the longest chain below it. Crossings are reduced by grandalf's ordering rounds;
long edges bend through the layers they cross. matplotlib and grandalf are imported on the
first picture, so importing this module costs nothing.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

CHAR_W = 5.6  # points per character at FONT_SIZE
FONT_SIZE = 9.0
LINE_H = 11.0
PAD_W, PAD_H = 12.0, 9.0
WRAP = 18  # characters per label line
X_SPACE = 12.0
Y_SPACE = 40.0
DUMMY_W = 4.0  # the width a bend of a long edge takes in a layer
ORDERING_ROUNDS = 4
LEVEL_W = 60.0  # room for the level labels on the left
LEGEND_W = 150.0  # a legend column
MAX_PIXELS = 12_000  # a side; a larger picture is drawn at a lower resolution


@dataclass(frozen=True, slots=True)
class NodeStyle:
    """How one node is drawn: box fill and outline, text colour, outline width."""

    fill: str = "#eef1ff"
    edge: str = "#333333"
    text: str = "black"
    width: float = 0.6
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Legend:
    """A legend entry: a box colour and what it means."""

    fill: str
    label: str
    edge: str = "#333333"


@dataclass
class Layout:
    """Node centres and edge polylines in points (y grows downwards), and each node's rank."""

    centres: dict[str, tuple[float, float]]
    sizes: dict[str, tuple[float, float]]
    paths: dict[tuple[str, str], list[tuple[float, float]]]
    ranks: dict[str, int]

    @property
    def extent(self) -> tuple[float, float, float, float]:
        xs = [x + s * w / 2 for (x, _), (w, _) in self._boxes() for s in (-1, 1)]
        ys = [y + s * h / 2 for (_, y), (_, h) in self._boxes() for s in (-1, 1)]
        return (min(xs, default=0), max(xs, default=1), min(ys, default=0), max(ys, default=1))

    def _boxes(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        return [(self.centres[n], self.sizes[n]) for n in self.centres]


class _View:
    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: tuple[float, float] = (0.0, 0.0)


class _EdgeView:
    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.points = [(float(x), float(y)) for x, y in points]


def layered_layout(graph: nx.DiGraph, label: Callable[[str], str]) -> Layout:
    """Sugiyama layout of `graph`, its weakly connected parts side by side."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    vertices = {n: Vertex(n) for n in sorted(graph)}  # sorted: the same picture every run
    sizes: dict[str, tuple[float, float]] = {}
    for node, vertex in vertices.items():
        lines = wrapped(label(node)).splitlines()
        sizes[node] = (CHAR_W * max(map(len, lines)) + PAD_W, LINE_H * len(lines) + PAD_H)
        vertex.view = _View(*sizes[node])
    edges = {}
    for a, b in sorted(graph.edges()):
        edge = Edge(vertices[a], vertices[b])
        edge.view = _EdgeView()
        edges[a, b] = edge
    whole = Graph(list(vertices.values()), list(edges.values()))
    centres: dict[str, tuple[float, float]] = {}
    ranks: dict[str, int] = {}
    offset = 0.0
    for part in sorted(whole.C, key=lambda c: -len(c.sV)):
        sug = SugiyamaLayout(part)
        sug.xspace, sug.yspace = X_SPACE, Y_SPACE
        sug.dw = DUMMY_W
        roots = [v for v in part.sV if not v.e_in()] or [part.sV[0]]
        sug.init_all(roots=roots, optimize=True)
        sug.draw(ORDERING_ROUNDS)
        xs = [v.view.xy[0] - v.view.w / 2 for v in part.sV]
        shift = offset - min(xs)
        for v in part.sV:
            x, y = v.view.xy
            centres[v.data] = (x + shift, y)
            ranks[v.data] = sug.grx[v].rank
        for e in part.sE:
            e.view.points = [(x + shift, y) for x, y in e.view.points]
        offset = max(centres[v.data][0] + v.view.w / 2 for v in part.sV) + 3 * X_SPACE
    paths = {key: e.view.points for key, e in edges.items() if e.view.points}
    return Layout(centres, sizes, paths, ranks)


def draw_layered(
    graph: nx.DiGraph,
    fmt: str,
    *,
    label: Callable[[str], str],
    style: Callable[[str], NodeStyle],
    title: str,
    legend: tuple[Legend, ...] = (),
    edge_colour: Mapping[tuple[str, str], str] | None = None,
    levels: bool = False,
    dpi: int = 100,
) -> bytes:
    """The picture as PNG or SVG bytes (`fmt` "png" or "svg"; SVG keeps text as text).

    Arrows run from each concept down to its prerequisites, ending at the box's edge.
    `levels` labels each layer on the left ("level 1" at the top).
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    layout = layered_layout(graph, label)
    x0, x1, y0, y1 = layout.extent
    if levels:
        x0 -= LEVEL_W
    margin = 24.0
    top = 40.0 + 16.0 * ((len(legend) + 3) // 4)  # title and legend rows
    header = max(7.2 * len(title), LEGEND_W * min(len(legend), 4))  # title and legend fit
    width = max((max(x1 - x0, header) + 2 * margin) / 72, 4.0)
    height = max((y1 - y0 + margin + top) / 72, 2.0)
    dpi = min(dpi, int(MAX_PIXELS / max(width, height)))
    # rcParams are global: only an SVG needs one changed (pictures render in worker threads).
    with matplotlib.rc_context({"svg.fonttype": "none"} if fmt == "svg" else {}):
        fig = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(x0 - margin, x0 - margin + width * 72)
        ax.set_ylim(y1 + margin, y1 + margin - height * 72)
        ax.axis("off")
        _edges(ax, graph, layout, edge_colour or {})
        _nodes(ax, layout, label, style)
        if levels:
            _level_labels(ax, layout, x0)
        ax.text(x0, y0 - top + 14, title, fontsize=12, fontweight="bold", va="top")
        _legend(ax, legend, x0, y0 - top + 32)
        out = io.BytesIO()
        fig.savefig(out, format=fmt)
    return out.getvalue()


def _edges(
    ax: Any, graph: nx.DiGraph, layout: Layout, colours: Mapping[tuple[str, str], str]
) -> None:
    for a, b in sorted(graph.edges()):
        points = layout.paths.get((a, b)) or [layout.centres[a], layout.centres[b]]
        (sx, sy), (ex, ey) = points[0], points[-1]
        _, ha = layout.sizes[a]
        _, hb = layout.sizes[b]
        down = ey >= sy
        points = [(sx, sy + (ha / 2 if down else -ha / 2)), *points[1:-1]]
        end = (ex, ey - (hb / 2 if down else -hb / 2))
        colour = colours.get((a, b), "#7a7a7a")
        if len(points) > 1:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, color=colour, lw=0.7, alpha=0.8, zorder=1)
        ax.annotate(
            "",
            xy=end,
            xytext=points[-1],
            arrowprops={
                "arrowstyle": "-|>,head_length=0.5,head_width=0.25",
                "color": colour,
                "lw": 0.7,
                "shrinkA": 0,
                "shrinkB": 0,
                "alpha": 0.9,
            },
            zorder=2,
        )


def _nodes(
    ax: Any, layout: Layout, label: Callable[[str], str], style: Callable[[str], NodeStyle]
) -> None:
    from matplotlib.patches import FancyBboxPatch

    for node, (x, y) in layout.centres.items():
        w, h = layout.sizes[node]
        s = style(node)
        box = FancyBboxPatch(
            (x - w / 2 + 2, y - h / 2 + 2),
            w - 4,
            h - 4,
            boxstyle="round,pad=2",
            fc=s.fill,
            ec=s.edge,
            lw=s.width,
            zorder=3,
        )
        ax.add_patch(box)
        weight = "bold" if s.bold else "normal"
        ax.text(
            x,
            y,
            wrapped(label(node)),
            ha="center",
            va="center",
            color=s.text,
            zorder=4,
            fontweight=weight,
            fontsize=FONT_SIZE,
            linespacing=1.0,
        )


def _level_labels(ax: Any, layout: Layout, x: float) -> None:
    rows: dict[int, float] = {}
    for node, rank in layout.ranks.items():
        rows[rank] = min(rows.get(rank, layout.centres[node][1]), layout.centres[node][1])
    for n, (_, y) in enumerate(sorted(rows.items()), 1):
        ax.text(x, y, f"level {n}", va="center", fontsize=8, color="#666666", style="italic")


def _legend(ax: Any, legend: tuple[Legend, ...], x: float, y: float) -> None:
    for i, item in enumerate(legend):
        lx, ly = x + (i % 4) * LEGEND_W, y + (i // 4) * 16
        ax.text(
            lx,
            ly,
            f" {item.label} ",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.2", "fc": item.fill, "ec": item.edge, "lw": 0.6},
        )


def wrapped(text: str) -> str:
    return textwrap.fill(text, WRAP, max_lines=3, placeholder="…")


def text_colour(fill: str) -> str:
    """White text on dark boxes, black on light ones."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else "black"
