"""Safe markup: text is escaped unless it is :class:`Markup` (already-safe HTML).

Everything a page shows goes through :func:`escape` or a builder here; a renderer never puts a
string into HTML by hand. Escaping also makes hostile characters harmless: control characters
and the bidirectional overrides and isolates (which can make text read as something else, for
example a name displayed backwards) become U+FFFD.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

#: Bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
REPLACEMENT = "\ufffd"
_TAG = re.compile(r"[a-z][a-z0-9]*")
_ATTR = re.compile(r"[a-z][a-z0-9-]*")
#: Any character printable() changes: C0/C1 controls but tab and newline, CR, bidi controls.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with line endings normalised, and control characters (but tab and newline)
    and bidirectional controls shown as U+FFFD."""
    text = str(text)
    if not _UNPRINTABLE.search(text):  # the common case, at a regex's speed
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(REPLACEMENT if (unicodedata.category(c) == "Cc" and c not in "\t\n")
                   or c in BIDI_CONTROLS else c for c in text)


class Markup(str):
    """A string of HTML that is safe to show as it is. Joining or adding plain text to it
    escapes the text."""

    __slots__ = ()

    def __html__(self) -> Markup:
        return self

    def __add__(self, other: Any) -> Markup:
        return Markup(str.__add__(self, escape(other)))

    def __radd__(self, other: Any) -> Markup:
        return Markup(str.__add__(escape(other), self))

    def join(self, parts: Iterable[Any]) -> Markup:  # type: ignore[override]
        return Markup(str.join(self, (escape(p) for p in parts)))

    def format(self, *args: Any, **kwargs: Any) -> Markup:  # type: ignore[override]
        """Fill ``{}`` fields with escaped values (numbers are kept, for format specs)."""
        return Markup(str.format(self, *map(_field, args),
                                 **{k: _field(v) for k, v in kwargs.items()}))

    def __repr__(self) -> str:
        return f"Markup({str.__repr__(self)})"


def _field(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return escape(value)


def escape(value: Any) -> Markup:
    """``value`` as safe HTML: :class:`Markup` as it is, anything else as escaped text."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(_html.escape(printable("" if value is None else str(value)), quote=True))


def join(parts: Iterable[Any], sep: str = "") -> Markup:
    """``parts`` joined, each escaped unless it is Markup (``sep`` is markup)."""
    return Markup(sep).join(parts)


def _attrs(attrs: dict[str, Any]) -> str:
    out = []
    for name, value in attrs.items():
        name = name.rstrip("_").replace("_", "-")
        if not _ATTR.fullmatch(name):
            raise ValueError(f"not an attribute name: {name!r}")
        if value is None or value is False:
            continue
        if value is True:
            out.append(f" {name}")
        else:
            out.append(f" {name}='{escape(value)}'")
    return "".join(out)


def el(tag: str, *children: Any, **attrs: Any) -> Markup:
    """``<tag attrs>children</tag>``: children and attribute values escaped unless Markup.
    ``class_='x'`` gives ``class='x'``; ``aria_live`` gives ``aria-live``."""
    if not _TAG.fullmatch(tag):
        raise ValueError(f"not a tag name: {tag!r}")
    inner = join(c for c in _flat(children))
    return Markup(f"<{tag}{_attrs(attrs)}>{inner}</{tag}>")


def _flat(items: Iterable[Any]):
    for item in items:
        if isinstance(item, list | tuple):
            yield from _flat(item)
        elif item is not None and item != "":
            yield item


def paras(text: Any) -> Markup:
    """Paragraphs (separated by blank lines) as ``<p>`` elements."""
    return join(el("p", p.strip()) for p in printable(text).split("\n\n") if p.strip())


def bullets(items: Iterable[Any]) -> Markup:
    """A ``<ul>`` of the items (nothing for no items)."""
    items = [el("li", i) for i in items]
    return el("ul", *items) if items else Markup("")


def status(message: Any) -> Markup:
    """A polite announcement (``role='status'``)."""
    return el("p", message, role="status")


def alert(message: Any) -> Markup:
    """An assertive announcement (``role='alert'``): something needs the learner's action."""
    return el("p", message, role="alert")


def error_summary(*problems: Any, title: str = "There is a problem") -> Markup:
    """What went wrong, said first and loud (``role='alert'``): a heading, then each problem
    and how to put it right. Styled as the sign-in page's error summary."""
    return el("div", el("h2", title), bullets(problems), class_="msp-error-summary",
              role="alert")
