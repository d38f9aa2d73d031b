"""Hostile learner text in every output: escaped in HTML, neutralised in Excel and CSV."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import openpyxl
import pandas as pd

from msp_learn.reports import Section, write
from msp_learn.reports._cells import cell, neutralise

from .sample_sections import HOSTILE

EXPECTED = {"=HYPERLINK(\"http://evil.example\",\"click\")":
            "'=HYPERLINK(\"http://evil.example\",\"click\")",
            "+1+cmd|' /C calc'!A0": "'+1+cmd|' /C calc'!A0", "@SUM(1)": "'@SUM(1)",
            "-2+3": "'-2+3", "<script>alert(1)</script>": "<script>alert(1)</script>",
            "\tTabbed": "'\tTabbed", "\rCarriage": "'\nCarriage"}


def hostile_section() -> Section:
    frame = pd.DataFrame({"Team": HOSTILE, "=Header": ["x"] * len(HOSTILE),
                          "Score": [-2, 3, -1.5, 0, 1, 2, 3]})
    return Section("hostile", "<b>Reflections</b> =1+1", "Learner text <img src=x "
                   "onerror=alert(1)>", frame, notes=("@note <script>alert(2)</script>",),
                   group="<i>Part</i>")


class Tags(HTMLParser):
    """Every start tag and attribute name the browser would build."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def test_hostile_text_is_shown_not_run_in_html(tmp_path):
    """Is every hostile text escaped in the HTML report: no script, img or b element, no
    on* attribute, and the text itself visible as text?"""
    write([hostile_section()], tmp_path)
    html = (tmp_path / "report.html").read_text("utf-8")
    parser = Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags and "b" not in parser.tags
    assert not [a for a in parser.attrs if a.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Content-Security-Policy" in html and "default-src &#x27;none&#x27;" not in html
    assert re.search(r"default-src 'none'", html)


def test_hostile_text_is_neutralised_in_excel(tmp_path):
    """Read back with openpyxl: does every hostile text cell (header, title, notes included)
    begin with a quote and hold no formula, while numbers stay numbers, negatives included?"""
    write([hostile_section()], tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    ws = wb[wb.sheetnames[1]]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert ws["B1"].value == "'=Header"
    teams = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))]
    assert teams == [EXPECTED[h] for h in HOSTILE]
    scores = [ws.cell(row=r, column=3).value for r in range(2, 2 + len(HOSTILE))]
    assert scores == [-2, 3, -1.5, 0, 1, 2, 3]
    assert all(isinstance(s, int | float) for s in scores)
    contents = [c.value for row in wb["Contents"].iter_rows() for c in row if c.value]
    assert "'@note <script>alert(2)</script>" in contents
    assert not [c for row in wb["Contents"].iter_rows() for c in row if c.data_type == "f"]


def test_hostile_text_is_neutralised_in_csv(tmp_path):
    """Read back with csv: does every hostile text cell begin with a quote, while numbers
    (negative ones too) are written as plain numbers?"""
    write([hostile_section()], tmp_path)
    with (tmp_path / "csv" / "hostile.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Team", "'=Header", "Score"]
    assert [r[0] for r in rows[1:]] == [EXPECTED[h] for h in HOSTILE]
    assert [r[2] for r in rows[1:]] == ["-2", "3", "-1.5", "0", "1", "2", "3"]
    risky = [r[0] for r in rows[1:] if r[0][:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not risky


def test_cell_keeps_numbers_and_empties():
    """Does cell() keep numbers (numpy ones too) as numbers, make NaN and None empty, and
    neutralise only text?"""
    import numpy as np

    assert cell(-2) == -2 and cell(np.int64(-3)) == -3 and cell(np.float64(1.5)) == 1.5
    assert cell(float("nan")) is None and cell(None) is None and cell(pd.NA) is None
    assert cell("-2") == "'-2" and neutralise("plain") == "plain"
    assert neutralise("a=b") == "a=b"
