"""The leads' reports dashboard in headless Chromium: a lead filters it; a learner is refused.

Also opens the HTML report file (file://, offline) at desktop and phone widths.
"""

from __future__ import annotations

import csv

import pytest

from msp_learn import reports
from tests.conftest import kit_catalogue

from .harness import describe_violations, sign_in

pytestmark = pytest.mark.browser

DASHBOARD = "voila/render/app.ipynb?view=reports"


def no_violations(axe, page) -> None:
    """axe finds nothing; else say which rules and show the elements' markup."""
    violations = axe(page)
    assert violations == [], describe_violations(violations) + "\n" + "\n".join(
        n["html"][:300] for v in violations for n in v["nodes"][:3])
LEAD = "Rhona Lead Reports"
TEAMS = {"Adult Social Care North": [f"Dash North{i}" for i in range(6)],
         "Hospital Discharge": [f"Dash Hospital{i}" for i in range(6)]}


@pytest.fixture(scope="module")
def report_data(store_url, data_dir):
    """Quiz answers from 12 fictional learners in two teams, and the learners file the
    dashboard reads (learners.csv in the server's data folder)."""
    from msp_learn.events import QuizAnswered
    from msp_learn.store import Store
    from msp_learn.tracking import StoreTracker

    store = Store(store_url)
    myths = kit_catalogue().items("myth")[:5]
    for t, names in enumerate(TEAMS.values()):
        for i, name in enumerate(names):
            tracker = StoreTracker(store, name).for_activity("quiz", "myths")
            for k, item in enumerate(myths):
                right = (i + k + t) % 3 != 0
                tracker.commit(QuizAnswered(item_id=item.id, is_correct=right,
                                            said_myth=item.is_myth if right else not item.is_myth))
    store.learner(LEAD)
    store.set_role(LEAD, "lead")
    store.close()
    with (data_dir / "learners.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "team", "role"])
        for team, names in TEAMS.items():
            for name in names:
                w.writerow([name, name, team, "Social worker"])
    yield
    (data_dir / "learners.csv").unlink(missing_ok=True)


def test_a_lead_filters_the_dashboard(browser, kit_server, report_data, open_app_in, axe,
                                      screenshot, external_requests):
    """Does a lead see the dashboard with plots and tables, change the team filter and get
    the sections again for that team, with no axe violations at 1280 and 390 px, and nothing
    fetched from outside?"""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        sign_in(ctx, kit_server, LEAD)
        page = ctx.new_page()
        open_app_in(page, DASHBOARD, "button.msp-show", timeout=90)
        page.wait_for_selector(".msp-dashboard section")
        assert "Workforce learning report" in page.inner_text("h1")
        assert page.locator(".msp-dashboard svg[role=img]").count() >= 1
        assert page.locator(".msp-dashboard table caption").count() >= 1
        screenshot(page, "lead-1280")
        no_violations(axe, page)
        status = page.locator(".msp-dashboard [role=status]")
        assert "all teams" in status.inner_text()
        page.get_by_label("Team", exact=True).select_option("Hospital Discharge")
        page.click("button.msp-show")
        page.wait_for_function("() => [...document.querySelectorAll('[role=status]')]"
                               ".some(e => e.textContent.includes('team Hospital Discharge'))")
        assert page.locator(".msp-dashboard section").count() >= 1
        text = page.inner_text(".msp-dashboard .msp-report >> nth=1")
        assert "Adult Social Care North" not in text
        screenshot(page, "lead-filtered-1280")
        no_violations(axe, page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        screenshot(page, "lead-filtered-390")
        clipped = page.evaluate("() => [...document.querySelectorAll('.msp-dashboard h2, "
                                ".msp-dashboard h3, .msp-dashboard p')].filter(e => "
                                "e.getBoundingClientRect().right > innerWidth + 1)"
                                ".map(e => e.textContent.slice(0, 60))")
        assert clipped == [], f"wider than the phone: {clipped}"
        page.locator(".msp-dashboard section:has(svg)").first.scroll_into_view_if_needed()
        screenshot(page, "lead-filtered-390-chart")
        no_violations(axe, page)
        assert external_requests == []
    finally:
        for p in ctx.pages:
            p.close(run_before_unload=True)
        ctx.close()


def test_a_learner_is_refused_the_dashboard(anonymous_context, kit_server, report_data,
                                            screenshot):
    """Is a signed-in learner refused with HTTP 403 and a page saying only workforce leads
    may open it, with no report shown?"""
    sign_in(anonymous_context, kit_server, "Dash Learner Refused")
    page = anonymous_context.new_page()
    response = page.goto(kit_server.url + DASHBOARD)
    assert response.status == 403
    assert "only for workforce leads" in page.inner_text("main")
    assert page.locator("svg, table").count() == 0
    screenshot(page, "learner-refused")


def test_the_html_report_reads_well_offline(browser, tmp_path, screenshot, axe):
    """Does the written report.html open from file:// with nothing fetched, pass axe, and lay
    out at 1280 and 390 px with nothing wider than the page (tables and charts scroll in
    their own regions)?"""
    from tests.reports.sample_sections import sections

    paths = reports.write(sections(), tmp_path)
    # The report's Content-Security-Policy forbids every script, axe's too: bypass it here.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    fetched = []
    ctx.on("request", lambda r: None if r.url.startswith("file://") else fetched.append(r.url))
    try:
        page = ctx.new_page()
        page.goto(paths[0].as_uri())
        assert page.title().startswith("Making Safeguarding Personal")
        violations = axe(page)
        assert violations == [], describe_violations(violations)
        screenshot(page, "report-1280")
        page.set_viewport_size({"width": 390, "height": 844})
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= 390
        violations = axe(page)
        assert violations == [], describe_violations(violations)
        screenshot(page, "report-390")
        page.emulate_media(media="print")
        screenshot(page, "report-print")
        assert fetched == []
    finally:
        ctx.close()
