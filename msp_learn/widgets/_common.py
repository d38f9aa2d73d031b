"""Shared pieces of the views: widget builders, and the one way a view writes to its tracker.

The HTML itself comes from :mod:`msp_learn.html` (escaped by default); the trackers live in
:mod:`msp_learn.tracking`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any
from uuid import uuid4

import ipywidgets as W

from msp_learn.events import Event
from msp_learn.html import Markup, alert, bullets, el, escape, paras
from msp_learn.tracking import MemoryTracker, StaleError, Tracker

esc = escape

__all__ = ["Saver", "app_root", "box", "bullets", "button", "esc", "focus_mark", "paras"]

#: The stylesheets every view carries: the kit's look, then the feedback pieces (the risk
#: matrix's scrolling region, wrapping options, the focus target's ring).
STYLESHEETS = ("style.css", "feedback.css")


def box(value: str = "", *classes: str) -> W.HTML:
    """An HTML widget holding markup from :mod:`msp_learn.html`."""
    widget = W.HTML(str(value))
    for cls in classes:
        widget.add_class(cls)
    return widget


def button(label: str, *classes: str, style: str = "") -> W.Button:
    """A button whose visible text is its accessible name."""
    widget = W.Button(description=label, tooltip=label, button_style=style,
                      layout=W.Layout(width="auto"))
    for cls in classes:
        widget.add_class(cls)
    return widget


def focus_mark(markup: Any, label: str | None = None) -> Markup:
    """``markup`` wrapped so that the page moves keyboard focus to it, once.

    ipywidgets cannot focus HTML, so a view marks what the learner needs next after an action
    (the feedback, the next question) with a new ``data-msp-focus`` token, and the script in
    the kit's page template (``templates/.../msp/msp_focus.html.j2``) focuses each new token
    as it appears. Use it only in answer to an action, never when a page is restored, or a
    reloaded page would jump. ``label`` names the target for screen readers when its text
    does not start with a heading.
    """
    return el("div", markup, class_="msp-focus", tabindex="-1", role="group" if label else None,
              aria_label=label, data_msp_focus=uuid4().hex[:16])


@cache
def _css() -> str:
    folder = resources.files("msp_learn.widgets")
    return "\n".join(folder.joinpath(name).read_text("utf-8") for name in STYLESHEETS)


def app_root(*children: W.Widget, name: str) -> W.VBox:
    """The outer box of a view: the shared stylesheet plus the children."""
    root = W.VBox([W.HTML(f"<style>{_css()}</style>"), *children])
    root.add_class("msp-app")
    root.add_class(f"msp-{name}")
    return root


class Saver:
    """A view's one way to its tracker, bound to the view's activity.

    ``commit`` writes each event with the activity's new state. When another tab or window
    wrote first, the state is not written (the event is still kept), ``alert`` tells the
    learner to reload, and from then on only events are written, so this page can no longer
    overwrite the newer work.
    """

    def __init__(self, tracker: Tracker | None, kind: str, ident: str) -> None:
        self.tracker = (tracker or MemoryTracker()).for_activity(kind, ident)
        self.alert = box("", "msp-stale")
        self.stale = False

    def load(self) -> dict[str, Any]:
        """The saved state ({} when none), remembering its version for the next commit."""
        return self.tracker.load().state or {}

    def commit(self, event: Event, state: dict[str, Any] | None = None) -> bool:
        """Write ``event`` (and ``state``); False if the page is stale (state not written)."""
        if self.stale:
            self.tracker.commit(event)
            return False
        try:
            self.tracker.commit(event, state)
        except StaleError:
            self.stale = True
            self.alert.value = str(alert(StaleError.MESSAGE))
            return False
        return True
