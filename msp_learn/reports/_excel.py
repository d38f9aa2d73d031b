"""The report as an Excel workbook: a Contents sheet, then one sheet per section.

Written in openpyxl's write-only mode (rows stream to the file, so a table of a whole
council's learners stays small in memory). Each sheet has a styled, frozen header row and
column widths fitted to its text; text cells are neutralised against formula injection and
numbers stay numbers (see :mod:`._cells`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from ._cells import cell, column, neutralise
from ._html import column_formatter
from ._section import Section

MAX_SHEET = 31
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
HEADER_BORDER = Border(bottom=Side(style="medium", color="0B0C0C"))
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def sheet_names(sections: Sequence[Section]) -> list[str]:
    """A sheet name per section: its title without ``[]:*?/\\``, at most 31 characters,
    unique ignoring case (as Excel compares them), never "Contents" or "History"."""
    taken = {"contents", "history"}
    names = []
    for s in sections:
        base = " ".join(_BAD_SHEET.sub(" ", s.title or s.id).split()).strip("'") or "Table"
        name, n = base[:MAX_SHEET].rstrip(), 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name, n = base[:MAX_SHEET - len(suffix)].rstrip() + suffix, n + 1
        taken.add(name.lower())
        names.append(name)
    return names


def _header(ws, text: str) -> WriteOnlyCell:
    c = WriteOnlyCell(ws, value=neutralise(text))
    c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, HEADER_BORDER, WRAP
    return c


def _width(texts: Sequence[str]) -> float:
    longest = max((max((len(line) for line in t.split("\n")), default=0) for t in texts),
                  default=8)
    return float(min(60, max(10, longest + 2)))


def write_excel(sections: Sequence[Section], path: Path, *, title: str = "",
                on_section: Callable[[Section], None] | None = None) -> Path:
    """Write the workbook to ``path``; ``on_section`` is called after each sheet."""
    wb = Workbook(write_only=True)
    names = sheet_names(sections)
    contents = wb.create_sheet("Contents")
    heads = ["Sheet", "Part", "Title", "What it shows", "Notes", "Chart in the HTML report"]
    rows = [[n, s.group, s.title, s.description, "\n".join(s.notes),
             s.plot.alt if s.plot else ""] for n, s in zip(names, sections, strict=True)]
    for i, head in enumerate(heads):
        letter = chr(ord("A") + i)
        contents.column_dimensions[letter].width = _width([head, *(str(r[i]) for r in rows)])
    contents.freeze_panes = "A3" if title else "A2"
    if title:
        t = WriteOnlyCell(contents, value=neutralise(title))
        t.font = Font(bold=True, size=14)
        contents.append([t])
    contents.append([_header(contents, h) for h in heads])
    for r in rows:
        out = []
        for value in r:
            c = WriteOnlyCell(contents, value=cell(value) if value else None)
            c.alignment = WRAP
            out.append(c)
        contents.append(out)
    for name, s in zip(names, sections, strict=True):
        ws = wb.create_sheet(name)
        frame = s.frame
        cols = [str(c) for c in frame.columns]
        fmts = [column_formatter(frame[c]) for c in frame.columns]
        sample = frame.head(500)
        for i, col in enumerate(cols):
            texts = [col] + [fmts[i](v) for v in sample.iloc[:, i] if v is not None]
            ws.column_dimensions[_letter(i)].width = _width(texts)
        ws.freeze_panes = "A2"
        ws.append([_header(ws, c) for c in cols])
        columns = [_dated(ws, column(frame.iloc[:, i])) for i in range(len(cols))]
        for row in zip(*columns, strict=True):
            ws.append(row)
        if on_section is not None:
            on_section(s)
    wb.save(path)
    return path


def _dated(ws, values: list) -> list:
    """Dates and times as cells with a readable number format (other values as they are)."""
    if not any(isinstance(v, dt.date) for v in values):
        return values
    out = []
    for value in values:
        if isinstance(value, dt.date):
            c = WriteOnlyCell(ws, value=value)
            c.number_format = DATETIME_FORMAT if isinstance(value, dt.datetime) and (
                value.hour or value.minute) else DATE_FORMAT
            out.append(c)
        else:
            out.append(value)
    return out


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
