"""The report as one self-contained HTML page: inline CSS and SVG, nothing fetched, no script.

It opens offline by double-click and prints well (each part starts on a new page; tables
repeat their header row). Every text goes through :mod:`msp_learn.html`, so learner text
in a table is shown, never run. :func:`section_html` is also what the leads' dashboard shows,
so the dashboard and the file draw the same sections the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from msp_learn.html import Markup, el, escape, paras

from ._plots import svg
from ._section import Section

TITLE = "Making Safeguarding Personal: workforce learning report"

#: Scoped to ``.msp-report``, so the dashboard can show the same markup inside Voila.
CSS = """
.msp-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1.1875rem; line-height: 1.5; color: #0b0c0c; background: #fff; max-width: 60rem;
  margin: 0 auto; padding: 0 1rem 3rem; }
.msp-report h1 { font-size: 2.25rem; line-height: 1.15; margin: 2rem 0 1rem; }
.msp-report h2 { font-size: 1.75rem; line-height: 1.2; margin: 3rem 0 1rem;
  padding-top: 1rem; border-top: 4px solid #1d70b8; }
.msp-report h3 { font-size: 1.375rem; line-height: 1.25; margin: 2.5rem 0 .75rem; }
.msp-report p, .msp-report li { max-width: 42rem; }
.msp-report a { color: #1d70b8; text-decoration: underline; text-underline-offset: .15em; }
.msp-report a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
.msp-report .msp-lede { font-size: 1.3rem; }
.msp-report .msp-meta { color: #505a5f; }
.msp-report .msp-contents ol { padding-left: 1.5rem; }
.msp-report .msp-contents li { margin: .25rem 0; }
.msp-report .msp-notes { border-left: 6px solid #b1b4b6; padding: .25rem 0 .25rem 1rem;
  margin: 1rem 0; }
.msp-report .msp-notes p { margin: .25rem 0; }
.msp-report figure { margin: 1.5rem 0; }
.msp-report figure svg { display: block; width: 100%; height: auto; max-width: 48rem; }
.msp-report figure svg.msp-chart-natural { max-width: none; }
.msp-report figure svg.msp-chart-compact { max-width: 36rem; }
.msp-report .msp-chart-wrap { overflow-x: auto; }
.msp-report .msp-chart-wrap:focus { outline: 3px solid #ffdd00; }
.msp-report figcaption { margin-top: .5rem; color: #0b0c0c; }
.msp-report figcaption strong { display: block; }
.msp-report .msp-table-wrap { overflow-x: auto; margin: 1rem 0 2rem; }
.msp-report .msp-table-wrap:focus { outline: 3px solid #ffdd00; }
.msp-report table { border-collapse: collapse; width: 100%; font-size: 1rem; }
.msp-report caption { text-align: left; font-weight: 700; font-size: 1.1875rem;
  padding-bottom: .5rem; }
.msp-report th, .msp-report td { border-bottom: 1px solid #b1b4b6; padding: .5rem 1rem .5rem 0;
  text-align: left; vertical-align: top; }
.msp-report thead th { border-bottom: 2px solid #0b0c0c; }
.msp-report td.msp-num, .msp-report th.msp-num { text-align: right;
  font-variant-numeric: tabular-nums; }
.msp-report .msp-none { color: #505a5f; }
.msp-report .msp-hidden { position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) {
  .msp-report { font-size: 1rem; padding: 0 .75rem 2rem; }
  .msp-report h1 { font-size: 1.75rem; }
  .msp-report h2 { font-size: 1.4rem; }
  .msp-report h3 { font-size: 1.2rem; }
  .msp-report table { font-size: .9375rem; }
  .msp-report figure svg.msp-chart-grid { min-width: 34rem; }
}
@media print {
  .msp-report { max-width: none; padding: 0; font-size: 11pt; }
  .msp-report h2 { break-before: page; border-top: none; }
  .msp-report .msp-contents + h2 { break-before: page; }
  .msp-report h3, .msp-report caption { break-after: avoid; }
  .msp-report figure, .msp-report tr { break-inside: avoid; }
  .msp-report thead { display: table-header-group; }
  .msp-report .msp-table-wrap, .msp-report .msp-chart-wrap { overflow: visible; }
  .msp-report figure svg { min-width: 0 !important; max-width: 100% !important; }
  .msp-report a { color: #0b0c0c; text-decoration: none; }
}
"""


def _decimals(values: Iterable[float]) -> int:
    """The fewest decimals (up to 3) that show every value of a column as it is."""
    most = 0
    for v in values:
        for d in range(4):
            if abs(round(v, d) - v) < 1e-9:
                break
        most = max(most, d)
    return most


def _is_missing(value: Any) -> bool:
    if isinstance(value, str | int):
        return False
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value)) and not isinstance(value, str)
    except (TypeError, ValueError):
        return False


def column_formatter(series: pd.Series) -> Callable[[Any], str]:
    """How a column's cells are written: numbers with the column's decimals and thousands
    separators, dates as ISO dates, everything else as text."""
    nums = [float(v) for v in series if isinstance(v, int | float) and not isinstance(v, bool)
            and not _is_missing(v)]
    places = _decimals(nums)

    def fmt(value: Any) -> str:
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, int | float):
            return f"{value:,.{places}f}"
        if isinstance(value, pd.Timestamp | dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) \
                else value.strftime("%Y-%m-%d")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    return fmt


def is_numeric(series: pd.Series) -> bool:
    """True when every shown value of the column is a number (a column of numbers with
    suppressed figures as None is often of object dtype)."""
    if pd.api.types.is_bool_dtype(series):
        return False
    if pd.api.types.is_numeric_dtype(series):
        return True
    if not pd.api.types.is_object_dtype(series):
        return False
    shown = [v for v in series.tolist() if not _is_missing(v)]
    return bool(shown) and all(isinstance(v, int | float) and not isinstance(v, bool)
                               for v in shown)


NOT_SHOWN_HTML = "<span aria-hidden='true'>\u2013</span><span class='msp-hidden'>not shown</span>"


def _cells_html(series: pd.Series, *, first: bool, numeric: bool) -> list[str]:
    """Each cell of a column as ``<td>``/``<th>`` markup, text escaped by msp_learn.html."""
    fmt = column_formatter(series)
    tag = "th" if first else "td"
    scope = " scope='row'" if first else ""
    num = " class='msp-num'" if numeric else ""
    none = f"<{tag}{scope} class='{'msp-num ' if numeric else ''}msp-none'>{NOT_SHOWN_HTML}</{tag}>"
    out = []
    for value in series.tolist():
        if _is_missing(value):
            out.append(none)
        else:
            out.append(f"<{tag}{scope}{num}>{escape(fmt(value))}</{tag}>")
    return out


def table_html(section: Section, *, caption_id: str) -> Markup:
    """The section's frame as an accessible table: a caption, ``<th scope>`` headers, the
    first column as row headers, numbers right-aligned, suppressed figures said in words."""
    frame = section.frame
    cols = [str(c) for c in frame.columns]
    numeric = [is_numeric(frame[c]) for c in frame.columns]
    head = el("tr", *[el("th", c, scope="col", class_="msp-num" if n else None)
                      for c, n in zip(cols, numeric, strict=True)])
    columns = [_cells_html(frame.iloc[:, i], first=i == 0, numeric=numeric[i])
               for i in range(len(cols))]
    rows = ["<tr>" + "".join(cells) + "</tr>" for cells in zip(*columns, strict=True)]
    if not rows:
        rows.append(str(el("tr", el("td", "No rows to show.", colspan=str(max(1, len(cols)))))))
    table = el("table", el("caption", "Table: " + section.title, id=caption_id),
               el("thead", head), el("tbody", Markup("".join(rows))))
    return el("div", table, class_="msp-table-wrap", role="region", tabindex="0",
              aria_labelledby=caption_id)


def anchor(section: Section) -> str:
    return "s-" + re.sub(r"[^A-Za-z0-9_-]+", "-", section.id)


def section_html(section: Section, *, level: int = 3) -> Markup:
    """One section: heading, description, notes, the plot with its text alternative beside
    it, and the table."""
    sid = anchor(section)
    parts: list[Any] = [el(f"h{level}", section.title, id=sid), paras(section.description)]
    if section.notes:
        parts.append(el("div", el("p", el("strong", "Notes")), *[el("p", n) for n in
                                                                  section.notes],
                        class_="msp-notes"))
    if section.plot is not None and not section.frame.empty:  # an empty table says so itself
        try:
            chart = svg(section.plot, section.frame, id_prefix=sid + "-chart")
        except ValueError as exc:  # a plot that does not fit its table: say so, keep the table
            parts.append(el("p", f"The chart could not be drawn: {exc}", class_="msp-meta"))
        else:
            wrap = el("div", chart, class_="msp-chart-wrap", role="region", tabindex="0",
                      aria_label=f"Chart: {section.plot.title} (scrolls sideways on a small "
                      "screen)")
            parts.append(el("figure", wrap, el("figcaption", el("strong", section.plot.title),
                                               section.plot.alt)))
    parts.append(table_html(section, caption_id=sid + "-caption"))
    return el("section", *parts, aria_labelledby=sid)


def groups(sections: Sequence[Section]) -> list[tuple[str, list[Section]]]:
    """The sections by report part, parts in the order they first appear."""
    out: dict[str, list[Section]] = {}
    for s in sections:
        out.setdefault(s.group or "Other tables", []).append(s)
    return list(out.items())


def group_anchor(name: str) -> str:
    return "part-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "other")


def contents(parts: list[tuple[str, list[Section]]]) -> Markup:
    items = [el("li", el("a", name, href="#" + group_anchor(name)),
                el("ol", *[el("li", el("a", s.title, href="#" + anchor(s))) for s in secs]))
             for name, secs in parts]
    return el("nav", el("h2", "Contents", id="contents"), el("ol", *items),
              class_="msp-contents", aria_labelledby="contents")


#: What a copy says of who may see it: made for sharing (``shared``), or not.
SHARED_NOTE = ("This copy is made to share beyond the learners' managers, with a Safeguarding "
               "Adults Board for example: no table names a learner, and the problems found in "
               "the data are counted, not listed.")
NAMED_NOTE = ("This copy names learners (in \u201cCompletion by learner\u201d): share it only "
              "with their managers. For anyone else, such as a Safeguarding Adults Board, make "
              "the copy for sharing: msp-learn report --board.")


def page(sections: Sequence[Section], *, title: str = TITLE, generated: dt.datetime | None = None,
         problems: Sequence[str] = (), on_section: Callable[[Section], None] | None = None,
         shared: bool = False) -> str:
    """The whole report as an HTML document (``on_section`` is called after each section is
    drawn, for a progress bar; ``shared``: the sections are ``for_sharing``'s, and the page
    says so)."""
    generated = generated or dt.datetime.now()
    parts = groups(sections)
    body: list[Any] = [
        el("h1", title),
        el("p", "Who has completed what, what the workforce still believes or gets wrong, and "
           "how people move through the case studies.", class_="msp-lede"),
        el("p", f"Made on {generated:%d %B %Y at %H:%M}. No figure is shown for a group "
           "too small to keep its members anonymous.", class_="msp-meta"),
    ]
    if shared:
        body.append(el("p", SHARED_NOTE, class_="msp-meta"))
    elif any(s.extra.get("names_individuals") for s in sections):
        body.append(el("p", NAMED_NOTE, class_="msp-meta"))
    if problems:
        body.append(el("div", el("p", el("strong", "Problems found in the data")),
                       el("ul", *[el("li", p) for p in problems]), class_="msp-notes"))
    body.append(contents(parts))
    for name, secs in parts:
        drawn = []
        for s in secs:
            drawn.append(section_html(s))
            if on_section is not None:
                on_section(s)
        body.append(el("h2", name, id=group_anchor(name)))
        body.extend(drawn)
    main = el("main", *body, class_="msp-report", id="main")
    head = Markup("<meta charset='utf-8'><meta name='viewport' content='width=device-width, "
                  "initial-scale=1'>") + el("title", title) + Markup(
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">") + el("style", Markup(CSS))
    document = el("html", el("head", head), el("body", main, style="margin:0"), lang="en-GB")
    return "<!DOCTYPE html>\n" + str(document) + "\n"
