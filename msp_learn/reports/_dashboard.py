"""The leads' dashboard: filters over the report's data, and the report's own sections.

A thin ipywidgets view (reports sit beside ``widgets/`` in the house, so it builds on
ipywidgets directly): choosing a team, role, assignment or period and pressing "Show" runs
``sections(data.filter(...))`` again and draws the result with the HTML report's own
:func:`._html.section_html`: the same SVG plots and tables, escaped the same way. It
computes no figure itself. Who may open it is the app's business (only leads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W

from msp_learn.html import Markup, alert, el, escape, join, status

from ._html import CSS, group_anchor, groups, section_html
from ._section import Section

ALL = "__all__"
PAGE_CSS = """
.msp-dashboard .msp-filters { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem;
  align-items: flex-end; margin: 0 0 1rem; height: auto; }
.msp-dashboard .msp-filter.widget-inline-hbox { display: flex; flex-direction: column;
  align-items: stretch; height: auto !important; width: 15rem; max-width: 100%; margin: 0; }
.msp-dashboard .msp-filter > .widget-label { text-align: left !important; width: auto !important;
  max-width: none !important; height: auto !important; line-height: 1.4; margin: 0 0 .25rem;
  font-size: 1rem; font-weight: 700; color: #0b0c0c; white-space: normal; overflow: visible; }
.msp-dashboard .msp-filter > select, .msp-dashboard .msp-filter > input {
  width: 100% !important; height: 2.5rem !important; box-sizing: border-box; flex: none;
  margin: 0; font-size: 1rem; border: 2px solid #0b0c0c; background-color: #fff;
  color: #0b0c0c; }
.msp-dashboard .msp-filter > select:focus, .msp-dashboard .msp-filter > input:focus {
  outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: inset 0 0 0 2px #0b0c0c; }
.msp-dashboard button.msp-show { font-size: 1.0625rem; height: 2.75rem; padding: 0 1.25rem;
  background: #00703c; color: #fff; box-shadow: 0 2px 0 #002d18; border: 0; }
.msp-dashboard button.msp-show:focus { outline: 3px solid #ffdd00; background: #ffdd00;
  color: #0b0c0c; }
.msp-dashboard .msp-report { margin: 0; padding: 0; max-width: 60rem; min-width: 0; }
.msp-dashboard, .msp-dashboard > .widget-html, .msp-dashboard .widget-html-content {
  min-width: 0; max-width: 100%; }
.msp-dashboard .msp-report h2, .msp-dashboard .msp-report h3 { overflow-wrap: anywhere; }
.msp-dashboard [role=status], .msp-dashboard [role=alert] { font-size: 1.0625rem;
  margin: .5rem 0; }
.msp-dashboard [role=alert] { border-left: 6px solid #d4351c; padding-left: .75rem;
  font-weight: 700; }
.msp-dashboard .msp-filters-heading { font-size: 1.375rem; margin: 1.5rem 0 .75rem; }
"""


def _choices(values: Any, everything: str) -> list[tuple[str, str]]:
    """Dropdown options: "All ..." then each distinct value, sorted."""
    seen = sorted({str(v) for v in values if v is not None and str(v).strip()
                   and str(v) != "nan"}, key=str.casefold)
    return [(everything, ALL), *((v, v) for v in seen)]


def _column(frame: Any, name: str) -> list:
    try:
        return list(frame[name])
    except (KeyError, TypeError):
        return []


def page_html(sections: Sequence[Section], *, part: str = ALL) -> Markup:
    """The sections (of one part, or all) as the report draws them, part headings as h2."""
    body = []
    for name, secs in groups(sections):
        if part != ALL and name != part:
            continue
        body.append(el("h2", name, id="dash-" + group_anchor(name)))
        body.extend(section_html(s) for s in secs)
    if not body:
        body.append(el("p", "There are no tables for this choice: try fewer filters."))
    return el("div", *body, class_="msp-report")


class Dashboard:
    """Filters and the report's sections for ``data`` (a ``ReportData``).

    ``make_sections(data, min_group=...)`` makes the sections (``reports.sections`` by
    default); ``title`` heads the page.
    """

    def __init__(self, data: Any, *, make_sections: Callable[..., list[Section]] | None = None,
                 min_group: int = 5, title: str = "Workforce learning report",
                 intro: str = "") -> None:
        if make_sections is None:
            from msp_learn import reports

            make_sections = reports.sections
        self.data = data
        self.make_sections = make_sections
        self.min_group = min_group
        self.sections: list[Section] = []
        learners = getattr(data, "learners", None)
        grades = getattr(data, "grades", None)
        assignments = _column(grades, "assignment") + _column(
            getattr(data, "assignments", None), "assignment")
        def layout() -> W.Layout:  # one each: a Layout shared by widgets is shared state
            return W.Layout(width="15rem", max_width="100%")

        style = {"description_width": "initial"}
        self.team = W.Dropdown(options=_choices(_column(learners, "team"), "All teams"),
                               description="Team", layout=layout(), style=style)
        self.role = W.Dropdown(options=_choices(_column(learners, "role"), "All roles"),
                               description="Role", layout=layout(), style=style)
        self.assignment = W.Dropdown(options=_choices(assignments, "All assignments"),
                                     description="Assignment", layout=layout(), style=style)
        self.since = W.DatePicker(description="From (first day)", layout=layout(), style=style)
        self.until = W.DatePicker(description="To (last day)", layout=layout(), style=style)
        self.part = W.Dropdown(options=[("All parts", ALL)], description="Part of the report",
                               layout=layout(), style=style)
        for w in (self.team, self.role, self.assignment, self.since, self.until, self.part):
            w.add_class("msp-filter")
        for w in (self.team, self.role, self.assignment):
            if len(w.options) < 2:  # nothing to choose between: not shown
                w.layout.display = "none"
        self.show = W.Button(description="Show the report", tooltip="Show the report for "
                             "these choices", layout=W.Layout(width="auto"))
        self.show.add_class("msp-show")
        self.show.on_click(lambda _b: self.apply())
        self.part.observe(lambda _c: self.redraw(), names="value")
        self.status = W.HTML()
        self.output = W.HTML()
        head = el("h1", title) + (el("p", intro) if intro else Markup("")) + el(
            "p", "Choose who and when, then press Show the report. No figure is shown for a "
            "group too small to keep its members anonymous.")
        filters = W.Box([self.team, self.role, self.assignment, self.since, self.until,
                         self.show])
        filters.add_class("msp-filters")
        parts = W.Box([self.part])
        parts.add_class("msp-filters")
        self.widget = W.VBox([W.HTML(f"<style>{CSS}{PAGE_CSS}</style>"),
                              W.HTML(str(el("div", head, class_="msp-report"))),
                              W.HTML(str(el("h2", "Choose who and when", class_="msp-filters-heading"))),
                              filters, self.status, parts, self.output])
        self.widget.add_class("msp-dashboard")
        self.apply()

    def choices(self) -> dict[str, Any]:
        """The filters as ``ReportData.filter`` takes them (None: no filter)."""
        def one(widget: W.Dropdown) -> str | None:
            return None if widget.value == ALL else widget.value

        return {"team": one(self.team), "role": one(self.role),
                "assignment": one(self.assignment), "start": self.since.value,
                "end": self.until.value}

    def describe(self, chosen: dict[str, Any]) -> str:
        """The choice in words ("Team North, all roles, ...")."""
        def day(value: dt.date | None) -> str:
            return value.strftime("%d %B %Y") if value else ""

        words = [f"team {chosen['team']}" if chosen["team"] else "all teams",
                 f"role {chosen['role']}" if chosen["role"] else "all roles",
                 f"assignment {chosen['assignment']}" if chosen["assignment"]
                 else "all assignments"]
        if chosen["start"] or chosen["end"]:
            words.append(" ".join(w for w in ("from", day(chosen["start"])) if chosen["start"])
                         + (" " if chosen["start"] and chosen["end"] else "")
                         + (f"to {day(chosen['end'])}" if chosen["end"] else ""))
        return ", ".join(words)

    def apply(self) -> None:
        """Filter the data, make the sections again and draw them."""
        chosen = self.choices()
        if chosen["start"] and chosen["end"] and chosen["start"] > chosen["end"]:
            self.status.value = str(alert("The first day is after the last day: choose a first "
                                          "day on or before the last day."))
            return
        self.status.value = str(status("Working out the tables\u2026"))
        try:
            wanted = {k: v for k, v in chosen.items() if v is not None}
            data = self.data.filter(**wanted) if wanted else self.data
            self.sections = list(self.make_sections(data, min_group=self.min_group))
        except Exception as exc:  # show the lead what went wrong, never a traceback
            self.status.value = str(alert(f"The tables could not be made: {exc}"))
            return
        names = [name for name, _ in groups(self.sections)]
        keep = self.part.value if self.part.value in names else ALL
        with self.part.hold_trait_notifications():
            self.part.options = [("All parts", ALL), *((n, n) for n in names)]
            self.part.value = keep
        self.status.value = str(status(join([
            "Showing ", escape(self.describe(chosen)), f": {len(self.sections)} table"
            f"{'s' * (len(self.sections) != 1)}."])))
        self.redraw()

    def redraw(self) -> None:
        self.output.value = str(page_html(self.sections, part=self.part.value or ALL))
