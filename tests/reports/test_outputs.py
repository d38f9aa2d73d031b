"""The report's outputs: SVG plots, the HTML page, the workbook, the CSV files, write()."""

from __future__ import annotations

import csv
import math
import re
import xml.etree.ElementTree as ET

import openpyxl
import pandas as pd
import pytest

from msp_learn.reports import Plot, Section, write
from msp_learn.reports._excel import sheet_names
from msp_learn.reports._html import page, section_html
from msp_learn.reports._plots import _ticks, svg

from .sample_sections import sections

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "text")]


@pytest.mark.parametrize("section", [s for s in sections() if s.plot], ids=lambda s: s.plot.kind
                         + "-" + s.id)
def test_every_plot_is_well_formed_and_labelled(section):
    """Is each kind's SVG well-formed XML with role=img, a title and a desc it is labelled
    by, a viewBox and no fixed pixel size, and no script?"""
    root = parse(svg(section.plot, section.frame, id_prefix=section.id))
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert title.text == section.plot.title and desc.text == section.plot.alt
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("width") == "100%" and root.get("height") is None
    assert not list(root.iter(SVG + "script"))


def test_bar_values_are_written_as_text_and_suppressed_ones_say_so():
    """Does a bar chart write every shown value beside its bar (not colour alone) and say
    "not shown" for a suppressed figure, with no bar for it?"""
    s = sections()[0]
    root = parse(svg(s.plot, s.frame, id_prefix="t"))
    words = texts(root)
    for value in ("87.5%", "64.5%", "75%", "55.6%"):
        assert value in words
    assert words.count("not shown") == 1
    bars = [r for r in root.iter(SVG + "rect") if r.get("fill") == "#1d70b8"]
    assert len(bars) == 4  # Mental Health Liaison has no bar
    heights = sorted(float(b.get("height")) for b in bars)
    assert heights[-1] / heights[0] == pytest.approx(87.5 / 55.6, rel=0.01)


def test_stacked_segments_have_patterns_and_a_legend():
    """Do a stacked chart's series differ by pattern (so they read in greyscale), with a
    legend naming each series and each segment's value written inside it?"""
    s = sections()[2]
    root = parse(svg(s.plot, s.frame, id_prefix="t"))
    fills = {r.get("fill") for r in root.iter(SVG + "rect") if (r.get("fill") or "").startswith(
        "url(#t-p")}
    assert fills == {"url(#t-p0)", "url(#t-p1)", "url(#t-p2)"}
    patterns = [p.get("id") for p in root.iter(SVG + "pattern")]
    assert {"t-p0", "t-p1", "t-p2"} <= set(patterns)
    words = texts(root)
    assert {"Completed", "In progress", "Not started"} <= set(words)
    assert {"60", "12", "8", "48", "16", "40", "18", "22"} <= set(words)


def test_heatmap_writes_every_cell():
    """Does every heatmap cell carry its value as text, with a dash for a suppressed cell?"""
    s = sections()[3]
    root = parse(svg(s.plot, s.frame, id_prefix="t"))
    words = texts(root)
    for value in ("12.5%", "30%", "45.8%", "9.7%", "22.6%", "51.6%"):
        assert value in words
    assert words.count("\u2013") == 3


def test_paths_draw_a_box_per_node_in_columns_and_an_arrow_per_choice():
    """Does the path diagram put each step in a column by its depth, draw one arrow per
    choice with its count, thicker for more, and mark endings?"""
    s = sections()[4]
    root = parse(svg(s.plot, s.frame, id_prefix="t"))
    boxes = {r.find(SVG + "title").text: r for r in root.iter(SVG + "rect")
             if r.find(SVG + "title") is not None}
    assert set(boxes) == {"Step: first visit", "Step: ask what matters", "Step: make referral",
                          "Ending: closed without contact", "Ending: outcome agreed",
                          "Ending: family decides", "Ending: outcome imposed"}
    x = {k.split(": ")[1]: float(v.get("x")) for k, v in boxes.items()}
    assert x["first visit"] < x["ask what matters"] == x["make referral"] < x["outcome agreed"]
    arrows = [p for p in root.iter(SVG + "path") if p.get("marker-end")]
    assert len(arrows) == 7
    widths = {p.find(SVG + "title").text.split(": ")[-1]: float(p.get("stroke-width"))
              for p in arrows}
    assert widths["38"] > widths["15"] > widths["3"]
    assert widths["not shown"] == 1.5
    assert "chosen 38 times" in texts(root) and "not shown" in texts(root)


def test_paths_name_steps_from_the_label_columns():
    """When the frame has "Point in the story" and "Leads to" columns, are the boxes named
    from them (the ids only where no name is given)?"""
    s = sections()[4]
    frame = s.frame.assign(**{"Point in the story": s.frame["node"].map(
        {"first-visit": "The first visit", "ask-what-matters": "Asking what matters"}),
        "Leads to": s.frame["next"].map({"outcome-agreed": "An agreed plan"})})
    root = parse(svg(s.plot, frame, id_prefix="t"))
    titles = {t.text for r in root.iter(SVG + "rect") if (t := r.find(SVG + "title")) is not None}
    assert {"Step: The first visit", "Step: Asking what matters", "Ending: An agreed plan",
            "Step: make referral"} <= titles


def test_a_plot_naming_a_missing_column_is_refused_plainly():
    """Does a plot whose column is not in the frame raise a ValueError naming it (and the
    HTML keep the table, saying the chart could not be drawn)?"""
    frame = pd.DataFrame({"Team": ["A"], "Score": [1]})
    plot = Plot("bar", "Scores", "A scored 1.", x="Team", y="Completed")
    with pytest.raises(ValueError, match="'Completed'"):
        svg(plot, frame)
    html = section_html(Section("s", "Scores", "d", frame, plot))
    assert "could not be drawn" in html and "<table>" in html


def test_empty_frame_draws_a_message():
    """Does a plot of an empty table say there are no figures instead of failing?"""
    plot = Plot("hbar", "Nothing", "No data.", x="Team", y="N")
    root = parse(svg(plot, pd.DataFrame({"Team": [], "N": []})))
    assert "No figures to show." in texts(root)


@pytest.mark.parametrize(("top", "unit", "want"), [(22, "", (25, 5)), (87.5, "%", (100, 25)),
                                                   (3, "", (3, 1)), (0, "", (1, 0.25)),
                                                   (0.92, "", (1, 0.2)), (410, "", (500, 100))])
def test_axis_ticks_are_round(top, unit, want):
    """Is the axis top a round number with at most five round steps?"""
    assert _ticks(top, unit) == want


def test_html_page_is_whole_and_offline():
    """Does the page have a contents list linking to every section, one h1, a caption and
    scoped headers per table, print rules, and no script, link, or external URL?"""
    secs = sections()
    html = page(secs)
    assert html.startswith("<!DOCTYPE html>\n<html lang='en-GB'>")
    assert html.count("<h1>") == 1
    for s in secs:
        assert f"href='#s-{s.id}'" in html and f"id='s-{s.id}'" in html
    assert html.count("<caption") == len(secs)
    assert "<th scope='col'" in html and "<th scope='row'" in html
    assert "@media print" in html and "break-before: page" in html
    lowered = html.lower()
    assert "<script" not in lowered and "<link" not in lowered and "@import" not in lowered
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", lowered)


def test_html_tables_format_numbers_and_say_not_shown():
    """Are numbers right-aligned with the column's decimals, and a suppressed figure said in
    words to a screen reader?"""
    html = section_html(sections()[0])
    assert "<td class='msp-num'>87.5</td>" in html and "<td class='msp-num'>75.0</td>" in html
    assert "<span class='msp-hidden'>not shown</span>" in html


def test_sheet_names_are_short_unique_and_clean():
    """Are sheet names at most 31 characters, without []:*?/\\, unique ignoring case, and
    never the Contents sheet's name?"""
    frame = pd.DataFrame({"a": [1]})
    titles = ["Completion by team: week 1 [draft] / all?", "Completion by team: week 1 [draft] "
              "/ all*", "contents", "COMPLETION", "completion", "'quoted'"]
    names = sheet_names([Section(f"s{i}", t, "", frame) for i, t in enumerate(titles)])
    assert all(len(n) <= 31 for n in names)
    assert not any(set(n) & set("[]:*?/\\") for n in names)
    assert len({n.lower() for n in names}) == len(names)
    assert "contents" not in {n.lower() for n in names}
    assert names[1].endswith("(2)") and not names[5].startswith("'")


def test_write_makes_every_file_and_reports_progress(tmp_path):
    """Does write() make report.html, report.xlsx and a CSV per section, call progress from
    1 to its total with labels, and leave no partial files?"""
    secs = sections()
    calls = []
    paths = write(secs, tmp_path / "out", progress=lambda d, t, label: calls.append((d, t,
                                                                                     label)))
    names = sorted(p.relative_to(tmp_path / "out").as_posix() for p in paths)
    assert names == sorted(["report.html", "report.xlsx", *(f"csv/{s.id}.csv" for s in secs)])
    assert all(p.is_file() and p.stat().st_size for p in paths)
    assert [d for d, _, _ in calls] == list(range(1, len(calls) + 1))
    assert {t for _, t, _ in calls} == {len(calls)} and calls[-1][2] == "done"
    assert any(label.startswith("Excel: ") for _, _, label in calls)
    assert not list((tmp_path / "out").rglob("*.part"))


def test_write_refuses_a_file_as_the_folder(tmp_path):
    """Is an --out that names a file refused with a plain message?"""
    target = tmp_path / "report"
    target.write_text("x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        write(sections(), target)


def test_workbook_has_contents_styled_frozen_headers_and_numbers(tmp_path):
    """Does the workbook have a Contents sheet listing each sheet with its title, description
    and notes, then one sheet per section with a bold frozen header, set widths, and numbers
    kept as numbers (suppressed ones empty)?"""
    secs = sections()
    write(secs, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert wb.sheetnames == ["Contents", *sheet_names(secs)]
    contents = wb["Contents"]
    rows = list(contents.iter_rows(values_only=True))
    assert rows[1][:4] == ("Sheet", "Part", "Title", "What it shows")
    assert rows[2][0] == "Completion by team" and rows[2][4] == secs[0].notes[0]
    ws = wb["Completion by team"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert ws.column_dimensions["A"].width >= len("Adult Social Care North")
    values = list(ws.iter_rows(min_row=2, values_only=True))
    assert values[0] == ("Adult Social Care North", 24, 87.5)
    assert values[4][2] is None  # suppressed: empty, not 0 and not "nan"
    items = wb["Item analysis the myths quiz"]
    assert items["F2"].is_date and items["F2"].number_format == "yyyy-mm-dd"


def test_csv_is_utf8_with_bom_and_numbers_plain(tmp_path):
    """Does each CSV start with a UTF-8 byte-order mark, hold the header and rows, write
    numbers plainly and a suppressed figure as an empty cell?"""
    write(sections(), tmp_path)
    raw = (tmp_path / "csv" / "completion-by-team.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "csv" / "completion-by-team.csv").open(encoding="utf-8-sig",
                                                             newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Team", "Learners", "Completed (%)"]
    assert rows[1] == ["Adult Social Care North", "24", "87.5"]
    assert rows[5] == ["Mental Health Liaison", "4", ""]
    assert len(rows) == 6 and not math.isnan(float(rows[3][2]))


def test_printable_fast_path_agrees_with_the_rule():
    """Does html.printable's quick check pass exactly the characters its rule keeps (every
    control but tab and newline, CR and the bidi controls are still replaced)?"""
    import unicodedata

    from msp_learn.html import BIDI_CONTROLS, printable

    for code in range(0x3000):
        c = chr(code)
        changed = (unicodedata.category(c) == "Cc" and c not in "\t\n") or c in BIDI_CONTROLS
        assert (printable("a" + c + "b") != "a" + c + "b") == changed, hex(code)
    assert printable("a\r\nb\rc") == "a\nb\nc"
