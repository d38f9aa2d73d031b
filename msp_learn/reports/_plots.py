"""SVG charts of a section's frame: no JavaScript, no plotting library, readable without colour.

:func:`svg` draws a :class:`Plot` of a frame as one ``<svg role="img">`` with a ``<title>`` and
a ``<desc>`` (the plot's text alternative), and every value written as text beside its bar or
in its cell, so a chart reads in greyscale print and to a screen reader. Stacked series and
heatmap cells are told apart by pattern and lightness as well as hue. Charts are sized by
``viewBox`` only, so they scale to the width of a phone.

Drawing never computes a figure: the values are the frame's, as the analyses protected them.
A value that is not a number (a suppressed figure: empty, or a text such as "fewer than 5")
is drawn as no bar, labelled "not shown" (or its text).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from msp_learn.html import Markup, escape

from ._section import Plot

WIDTH = 720
FONT = 15  # in viewBox units; a 720-wide chart on a 360 px phone shows about 8 px text
INK = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#b1b4b6"
BAR = "#1d70b8"
#: Series fills for stacked bars: hues of clearly different lightness, each with a pattern.
SERIES = (("#0b3c6e", "solid"), ("#5694ca", "hatch"), ("#c2d8ec", "dots"),
          ("#f47738", "cross"), ("#85994b", "back"), ("#ffdd00", "grid"))
NOT_SHOWN = "not shown"
_ATTR = re.compile(r"[a-zA-Z][a-zA-Z0-9:-]*")


# the small SVG writer

def tag(name: str, *children: Any, **attrs: Any) -> Markup:
    """``<name attrs>children</name>``: text children and attribute values escaped unless
    Markup. Unlike :func:`msp_learn.html.el`, names may be camelCase (``viewBox``,
    ``patternUnits``); ``stroke_width`` is written ``stroke-width``."""
    parts = []
    for key, value in attrs.items():
        key = key.rstrip("_")
        key = key if any(c.isupper() for c in key) else key.replace("_", "-")
        if not _ATTR.fullmatch(key):
            raise ValueError(f"not an attribute name: {key!r}")
        if value is None or value is False:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        parts.append(f' {key}="{escape(value)}"')
    inner = "".join(escape(c) for c in children if c is not None and c != "")
    if not inner:
        return Markup(f"<{name}{''.join(parts)}/>")
    return Markup(f"<{name}{''.join(parts)}>{inner}</{name}>")


def text(x: float, y: float, label: Any, *, anchor: str = "start", size: int = FONT,
         weight: str | None = None, fill: str = INK, **attrs: Any) -> Markup:
    return tag("text", str(label), x=x, y=y, text_anchor=anchor, font_size=size,
               font_weight=weight, fill=fill, **attrs)


# values

def number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a shown figure."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def label(value: Any, unit: str = "") -> str:
    """A value as the chart writes it: ``73.3%``, ``12``, or "not shown"."""
    num = number(value)
    if num is None:
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        return NOT_SHOWN if missing or str(value).strip() in ("", "<NA>", "nan") else str(value)
    shown = f"{num:,.0f}" if num == int(num) else f"{num:,.1f}"
    if unit == "%":
        return shown + "%"
    return shown


def _short(value: Any, limit: int = 28) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[:limit - 1] + "\u2026"


def _wrap(value: Any, width: int, lines: int = 2) -> list[str]:
    """``value`` in at most ``lines`` lines of about ``width`` characters (the last cut)."""
    words, out, line = " ".join(str(value).split()).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _short(out[-1] + " \u2026", width)
    return [_short(s, width) for s in out]


def _ticks(top: float, unit: str = "") -> tuple[float, float]:
    """The axis top and the step between gridlines (at most 5 steps of 1, 2 or 5 x 10^k)."""
    if unit == "%" and 50 < top <= 100:
        return 100.0, 25.0
    if top <= 0:
        return 1.0, 0.25
    for power in range(math.floor(math.log10(top)) - 1, math.floor(math.log10(top)) + 2):
        for m in (1, 2, 5):
            step = m * 10 ** power
            if math.ceil(top / step) <= 5:
                return step * math.ceil(top / step), step
    return top, top / 4


def _nice_max(top: float, unit: str = "") -> float:
    return _ticks(top, unit)[0]


# patterns (a fill that reads without colour)

def _pattern_defs(pid: str) -> Markup:
    pats = []
    for i, (colour, kind) in enumerate(SERIES):
        marks: list[Markup] = [tag("rect", width=8, height=8, fill=colour)]
        ink = "#ffffff" if i in (0, 3) else INK
        if kind == "hatch":
            marks.append(tag("path", d="M0,8 L8,0", stroke=ink, stroke_width=1.5))
        elif kind == "dots":
            marks.append(tag("circle", cx=4, cy=4, r=1.4, fill=ink))
        elif kind == "cross":
            marks.append(tag("path", d="M0,0 L8,8 M8,0 L0,8", stroke=ink, stroke_width=1))
        elif kind == "back":
            marks.append(tag("path", d="M0,0 L8,8", stroke=ink, stroke_width=1.5))
        elif kind == "grid":
            marks.append(tag("path", d="M4,0 V8 M0,4 H8", stroke=ink, stroke_width=1))
        pats.append(tag("pattern", *marks, id=f"{pid}-p{i}", width=8, height=8,
                        patternUnits="userSpaceOnUse"))
    pats.append(tag("pattern", tag("rect", width=8, height=8, fill="#ffffff"),
                    tag("path", d="M0,8 L8,0", stroke=GRID, stroke_width=1),
                    id=f"{pid}-none", width=8, height=8, patternUnits="userSpaceOnUse"))
    pats.append(tag("marker", tag("path", d="M0,0 L10,5 L0,10 z", fill=INK),
                    id=f"{pid}-arrow", viewBox="0 0 10 10", refX=10, refY=5, markerWidth=7,
                    markerHeight=7, markerUnits="userSpaceOnUse", orient="auto"))
    return tag("defs", *pats)


def _frame(pid: str, plot: Plot, height: float, body: Iterable[Markup],
           width: int = WIDTH, natural: bool = False, grid: bool = False,
           compact: bool = False) -> Markup:
    """The ``<svg>`` around ``body``. ``natural``: never drawn narrower than its own width
    (a wide path diagram scrolls sideways rather than shrinking its text away); ``grid``:
    a heatmap, which scrolls sideways on a phone rather than shrink (bars just scale);
    ``compact``: a narrow chart, shown no wider than about its own size."""
    title_id, desc_id = f"{pid}-title", f"{pid}-desc"
    return tag("svg", tag("title", plot.title, id=title_id), tag("desc", plot.alt, id=desc_id),
               _pattern_defs(pid), *body, xmlns="http://www.w3.org/2000/svg", role="img",
               aria_labelledby=f"{title_id} {desc_id}", viewBox=f"0 0 {width} {height:.0f}",
               width="100%", preserveAspectRatio="xMinYMin meet",
               class_=" ".join(c for c in ("msp-chart",
                                           "msp-chart-natural" if natural and width > WIDTH
                                           else "", "msp-chart-grid" if grid else "",
                                           "msp-chart-compact" if compact else "") if c),
               style=f"min-width: {width * 0.9:.0f}px" if natural and width > WIDTH else None,
               font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif")


def _empty(pid: str, plot: Plot) -> Markup:
    return _frame(pid, plot, 60, [text(10, 35, "No figures to show.", fill=MUTED)])


# the kinds

def _bar(pid: str, plot: Plot, frame: pd.DataFrame) -> Markup:
    cats = [str(c) for c in frame[plot.x]]
    vals = list(frame[plot.y])
    nums = [number(v) for v in vals]
    top, step = _ticks(max([n for n in nums if n is not None] or [0]), plot.unit)
    left, right, plot_top, plot_h = 56, 16, 28, 260
    slot = (WIDTH - left - right) / max(1, len(cats))
    bar_w = min(64.0, slot * 0.7)
    lines = 3 if slot < 90 else 2
    chars = max(4, int(slot / (FONT * 0.55)))
    base = plot_top + plot_h
    body = [_axis(left, WIDTH - right, plot_top, plot_h, top, step, plot.unit)]
    for i, (cat, raw, num) in enumerate(zip(cats, vals, nums, strict=True)):
        cx = left + slot * (i + 0.5)
        if num is None:
            body.append(tag("rect", x=cx - bar_w / 2, y=base - 24, width=bar_w, height=24,
                            fill=f"url(#{pid}-none)", stroke=GRID))
            body.append(text(cx, base - 30, label(raw, plot.unit), anchor="middle", size=13,
                             fill=MUTED))
        else:
            h = plot_h * max(0.0, num) / top
            body.append(tag("rect", tag("title", f"{cat}: {label(num, plot.unit)}"),
                            x=cx - bar_w / 2, y=base - h, width=bar_w, height=max(h, 1),
                            fill=BAR))
            body.append(text(cx, base - h - 6, label(num, plot.unit), anchor="middle",
                             weight="bold"))
        for j, line in enumerate(_wrap(cat, chars, lines)):
            body.append(text(cx, base + 20 + j * (FONT + 2), line, anchor="middle"))
    return _frame(pid, plot, base + 24 + lines * (FONT + 2), body)


def _axis(x0: float, x1: float, y0: float, h: float, top: float, step: float,
          unit: str) -> Markup:
    marks = []
    for k in range(round(top / step) + 1):
        v = step * k
        y = y0 + h - h * v / top
        marks.append(tag("line", x1=x0, x2=x1, y1=y, y2=y, stroke=GRID, stroke_width=1,
                         stroke_dasharray=None if k == 0 else "3 3"))
        marks.append(text(x0 - 6, y + 5, label(v, unit), anchor="end", size=13, fill=MUTED))
    return tag("g", *marks, aria_hidden="true")


#: Horizontal bars are drawn narrower and larger, so their words stay readable when a
#: phone scales the chart down to its width.
HBAR_WIDTH, HBAR_FONT = 560, 17


def _hbar(pid: str, plot: Plot, frame: pd.DataFrame) -> Markup:
    cats = [str(c) for c in frame[plot.x]]
    vals = list(frame[plot.y])
    nums = [number(v) for v in vals]
    top = _nice_max(max([n for n in nums if n is not None] or [0]), plot.unit)
    label_w, row, bar_h, right = 220, 46, 28, 80
    span = HBAR_WIDTH - label_w - right
    body = []
    for i, (cat, raw, num) in enumerate(zip(cats, vals, nums, strict=True)):
        y = 12 + i * row
        lines = _wrap(cat, 22, 2)
        for j, line in enumerate(lines):
            body.append(text(label_w - 10, y + bar_h / 2 + 6 + (j - (len(lines) - 1) / 2) * 18,
                             line, anchor="end", size=HBAR_FONT))
        if num is None:
            body.append(tag("rect", x=label_w, y=y, width=40, height=bar_h,
                            fill=f"url(#{pid}-none)", stroke=GRID))
            body.append(text(label_w + 48, y + bar_h / 2 + 6, label(raw, plot.unit),
                             fill=MUTED, size=HBAR_FONT - 2))
        else:
            w = span * max(0.0, num) / top
            body.append(tag("rect", tag("title", f"{cat}: {label(num, plot.unit)}"),
                            x=label_w, y=y, width=max(w, 1), height=bar_h, fill=BAR))
            body.append(text(label_w + w + 6, y + bar_h / 2 + 6, label(num, plot.unit),
                             weight="bold", size=HBAR_FONT))
    height = 12 + len(cats) * row
    body.append(tag("line", x1=label_w, x2=label_w, y1=6, y2=height - 10, stroke=INK))
    return _frame(pid, plot, height, body, HBAR_WIDTH, compact=True)


def _stacked(pid: str, plot: Plot, frame: pd.DataFrame) -> Markup:
    series = list(plot.series) or [plot.y]
    cats = [str(c) for c in frame[plot.x]]
    rows = [[number(v) for v in frame[s]] for s in series]
    totals = [sum(r[i] or 0 for r in rows) for i in range(len(cats))]
    top = _nice_max(max(totals or [0]), plot.unit)
    label_w, row, bar_h, right = 220, 44, 28, 24
    span = WIDTH - label_w - right
    legend_rows = math.ceil(len(series) / 3)
    y0 = 14 + legend_rows * 26
    body = []
    for k, name in enumerate(series):  # the legend: pattern swatch and name, in order
        lx, ly = 10 + (k % 3) * 236, 8 + (k // 3) * 26
        body.append(tag("rect", x=lx, y=ly, width=18, height=18,
                        fill=f"url(#{pid}-p{k % len(SERIES)})", stroke=INK, stroke_width=0.5))
        body.append(text(lx + 24, ly + 14, _short(name, 24)))
    for i, cat in enumerate(cats):
        y = y0 + i * row
        for j, line in enumerate(_wrap(cat, 26, 2)):
            body.append(text(label_w - 10, y + bar_h / 2 + 5 + (j - 0.5 * (len(
                _wrap(cat, 26, 2)) - 1)) * 16, line, anchor="end"))
        x = float(label_w)
        shown = [r[i] for r in rows]
        if all(v is None for v in shown):
            body.append(tag("rect", x=x, y=y, width=40, height=bar_h, fill=f"url(#{pid}-none)",
                            stroke=GRID))
            body.append(text(x + 48, y + bar_h / 2 + 5, NOT_SHOWN, fill=MUTED, size=13))
            continue
        for k, (name, v) in enumerate(zip(series, shown, strict=True)):
            if not v:
                continue
            w = span * v / top
            colour_index = k % len(SERIES)
            body.append(tag("rect", tag("title", f"{cat}, {name}: {label(v, plot.unit)}"),
                            x=x, y=y, width=w, height=bar_h,
                            fill=f"url(#{pid}-p{colour_index})", stroke="#ffffff",
                            stroke_width=1))
            words = label(v, plot.unit)
            if w >= len(words) * 9 + 8:  # the value inside its segment, on a white pill
                pill = len(words) * 8.5 + 8
                body.append(tag("rect", x=x + w / 2 - pill / 2, y=y + bar_h / 2 - 10,
                                width=pill, height=20, rx=4, fill="#ffffff", opacity=0.9))
                body.append(text(x + w / 2, y + bar_h / 2 + 5, words, anchor="middle", size=14,
                                 weight="bold"))
            x += w
    return _frame(pid, plot, y0 + len(cats) * row + 6, body)


#: Heatmap shades: one hue, lightness steps that stay distinct in greyscale.
SHADES = ("#f3f2f1", "#d2e2f1", "#9fc1e3", "#5694ca", "#1d70b8", "#0b3c6e")


def _heatmap(pid: str, plot: Plot, frame: pd.DataFrame) -> Markup:
    xs = list(dict.fromkeys(str(v) for v in frame[plot.x]))
    ys = list(dict.fromkeys(str(v) for v in frame[plot.y]))
    cells = {(str(a), str(b)): v for a, b, v in zip(frame[plot.x], frame[plot.y],
                                                    frame[plot.value], strict=True)}
    nums = [n for n in (number(v) for v in cells.values()) if n is not None]
    lo, hi = (min(nums), max(nums)) if nums else (0.0, 1.0)
    if plot.unit == "%":
        lo, hi = 0.0, max(hi, 100.0)
    label_w = 270
    cell_w = max(56.0, min(120.0, (WIDTH - label_w - 8) / max(1, len(xs))))
    width = max(WIDTH, int(label_w + cell_w * len(xs) + 8))
    cell_h = 40
    heads = [_wrap(name, max(5, int(cell_w / 8.5)), 3) for name in xs]
    head_h = 14 + 16 * max(len(h) for h in heads)
    body = []
    for i, lines in enumerate(heads):
        cx = label_w + cell_w * (i + 0.5)
        for j, line in enumerate(lines):
            body.append(text(cx, 18 + j * 16, line, anchor="middle", size=13, weight="bold"))
    for r, row_name in enumerate(ys):
        y = head_h + r * cell_h
        lines = _wrap(row_name, 32, 2)
        for j, line in enumerate(lines):
            body.append(text(label_w - 8, y + cell_h / 2 + 4 + (j - (len(lines) - 1) / 2) * 16,
                             line, anchor="end", size=14))
        for i, col in enumerate(xs):
            x = label_w + cell_w * i
            raw = cells.get((col, row_name))
            num = number(raw)
            if num is None:
                fill, ink = f"url(#{pid}-none)", MUTED
                words = "\u2013" if raw is None else label(raw, plot.unit)
                words = "\u2013" if words == NOT_SHOWN else words
            else:
                step = 0 if hi == lo else round((num - lo) / (hi - lo) * (len(SHADES) - 1))
                fill = SHADES[step]
                ink = "#ffffff" if step >= 3 else INK
                words = label(num, plot.unit)
            body.append(tag("rect", tag("title", f"{row_name}, {col}: "
                                        f"{NOT_SHOWN if num is None else words}"),
                            x=x, y=y, width=cell_w - 3, height=cell_h - 3, fill=fill,
                            stroke=GRID, stroke_width=0.5))
            body.append(text(x + cell_w / 2 - 1, y + cell_h / 2 + 4, _short(words, 8),
                             anchor="middle", size=14, fill=ink,
                             weight="bold" if num is not None else None))
    height = head_h + len(ys) * cell_h + 30
    note = f"Darker cells are higher; every cell shows its value. \u2013 means {NOT_SHOWN}."
    body.append(text(8, height - 10, note, size=13, fill=MUTED))
    return _frame(pid, plot, height, body, width, grid=True)


def _depths(frame: pd.DataFrame) -> dict[str, int]:
    """Each node's column: its fewest steps from a start (a node no choice leads to)."""
    edges: dict[str, list[str]] = {}
    nodes = []
    for a, b in zip(frame["node"], frame["next"], strict=True):
        a, b = str(a), "" if b is None or (isinstance(b, float) and math.isnan(b)) else str(b)
        edges.setdefault(a, [])
        nodes.append(a)
        if b:
            edges[a].append(b)
            nodes.append(b)
    nodes = list(dict.fromkeys(nodes))
    targets = {b for bs in edges.values() for b in bs}
    starts = [n for n in nodes if n not in targets] or nodes[:1]
    depth = {n: 0 for n in starts}
    queue = list(starts)
    while queue:
        here = queue.pop(0)
        for nxt in edges.get(here, []):
            if nxt not in depth:
                depth[nxt] = depth[here] + 1
                queue.append(nxt)
    for n in nodes:  # unreachable from a start (a loop of its own): after the rest
        depth.setdefault(n, max(depth.values(), default=0) + 1)
    return {n: depth[n] for n in nodes}


#: Optional columns naming a path diagram's steps (else the ids are shown): the first
#: present of each pair is used.
NODE_LABELS = ("node_label", "Point in the story")
NEXT_LABELS = ("next_label", "Leads to")


def _node_names(frame: pd.DataFrame) -> dict[str, str]:
    """Each step id's name to show, from the label columns when the frame has them."""
    names: dict[str, str] = {}
    for ids, options in (("node", NODE_LABELS), ("next", NEXT_LABELS)):
        col = next((c for c in options if c in frame.columns), None)
        if col is None:
            continue
        for ident, name in zip(frame[ids], frame[col], strict=True):
            if isinstance(ident, str) and isinstance(name, str) and name.strip():
                names.setdefault(ident, name)
    return names


def _paths(pid: str, plot: Plot, frame: pd.DataFrame) -> Markup:
    depth = _depths(frame)
    step_names = _node_names(frame)
    columns: dict[int, list[str]] = {}
    for node, d in depth.items():
        columns.setdefault(d, []).append(node)
    ncols = max(columns) + 1
    box_w, box_h, gap_x, gap_y, top = 140, 50, 220, 40, 56
    width = max(WIDTH, int(20 + ncols * box_w + (ncols - 1) * gap_x))
    left = (width - (ncols * box_w + (ncols - 1) * gap_x)) / 2
    tallest = max(len(v) for v in columns.values())
    height = top + tallest * (box_h + gap_y) + 10
    pos: dict[str, tuple[float, float]] = {}
    for d, names in columns.items():
        offset = (tallest - len(names)) * (box_h + gap_y) / 2
        for k, name in enumerate(names):
            pos[name] = (left + d * (box_w + gap_x), top + offset + k * (box_h + gap_y))
    counts = [n for n in (number(v) for v in frame["count"]) if n is not None]
    most = max(counts or [1]) or 1
    leaving = {str(v) for v in frame["node"]}
    edges, labels = [], []
    placed: list[tuple[float, float, float, float]] = [
        (x, y, box_w, box_h) for x, y in pos.values()]
    seen: dict[tuple[str, str], int] = {}
    for node, choice, nxt, count in zip(frame["node"], frame["choice"], frame["next"],
                                        frame["count"], strict=True):
        node = str(node)
        if nxt is None or (isinstance(nxt, float) and math.isnan(nxt)) or str(nxt) == "":
            continue
        nxt = str(nxt)
        num = number(count)
        (ax, ay), (bx, by) = pos[node], pos[nxt]
        k = seen.get((node, nxt), 0)
        seen[(node, nxt)] = k + 1
        bend = 22 * k
        if bx == ax:  # within a column: bulge out to the right
            x1, y1, x2, y2 = ax + box_w, ay + box_h / 2, bx + box_w, by + box_h / 2
            out = x1 + 60 + bend
            d = f"M{x1:.0f},{y1:.0f} C{out:.0f},{y1:.0f} {out:.0f},{y2:.0f} {x2 + 2:.0f},{y2:.0f}"
            mx, my = x1 + 45 + bend, (y1 + y2) / 2
        elif bx < ax:  # back to an earlier column: loop under the boxes
            x1, y1, x2, y2 = ax + box_w / 2, ay + box_h, bx + box_w / 2, by + box_h
            low = max(ay, by) + box_h + 30 + bend
            d = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{low:.0f} {x2:.0f},{low:.0f} {x2:.0f},{y2 + 2:.0f}"
            mx, my = (x1 + x2) / 2, low - 8
        else:
            x1, y1, x2, y2 = ax + box_w, ay + box_h / 2, bx - 2, by + box_h / 2
            c = (x2 - x1) / 2
            d = (f"M{x1:.0f},{y1:.0f} C{x1 + c:.0f},{y1:.0f} {x2 - c:.0f},{y2:.0f} "
                 f"{x2:.0f},{y2:.0f}")
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2 + bend
        shown = label(count) if num is not None else NOT_SHOWN
        stroke = 1.5 if num is None else 1.5 + 8.5 * max(0.0, num) / most
        edges.append(tag("path", tag("title", f"{step_names.get(node, node)} \u2192 "
                                     f"{step_names.get(nxt, nxt)}, {choice}: {shown}"),
                         d=d, fill="none", stroke=MUTED if num is None else BAR,
                         stroke_width=stroke, stroke_dasharray="5 4" if num is None else None,
                         marker_end=f"url(#{pid}-arrow)", opacity=0.85))
        lines = [_short(str(choice).replace("-", " "), 24),
                 shown if num is None else f"chosen {shown} time{'s' * (num != 1)}"]
        pill = max(len(line) for line in lines) * 7.0 + 10
        my = _free_spot(placed, mx, my, pill, 36)
        labels.append(tag("g", tag("rect", x=mx - pill / 2, y=my - 17, width=pill, height=34,
                                   rx=4, fill="#ffffff", stroke=GRID),
                          text(mx, my - 3, lines[0], anchor="middle", size=13),
                          text(mx, my + 12, lines[1], anchor="middle", size=13,
                               weight="bold"), aria_hidden="true"))
    boxes = []
    for name, (x, y) in pos.items():
        ending = name not in leaving
        shown_name = step_names.get(name) or name.replace("-", " ")
        lines = _wrap(shown_name, 14 if ending else 17, 2)
        boxes.append(tag("rect", tag("title", ("Ending: " if ending else "Step: ") + shown_name),
                         x=x, y=y, width=box_w, height=box_h, rx=14 if ending else 2,
                         fill="#f3f2f1" if ending else "#ffffff", stroke=INK,
                         stroke_width=3 if ending else 1.5))
        for j, line in enumerate(lines):
            boxes.append(text(x + box_w / 2, y + box_h / 2 + 5 + (j - (len(lines) - 1) / 2) * 16,
                              line, anchor="middle", size=14,
                              weight="bold" if ending else None))
    legend = [text(10, 18, "Boxes are points in the story; rounded boxes with a thick border "
                   "are endings.", size=13, fill=MUTED),
              text(10, 36, "Arrows are choices, thicker when chosen more often; each says how "
                   "often it was chosen.", size=13, fill=MUTED)]
    height = max(height, max(y + h for _, y, _, h in placed) + 10)
    return _frame(pid, plot, height, [*legend, *edges, *boxes, *labels], width, natural=True)


def _free_spot(placed: list[tuple[float, float, float, float]], cx: float, cy: float,
               w: float, h: float) -> float:
    """A centre height near ``cy`` where a ``w`` x ``h`` label centred at ``cx`` overlaps
    nothing already placed (boxes and labels); the spot is then taken."""
    def clashes(y: float) -> bool:
        x0, y0 = cx - w / 2, y - h / 2
        return any(x0 < px + pw and px < x0 + w and y0 < py + ph and py < y0 + h
                   for px, py, pw, ph in placed)

    for step in range(0, 12):
        for y in ((cy + step * 18, cy - step * 18) if step else (cy,)):
            if y - h / 2 >= 44 and not clashes(y):
                placed.append((cx - w / 2, y - h / 2, w, h))
                return y
    placed.append((cx - w / 2, cy - h / 2, w, h))
    return cy


KINDS = {"bar": _bar, "hbar": _hbar, "stacked": _stacked, "heatmap": _heatmap,
         "paths": _paths}


def needed_columns(plot: Plot) -> list[str]:
    """The frame columns ``plot`` draws."""
    if plot.kind == "paths":
        return ["node", "choice", "next", "count"]
    if plot.kind == "stacked":
        return [plot.x, *(plot.series or (plot.y,))]
    if plot.kind == "heatmap":
        return [plot.x, plot.y, plot.value]
    return [plot.x, plot.y]


def svg(plot: Plot, frame: pd.DataFrame, *, id_prefix: str = "chart") -> Markup:
    """``plot`` of ``frame`` as an accessible SVG (``id_prefix`` keeps ids unique on a page).

    Raises ValueError naming the columns when the frame lacks one the plot needs.
    """
    if plot.kind not in KINDS:
        raise ValueError(f"unknown plot kind {plot.kind!r}: use one of {', '.join(KINDS)}")
    missing = [c for c in needed_columns(plot) if c not in frame.columns]
    if missing:
        raise ValueError(f"the {plot.kind} plot '{plot.title}' needs column(s) "
                         f"{', '.join(map(repr, missing))}; the table has "
                         f"{', '.join(map(repr, map(str, frame.columns)))}")
    pid = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix) or "chart"
    if frame.empty:
        return _empty(pid, plot)
    return KINDS[plot.kind](pid, plot, frame.reset_index(drop=True))
