"""The leads' dashboard, without a browser: filters re-run sections and redraw them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from msp_learn.reports._dashboard import ALL, Dashboard

from .sample_sections import sections


@dataclass
class FakeData:
    """A stand-in for ReportData: remembers the filters it was given."""

    learners: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({
        "learner": ["a", "b", "c"], "team": ["North", "South", "<b>Bold</b>"],
        "role": ["Social worker", "Social worker", "Team manager"]}))
    grades: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({
        "assignment": ["week-1", "week-2", "week-1"]}))
    filters: list = field(default_factory=list)

    def filter(self, **kwargs):
        self.filters.append(kwargs)
        return ("filtered", kwargs)


def make(calls):
    def make_sections(data, *, min_group):
        calls.append((data, min_group))
        secs = sections()
        if isinstance(data, tuple) and data[1].get("team") == "North":
            return secs[:2]
        return secs
    return make_sections


def test_dashboard_draws_the_reports_sections_at_once():
    """Does the dashboard draw every section (plots and tables) on opening, unfiltered?"""
    calls = []
    dash = Dashboard(FakeData(), make_sections=make(calls), min_group=7)
    assert len(calls) == 1 and calls[0][1] == 7 and isinstance(calls[0][0], FakeData)
    html = dash.output.value
    for s in sections():
        assert f"id='s-{s.id}'" in html
    assert html.count("<svg") == sum(1 for s in sections() if s.plot)
    assert html.count("<table>") == len(sections())
    assert "Showing all teams, all roles, all assignments: 7 tables." in dash.status.value


def test_choosing_filters_reruns_sections_with_them():
    """Does pressing Show after choosing a team, assignment and period call data.filter with
    them, make the sections again and draw only those?"""
    calls, data = [], FakeData()
    dash = Dashboard(data, make_sections=make(calls))
    assert [o[1] for o in dash.team.options] == [ALL, "<b>Bold</b>", "North", "South"]
    assert [o[1] for o in dash.assignment.options] == [ALL, "week-1", "week-2"]
    dash.team.value = "North"
    dash.assignment.value = "week-2"
    dash.since.value = dt.date(2026, 11, 1)
    dash.show.click()
    assert data.filters[-1] == {"team": "North", "assignment": "week-2",
                                "start": dt.date(2026, 11, 1)}
    assert len(calls) == 2
    assert dash.output.value.count("<section") == 2
    assert "team North" in dash.status.value and "from 01 November 2026" in dash.status.value


def test_a_filter_with_nothing_to_choose_is_hidden():
    """Is a filter with no values to choose between (no assignments yet) left out?"""
    data = FakeData(grades=pd.DataFrame({"assignment": []}))
    dash = Dashboard(data, make_sections=make([]))
    assert dash.assignment.layout.display == "none" and dash.team.layout.display is None


def test_part_choice_shows_one_part_only():
    """Does choosing a part of the report show only that part's sections?"""
    dash = Dashboard(FakeData(), make_sections=make([]))
    assert [o[0] for o in dash.part.options] == ["All parts", "Completion", "Myths",
                                                 "Case studies", "Items", "Reflection"]
    dash.part.value = "Myths"
    assert dash.output.value.count("<section") == 1 and "myths-by-team" in dash.output.value


def test_team_names_are_escaped_and_errors_are_said_plainly():
    """Is a hostile team name shown as text, a first day after the last day refused, and a
    failure to make the tables shown as a message rather than raised?"""
    data = FakeData()
    dash = Dashboard(data, make_sections=make([]))
    dash.team.value = "<b>Bold</b>"
    dash.show.click()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in dash.status.value and "<b>" not in dash.status.value
    dash.since.value, dash.until.value = dt.date(2026, 12, 1), dt.date(2026, 11, 1)
    dash.show.click()
    assert "role='alert'" in dash.status.value and "first day is after" in dash.status.value

    def broken(data, *, min_group):
        raise ValueError("the gradebook is locked")

    dash = Dashboard(FakeData(), make_sections=broken)
    assert "could not be made: the gradebook is locked" in dash.status.value


def _html_of(widget) -> str:
    """Every HTML value under a widget tree."""
    import ipywidgets as W

    out = [widget.value] if isinstance(widget, W.HTML) else []
    for child in getattr(widget, "children", ()):
        out.append(_html_of(child))
    return "\n".join(out)


def test_the_app_view_is_for_leads_only(monkeypatch, tmp_path):
    """In the kernel, does ?view=reports refuse a learner and a trainer with an "only
    workforce leads" page, ask someone not signed in to sign in, and show a lead the
    dashboard over the store?"""
    from msp_learn import apps
    from msp_learn.identity import Person

    monkeypatch.setenv("MSP_LEARN_DB", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("MSP_LEARN_DATA", str(tmp_path))
    for role in ("learner", "trainer"):
        monkeypatch.setattr(apps.kernel_request, "signed_in_person",
                            lambda role=role: Person("Ann <b>Example</b>", role))
        html = _html_of(apps.VIEWS["reports"]({}))
        assert "Only workforce leads" in html and "<table" not in html
        assert "Ann &lt;b&gt;Example&lt;/b&gt;" in html
    monkeypatch.setattr(apps.kernel_request, "signed_in_person", lambda: None)
    assert "Sign in to continue" in _html_of(apps.VIEWS["reports"]({}))
    monkeypatch.setattr(apps.kernel_request, "signed_in_person",
                        lambda: Person("Rhona Lead", "lead"))
    html = _html_of(apps.VIEWS["reports"]({}))
    assert "Workforce learning report" in html and "Signed in as Rhona Lead (lead)" in html
    assert "Only workforce leads" not in html


def test_the_gallery_links_the_report_for_leads_only(monkeypatch, tmp_path):
    """Does the gallery show the workforce report card to a lead and not to a learner?"""
    from msp_learn import apps
    from msp_learn.identity import Person
    from msp_learn.store import Store

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("MSP_LEARN_DB", url)
    apps.store.cache_clear()
    try:
        s = Store(url)
        s.learner("Rhona Lead")
        s.set_role("Rhona Lead", "lead")
        s.learner("Ann Learner")
        for name, role, shown in (("Rhona Lead", "lead", True), ("Ann Learner", "learner",
                                                                  False)):
            monkeypatch.setattr(apps.kernel_request, "signed_in_person",
                                lambda name=name, role=role: Person(name, role))
            html = _html_of(apps.VIEWS["home"]({}))
            assert ("view=reports" in html) is shown, name
    finally:
        apps.store.cache_clear()
