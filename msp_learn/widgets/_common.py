"""Shared pieces of the views: escaping, small HTML builders, and trackers that save progress."""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any, Protocol

import ipywidgets as W


def esc(text: Any) -> str:
    """``text`` escaped for HTML (all learner and content text goes through this)."""
    return html.escape(str(text), quote=True)


def paras(text: str) -> str:
    """Paragraphs (separated by blank lines) as escaped ``<p>`` elements."""
    return "".join(f"<p>{esc(p.strip())}</p>" for p in str(text).split("\n\n") if p.strip())


def bullets(items: Iterable[Any]) -> str:
    items = [f"<li>{esc(i)}</li>" for i in items]
    return f"<ul>{''.join(items)}</ul>" if items else ""


def box(value: str = "", *classes: str) -> W.HTML:
    """An HTML widget holding already-escaped markup."""
    widget = W.HTML(value)
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


@cache
def _css() -> str:
    return resources.files("msp_learn.widgets").joinpath("style.css").read_text("utf-8")


def app_root(*children: W.Widget, name: str) -> W.VBox:
    """The outer box of a view: the shared stylesheet plus the children."""
    root = W.VBox([W.HTML(f"<style>{_css()}</style>"), *children])
    root.add_class("msp-app")
    root.add_class(f"msp-{name}")
    return root


class Tracker(Protocol):
    """Where a view writes what the learner does, the moment they do it."""

    def record(self, kind: str, ident: str, event: str, payload: dict) -> None: ...
    def save(self, kind: str, ident: str, state: dict) -> None: ...
    def load(self, kind: str, ident: str) -> dict | None: ...
    def save_reflection(self, kind: str, ident: str, prompt_set: str, answers: dict,
                        context: dict, reflection_id: int | None = None) -> int: ...


class MemoryTracker:
    """Keeps everything in memory: for trainer demos and tests (nothing survives the kernel)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, str, dict]] = []
        self.states: dict[tuple[str, str], dict] = {}
        self.reflections: dict[int, dict] = {}

    def record(self, kind, ident, event, payload):
        self.events.append((kind, ident, event, dict(payload)))

    def save(self, kind, ident, state):
        self.states[(kind, ident)] = dict(state)

    def load(self, kind, ident):
        state = self.states.get((kind, ident))
        return dict(state) if state is not None else None

    def save_reflection(self, kind, ident, prompt_set, answers, context, reflection_id=None):
        reflection_id = reflection_id or len(self.reflections) + 1
        self.reflections[reflection_id] = dict(kind=kind, ident=ident, prompt_set=prompt_set,
                                               answers=dict(answers), context=dict(context))
        self.record(kind, ident, "reflection", {"prompt_set": prompt_set, "id": reflection_id})
        return reflection_id


class StoreTracker:
    """Writes to the kit's store (SQLite or any SQLAlchemy database) for one learner."""

    def __init__(self, store, learner: str) -> None:
        self.store = store
        self.learner = store.learner(learner)

    def record(self, kind, ident, event, payload):
        self.store.record(self.learner, activity_kind=kind, activity_id=ident, event=event,
                          payload=payload)

    def save(self, kind, ident, state):
        self.store.save_progress(self.learner, activity_kind=kind, activity_id=ident, state=state)

    def load(self, kind, ident):
        return self.store.load_progress(self.learner, activity_kind=kind, activity_id=ident)

    def save_reflection(self, kind, ident, prompt_set, answers, context, reflection_id=None):
        if reflection_id is not None:
            self.store.update_reflection(self.learner, reflection_id, answers=answers,
                                         context=context)
        else:
            reflection_id = self.store.save_reflection(
                self.learner, activity_kind=kind, activity_id=ident, prompt_set=prompt_set,
                answers=answers, context=context)
        self.record(kind, ident, "reflection", {"prompt_set": prompt_set, "id": reflection_id})
        return reflection_id
