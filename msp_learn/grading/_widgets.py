"""Small ipywidgets helpers for the assessment views (the kit's look, without importing
``msp_learn.widgets``, which sits beside this package in docs/house.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import ipywidgets as W

from msp_learn.html import escape


def esc(text) -> str:
    """``text`` escaped for HTML."""
    return str(escape(text))


def box(value: str = "", *classes: str) -> W.HTML:
    """An HTML widget holding already-escaped markup."""
    widget = W.HTML(value)
    for cls in classes:
        widget.add_class(cls)
    return widget


def button(label: str, *classes: str) -> W.Button:
    """A button whose visible text is its accessible name."""
    widget = W.Button(description=label, tooltip=label, layout=W.Layout(width="auto"))
    for cls in classes:
        widget.add_class(cls)
    return widget


@cache
def _css() -> str:
    path = Path(__file__).resolve().parent.parent / "widgets" / "style.css"  # data, not code
    return path.read_text("utf-8") if path.is_file() else ""


def app_root(*children: W.Widget, name: str) -> W.VBox:
    """The outer box of a view: the kit's stylesheet plus the children."""
    root = W.VBox([W.HTML(f"<style>{_css()}</style>"), *children])
    root.add_class("msp-app")
    root.add_class(f"msp-{name}")
    return root
