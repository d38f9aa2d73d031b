"""A workshop's answers as CSV that is safe to open in Excel or LibreOffice.

A cell a spreadsheet would read as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) gets a leading apostrophe, so it shows as text and never runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = ("code", "run", "kind", "title", "prompt", "alias", "answer", "answer_label",
           "moderation", "answered_at")


def neutralise(value: Any) -> str:
    """``value`` as a CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Iterable[Sequence[Any]], columns: Sequence[str] = COLUMNS) -> str:
    """Rows as CSV text with a header row; every cell goes through :func:`neutralise`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
