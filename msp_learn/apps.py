"""The Voila app and notebook helpers: read the URL, find the content, open the learner's store.

``voila_apps/app.ipynb`` is one call to :func:`main`, which shows the view the URL names
(``?view=case-study&id=...``). One notebook for every activity means one pool of preheated
kernels serves the whole room, and a learner holds one kernel at a time.

Who the learner is comes only from the kit's server, as a token it signed for this kernel
(:mod:`msp_learn.kernel_request`), never from the URL: a ``learner=`` in a link is ignored.
The notebook helpers (``show_case_study(..., learner=NAME)``) keep their ``learner``
argument, because in JupyterLab the person running the notebook is the user.
"""

from __future__ import annotations

import os
from functools import cache
from urllib.parse import parse_qs, urlencode

import ipywidgets as W
from IPython.display import display

from msp_learn import kernel_request
from msp_learn.activities import ACTIVITIES
from msp_learn.content import Catalogue, load_catalogue
from msp_learn.tracking import MemoryTracker, StoreTracker, Tracker
from msp_learn.vocab import vocabulary
from msp_learn.widgets import CaseStudyView, JournalView, QuizView, RiskView
from msp_learn.widgets._common import app_root, box, esc
from msp_learn.widgets.journal_view import activity_options

APP = "app.ipynb"


@cache
def catalogue() -> Catalogue:
    """The kit's content and the trainer's overlay, loaded once per kernel."""
    return load_catalogue()


@cache
def store():
    from msp_learn.store import Store

    return Store()


def params() -> dict[str, str]:
    """The page's URL query parameters (waits for the request in a preheated Voila kernel)."""
    try:
        kernel_request.wait_for_request()
    except Exception:  # outside Voila, or the request info is unavailable: no parameters
        pass
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
    return {key: values[0] for key, values in query.items() if values}


def link(view: str, **query: str | None) -> str:
    """A relative link to a view of the app, escaped for a URL and for HTML."""
    query = {k: v for k, v in {"view": None if view == "home" else view, **query}.items() if v}
    return esc(APP + ("?" + urlencode(query) if query else ""))


def tracker_for(learner: str | None, kind: str | None = None,
                ident: str | None = None) -> Tracker:
    """The learner's tracker (in memory without a learner), bound to ``kind`` and ``ident``
    when given; a view binds it to its own activity."""
    tracker = StoreTracker(store(), learner) if learner else MemoryTracker()
    return tracker.for_activity(kind, ident) if kind and ident else tracker


def quiz_id(tag: str | None) -> str:
    """The quiz's activity id: one per tag, so each tagged quiz keeps its own score."""
    default = ACTIVITIES["quiz"].default_id
    return f"{default}-{tag}" if tag else default


#: The kit server's sign-in and sign-out pages, relative to /voila/render/app.ipynb.
SIGN_IN = "../../msp/sign-in"
SIGN_OUT = "../../msp/sign-out"
#: The live workshop's light pages (no kernel), relative to /voila/render/app.ipynb.
WORKSHOP = "../../workshop"
WORKSHOP_TRAINER = "../../workshop/trainer"


def _this_page() -> str:
    """This page's path and query, for coming back to after signing in."""
    path = os.environ.get("SCRIPT_NAME", "")
    query = os.environ.get("QUERY_STRING", "")
    return path + ("?" + query if query else "")


def _sign_in_needed() -> W.Widget:
    """Shown when the server handed this page no signed-in learner."""
    href = esc(SIGN_IN + "?" + urlencode({"next": _this_page()}))
    return app_root(box("<h1>Making Safeguarding Personal</h1><h2>Sign in to continue</h2>"
                        "<p>Your work is saved under your name, so the kit needs to know who "
                        f"you are. <a class='msp-sign-in' href='{href}'>Sign in with your name"
                        "</a></p>"), name="welcome")


def _missing(kind: str, ident: str | None, learner: str | None) -> W.Widget:
    what = kind.replace("-", " ")
    text = (f"<h1>Not found</h1><p>There is no {esc(what)} called '{esc(ident)}'.</p>"
            if ident else f"<h1>Choose a {esc(what)}</h1><p>No {esc(what)} was named in the link."
            "</p>")
    return app_root(box(text + f"<p><a href='{link('home')}'>Back to the "
                               "gallery</a></p>"), name="missing")


def _with_learner(app: str, build, query: dict[str, str]) -> W.Widget:
    """Run ``build(learner, query)`` for the learner the server signed in (never a name from
    the URL); without one, ask them to sign in."""
    person = kernel_request.signed_in_person()
    if person is None or person.operator:
        return _sign_in_needed()
    try:
        learner = store().learner(person.name).name
    except ValueError:
        return _sign_in_needed()
    return build(learner, query)


def _home_link(learner: str) -> W.HTML:
    return box(f"<nav aria-label='Kit'><p><a href='{link('home')}'>Gallery"
               f"</a> &middot; <a href='{link('journal')}'>My reflection "
               f"journal</a> &middot; Learning as {esc(learner)} (<a class='msp-sign-out' "
               f"href='{esc(SIGN_OUT)}'>not you?</a>)</p></nav>", "msp-nav")


def _page(learner: str, view: W.Widget) -> W.Widget:
    """The kit's navigation above a view, styled as one app."""
    page = W.VBox([_home_link(learner), view])
    page.add_class("msp-app")
    return page


def case_study_app(query: dict[str, str]) -> W.Widget:
    def build(learner, query):
        cat = catalogue()
        ident = query.get("id")
        try:
            case = cat.get("case-study", ident)
        except KeyError:
            return _missing("case study", ident, learner)
        reflection = next((r for r in cat.items("reflection-set") if r.id == case.reflection),
                          None)
        view = CaseStudyView(case, reflection=reflection,
                             tracker=tracker_for(learner, "case-study", case.id))
        return _page(learner, view.widget)
    return _with_learner("case-study", build, query)


def risk_app(query: dict[str, str]) -> W.Widget:
    def build(learner, query):
        ident = query.get("id")
        try:
            scenario = catalogue().get("risk-scenario", ident)
        except KeyError:
            return _missing("risk scenario", ident, learner)
        tracker = tracker_for(learner, "risk-scenario", scenario.id)
        return _page(learner, RiskView(scenario, tracker=tracker).widget)
    return _with_learner("risk-scenario", build, query)


def quiz_app(query: dict[str, str]) -> W.Widget:
    def build(learner, query):
        items = catalogue().items("myth")
        tag = query.get("tag")
        if tag:
            items = [i for i in items if tag in i.tags]
        if not items:
            return _missing("quiz", tag, learner)
        view = QuizView(items, quiz_id=quiz_id(tag),
                        tracker=tracker_for(learner, "quiz", quiz_id(tag)))
        return _page(learner, view.widget)
    return _with_learner("quiz", build, query)


def journal_app(query: dict[str, str]) -> W.Widget:
    def build(learner, query):
        tracker = tracker_for(learner)
        view = JournalView(catalogue().items("reflection-set"), tracker=tracker,
                           activities=activity_options(store().progress(learner)),
                           catalogue=catalogue())
        return _page(learner, view.widget)
    return _with_learner("journal", build, query)


def _status(progress: dict, kind: str, ident: str) -> str:
    p = progress.get((kind, ident))
    if p is None:
        return "Not started"
    return "Completed" if p.completed else "In progress"


def home_app(query: dict[str, str]) -> W.Widget:
    def build(learner, query):
        cat = catalogue()
        progress = {(p.activity_kind, p.activity_id): p for p in store().progress(learner)}
        levels = vocabulary("levels")

        def card(kind, item, app, title, summary, minutes, level):
            href = link(app, id=item) if item else link(app)
            status = _status(progress, kind, item or "myths")
            return (f"<li class='msp-card'><h3><a href='{href}'>{esc(title)}</a></h3>"
                    f"<p>{esc(summary)}</p><p class='msp-meta'>{esc(levels.label(level))}"
                    f" &middot; about {minutes} minutes &middot; {esc(status)}</p></li>")

        cases = "".join(card("case-study", c.id, "case-study", c.title, c.summary, c.minutes,
                             c.level) for c in cat.items("case-study"))
        risks = "".join(card("risk-scenario", r.id, "risk-scenario", r.title, r.summary,
                             r.minutes, r.level) for r in cat.items("risk-scenario"))
        myths = cat.items("myth")
        quiz = card("quiz", None, "quiz", "Myth or reality?", f"{len(myths)} statements about "
                    "Making Safeguarding Personal: decide which are myths, with feedback on "
                    "each.", max(5, len(myths) // 2), "introductory")
        html = ("<h1>Making Safeguarding Personal: learning kit</h1>"
                f"<p>Safeguarding done with people, not to them. Learning as {esc(learner)} "
                f"(<a class='msp-sign-out' href='{esc(SIGN_OUT)}'>not you?</a>).</p>"
                f"<h2>Quiz</h2><ul class='msp-gallery'>{quiz}</ul>"
                f"<h2>Case studies</h2><ul class='msp-gallery'>{cases}</ul>"
                f"<h2>Risk scenarios</h2><ul class='msp-gallery'>{risks}</ul>"
                "<h2>Reflection</h2><ul class='msp-gallery'><li class='msp-card'><h3>"
                f"<a href='{link('journal')}'>My reflection journal</a></h3>"
                "<p>Reflect using Gibbs, Kolb, What? So what? Now what?, or the person's "
                "outcomes and voice; download your CPD record.</p></li></ul>"
                + _workshop_cards(learner) + _lead_cards(learner))
        return app_root(box(html, "msp-home"), name="home")
    return _with_learner("home", build, query)


def _workshop_cards(learner: str) -> str:
    """The live workshop: joining for everyone; running one for trainers (the trainer's page
    checks the role again, so this card is only a signpost)."""
    from msp_learn.identity import Person

    found = store().find_learner(learner)
    cards = (f"<li class='msp-card'><h3><a href='{esc(WORKSHOP)}'>Join a live workshop</a></h3>"
             "<p>Answer the trainer's questions from your phone or laptop with the code on "
             "their screen.</p></li>")
    if found is not None and Person(found.name, found.role).can("trainer"):
        cards += (f"<li class='msp-card'><h3><a href='{esc(WORKSHOP_TRAINER)}'>Run a live "
                  "workshop</a></h3><p>For trainers: start a workshop, show the room the join "
                  "code and QR code, and see their answers as they arrive.</p></li>")
    return f"<h2>Live workshop</h2><ul class='msp-gallery'>{cards}</ul>"


def _lead_cards(learner: str) -> str:
    """The workforce report, for leads only (the page checks the role again)."""
    from msp_learn.identity import Person

    found = store().find_learner(learner)
    if found is None or not Person(found.name, found.role).can("lead"):
        return ""
    return ("<h2>Workforce leads</h2><ul class='msp-gallery'><li class='msp-card'><h3>"
            f"<a href='{link('reports')}'>Workforce learning report</a></h3><p>Who has "
            "completed what, the myths still believed, and the paths taken through the case "
            "studies, by team, role, assignment and period.</p></li></ul>")


#: Where the leads' dashboard finds the nbgrader course and the learners file.
COURSE_ENV, LEARNERS_ENV = "MSP_LEARN_COURSE", "MSP_LEARN_LEARNERS"


def report_sources() -> dict:
    """What the dashboard reads: the store, the course folder ($MSP_LEARN_COURSE) and the
    learners file ($MSP_LEARN_LEARNERS, else learners.csv in the data folder) when there."""
    from msp_learn.store import data_dir, default_url

    course = os.environ.get(COURSE_ENV)
    learners = os.environ.get(LEARNERS_ENV) or str(data_dir() / "learners.csv")
    return {"course": course or None, "store_url": default_url(),
            "learners_file": learners if os.path.isfile(learners) else None}


def _leads_only(person) -> W.Widget:
    return app_root(box("<h1>Only workforce leads</h1><p role='alert'>The reports dashboard "
                        "is only for workforce leads. You are signed in as "
                        f"{esc(person.name)}, a {esc(person.role)}.</p><p>If you need it, ask "
                        "the person who runs the kit to give you the lead role.</p>"
                        f"<p><a href='{link('home')}'>Back to the gallery</a></p>"),
                    name="refused")


def reports_app(query: dict[str, str]) -> W.Widget:
    """The leads' dashboard: only for a signed-in person with the lead role."""
    from msp_learn import identity, reports
    from msp_learn.reports._dashboard import Dashboard

    person = kernel_request.signed_in_person()
    if person is None:
        return _sign_in_needed()
    try:
        identity.require(person, "lead")
    except identity.Forbidden:
        return _leads_only(person)
    try:
        data = reports.load(**report_sources(), catalogue=catalogue())
        dashboard = Dashboard(data)
    except Exception as exc:  # the data could not be read: say so, never a traceback
        return app_root(box("<h1>Workforce learning report</h1><p role='alert'>The report's "
                            f"data could not be read: {esc(str(exc))}</p>"), name="reports")
    nav = box(f"<nav aria-label='Kit'><p><a href='{link('home')}'>Gallery</a> &middot; "
              f"Signed in as {esc(person.name)} (lead)</p></nav>", "msp-nav")
    return app_root(nav, dashboard.widget, name="reports")


VIEWS = {"home": home_app, "case-study": case_study_app, "quiz": quiz_app,
         "risk-scenario": risk_app, "journal": journal_app, "reports": reports_app}


def main() -> W.Widget:
    """Show the view named in the URL (the gallery by default)."""
    # Load the content and open the store before waiting for the request, so that a
    # preheated kernel has both ready and a learner's page is built at once.
    catalogue()
    try:
        store()
    except Exception:
        pass
    query = params()
    view = query.get("view", "home")
    build = VIEWS.get(view)
    widget = build(query) if build else _missing("page", view, None)
    display(widget)
    return widget


# notebook helpers: the same views in JupyterLab, with or without a saved learner

def show_case_study(case_id: str, *, learner: str | None = None) -> CaseStudyView:
    """Display a case study in a notebook; with ``learner``, progress is saved to the store."""
    cat = catalogue()
    case = cat.get("case-study", case_id)
    reflection = next((r for r in cat.items("reflection-set") if r.id == case.reflection), None)
    view = CaseStudyView(case, reflection=reflection, tracker=tracker_for(learner))
    display(view.widget)
    return view


def show_quiz(*, tag: str | None = None, learner: str | None = None) -> QuizView:
    """Display the myth-vs-reality quiz (optionally only items tagged ``tag``)."""
    items = [i for i in catalogue().items("myth") if tag is None or tag in i.tags]
    view = QuizView(items, quiz_id=quiz_id(tag), tracker=tracker_for(learner))
    display(view.widget)
    return view


def show_risk(scenario_id: str, *, learner: str | None = None) -> RiskView:
    """Display a risk scenario."""
    view = RiskView(catalogue().get("risk-scenario", scenario_id), tracker=tracker_for(learner))
    display(view.widget)
    return view


def show_journal(*, learner: str | None = None) -> JournalView:
    """Display the reflection journal."""
    tracker = tracker_for(learner)
    activities = activity_options(store().progress(learner)) if learner else []
    view = JournalView(catalogue().items("reflection-set"), tracker=tracker,
                       activities=activities, catalogue=catalogue())
    display(view.widget)
    return view
