"""One CSV file per section: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
numbers as numbers, text neutralised against formula injection (see :mod:`._cells`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from ._cells import column, neutralise
from ._section import Section


def csv_text(section: Section) -> str:
    """The section's frame as CSV text (header row first; no byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in section.frame.columns])
    frame = section.frame
    columns = [[_csv_value(v) for v in column(frame.iloc[:, i])]
               for i in range(frame.shape[1])]
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def file_names(sections: list[Section]) -> list[str]:
    """A safe, unique file name per section, from its id (``completion-by-team.csv``)."""
    names, seen = [], set()
    for s in sections:
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", s.id).strip("-")[:80] or "table"
        name, n = base, 2
        while name.lower() in seen:
            name, n = f"{base}-{n}", n + 1
        seen.add(name.lower())
        names.append(name + ".csv")
    return names


def write_csv(section: Section, path: Path) -> Path:
    path.write_text(csv_text(section), encoding="utf-8-sig", newline="")
    return path
