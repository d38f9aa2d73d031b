"""Pages that are not there: which app links name nothing, and the page that says so.

Pure: :func:`missing_content` reads a link's query against the catalogue and says what is
missing (or None); :func:`error_page` is the whole HTML of an error page in the sign-in
page's look. The server answers such a link with HTTP 404 and this page before any kernel is
started (``_app.KitVoilaHandler``), and every other unknown address the same way.
"""

from __future__ import annotations

from html import escape

from msp_learn.activities import ACTIVITIES, content_kind
from msp_learn.server import _signin_page

#: The app's views (``?view=``) besides one per activity: the gallery and the leads'
#: reports dashboard (``msp_learn.apps.VIEWS``; tests/unit/test_server_logs.py checks).
HOME_VIEW = "home"
OTHER_VIEWS = frozenset({HOME_VIEW, "reports"})

TITLES = {404: "Page not found", 403: "Not allowed", 405: "Not allowed"}
MESSAGES = {
    404: "There is no page at this address. If you typed it, check it; if you followed a "
         "link, the page may have moved.",
    403: "This address is not open to you.",
    405: "This address is not open to you.",
}
TROUBLE = ("Something went wrong on the server. Your saved work is safe. Try again in a "
           "minute; if it keeps happening, tell the person running the kit.")


def missing_content(query: dict[str, str], catalogue) -> str | None:
    """What a link to the app names that the kit does not have, in words; None when the
    link names a view (and item) that exists. ``query`` is the link's query parameters."""
    view = query.get("view", HOME_VIEW)
    if view in OTHER_VIEWS:
        return None
    activity = ACTIVITIES.get(view)
    if activity is None:
        return f"The kit has no page called '{view}'."
    label = activity.label
    if view == "quiz":
        tag = query.get("tag")
        if tag and not any(tag in item.tags for item in catalogue.items(activity.plays)):
            return f"There is no quiz on '{tag}'."
        return None
    if activity.default_id is not None:  # the journal: one per learner, nothing to name
        return None
    ident = query.get("id")
    if not ident:
        return f"The link names no {label}. Choose one from the gallery."
    try:
        catalogue.get(activity.plays, ident)
    except KeyError:
        return f"There is no {content_kind(activity.plays).label} called '{ident}'."
    return None


def error_page(status: int, *, home: str, message: str | None = None) -> str:
    """The whole page for an HTTP error ``status``: what happened in plain words and a way
    back to the gallery (``home``). ``message`` (plain text) replaces the usual words."""
    title = TITLES.get(status, "Sorry, there is a problem" if status >= 500 else
                       "Page not found")
    text = message or MESSAGES.get(status, TROUBLE if status >= 500 else MESSAGES[404])
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='icon' href='data:,'>"  # no /favicon.ico request (a 404 in the console)
        f"<title>{escape(title)} | MSP Learn</title><style>{_signin_page.CSS}</style></head>"
        "<body><header><p>MSP Learn: Making Safeguarding Personal</p></header><main id='main'>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
        f"<p><a href='{escape(home)}'>Go to the gallery</a></p></main></body></html>")
