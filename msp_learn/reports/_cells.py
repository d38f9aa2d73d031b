"""What a cell of a spreadsheet or CSV file holds: numbers stay numbers, text is made safe.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be
run as a formula by a spreadsheet (CSV or formula injection). Such text gets a single quote in
front, as the OWASP guidance on CSV injection says, so it is shown, never run. Numbers, dates
and booleans are kept as they are; a suppressed figure is an empty cell.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from msp_learn.html import printable

#: The first characters that make a spreadsheet read text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` with a single quote in front when it could be read as a formula, and
    control characters (but tab and newline) shown as U+FFFD."""
    text = str(text)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return printable(text)


def cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell: None (empty), a number, a date, a bool, or safe text."""
    if isinstance(value, str):
        return neutralise(value)
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        try:
            return cell(value.item())
        except (TypeError, ValueError):
            pass
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return neutralise(value)


def column(values) -> list[Any]:
    """A frame column's values as cells (``series.tolist()`` first: plain Python scalars)."""
    items = values.tolist() if hasattr(values, "tolist") else list(values)
    return [cell(v) for v in items]
