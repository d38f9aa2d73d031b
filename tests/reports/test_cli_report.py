"""``msp-learn report``: usage errors exit 2 with a plain message; a tiny store makes a report."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from msp_learn.cli import _ProgressBar, main
from tests.conftest import kit_catalogue

TEAMS = {"North": [f"Ann North{i}" for i in range(6)], "South": [f"Bob South{i}" for i in
                                                                  range(6)],
         "Hospital": ["Cat Hospital0", "Cat Hospital1"]}


def run(capsys, *args):
    code = main(["report", *args])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def test_usage_errors_exit_2_with_a_plain_message(capsys, tmp_path):
    """Are a missing course folder, a missing learners file, an --out that is a file, a bad
    date, dates the wrong way round and a minimum group under 1 each refused with exit 2 and
    a message saying what to do?"""
    afile = tmp_path / "afile"
    afile.write_text("x")
    out = str(tmp_path / "out")
    cases = [
        (["--out", out, "--course", str(tmp_path / "nope")], "no course folder at"),
        (["--out", out, "--learners", str(tmp_path / "none.csv")], "no learners file at"),
        (["--out", str(afile)], "is a file: name a folder"),
        (["--out", out, "--since", "30/11/2026"], "is not a date: write it as YYYY-MM-DD"),
        (["--out", out, "--since", "2026-12-02", "--until", "2026-12-01"], "is after --until"),
        (["--out", out, "--min-group", "0"], "--min-group must be 1 or more"),
    ]
    for args, message in cases:
        code, _, err = run(capsys, *args)
        assert code == 2, args
        assert err.startswith("msp-learn report: error: ") and message in err, err
    assert not (tmp_path / "out").exists()


def test_out_is_required(capsys):
    """Does the command without --out exit 2 saying --out is required?"""
    with pytest.raises(SystemExit) as exc:
        main(["report"])
    assert exc.value.code == 2 and "--out" in capsys.readouterr().err


def test_progress_bar_draws_on_a_terminal_only():
    """Does the progress bar draw on a terminal, end its line when done, and stay silent when
    stderr is not a terminal?"""
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = _ProgressBar(stream)
        bar(1, 4, "HTML: Completion")
        bar(4, 4, "done")
    assert "\r[#######" in tty.getvalue() and "1/4 HTML: Completion" in tty.getvalue()
    assert tty.getvalue().endswith("\n") and "4/4 done" in tty.getvalue()
    assert pipe.getvalue() == ""


@pytest.fixture
def tiny_store(tmp_path):
    """A store where 14 fictional learners in three teams answered the myths quiz."""
    from msp_learn.events import QuizAnswered
    from msp_learn.store import Store
    from msp_learn.tracking import StoreTracker

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = Store(url)
    myths = kit_catalogue().items("myth")[:4]
    for t, names in enumerate(TEAMS.values()):
        for i, name in enumerate(names):
            tracker = StoreTracker(store, name).for_activity("quiz", "myths")
            for k, item in enumerate(myths):
                right = (i + k + t) % 3 != 0
                said = item.is_myth if right else not item.is_myth
                tracker.commit(QuizAnswered(item_id=item.id, said_myth=said, is_correct=right))
    store.close()
    learners = tmp_path / "learners.csv"
    with learners.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "team", "role"])
        for team, names in TEAMS.items():
            for name in names:
                w.writerow([name, name, team, "Social worker"])
    return url, learners


def test_report_end_to_end_on_a_tiny_store(capsys, tmp_path, tiny_store):
    """Does the command read a tiny store and learners file and write the HTML, the workbook
    and a CSV per table, saying where each is, with the small team's figures withheld?"""
    url, learners = tiny_store
    out = tmp_path / "report"
    code, stdout, err = run(capsys, "--out", str(out), "--store", url, "--learners",
                            str(learners))
    assert code == 0, err
    csvs = sorted((out / "csv").glob("*.csv"))
    assert stdout.splitlines() == [f"wrote {out / 'report.html'}", f"wrote {out / 'report.xlsx'}",
                                   f"wrote {len(csvs)} CSV files (one per table) in {out / 'csv'}"]
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert wb.sheetnames[0] == "Contents" and len(wb.sheetnames) == len(csvs) + 1
    html = (out / "report.html").read_text("utf-8")
    assert "<svg" in html and "North" in html
    assert "Cat Hospital0" not in html  # no learner of a team of 2 is named


def test_report_filter_by_team(capsys, tmp_path, tiny_store):
    """Does --team keep the report to that team's learners?"""
    url, learners = tiny_store
    out = tmp_path / "north"
    code, _, err = run(capsys, "--out", str(out), "--store", url, "--learners", str(learners),
                       "--team", "North")
    assert code == 0, err
    html = (out / "report.html").read_text("utf-8")
    assert "South" not in html.split("Contents")[1]


def test_board_copy_names_no_learner_and_lists_no_problem(capsys, tmp_path, tiny_store):
    """Does --board leave out the table naming learners (HTML, workbook, CSV, even when a
    managers' copy was written to the same folder before) and count, not list, the data's
    problems, whose messages quote ids, each copy saying who it is for?"""
    from msp_learn.reports._html import NAMED_NOTE, SHARED_NOTE
    from tests.reports.builders import gradebook

    url, learners = tiny_store
    with learners.open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(["ghost-learner", "Gus Ghost", "North", "Social worker"])
    course = tmp_path / "course"
    gradebook(course, {"week-1": {"test-myth-a": (1, "grade")}},
              {(name, "week-1"): {"test-myth-a": 1.0} for name in TEAMS["North"]})
    out = tmp_path / "report"
    both = ("--store", url, "--learners", str(learners), "--course", str(course))
    code, _, err = run(capsys, "--out", str(out), *both)
    assert code == 0, err
    managers = (out / "report.html").read_text("utf-8")
    assert "Ann North0" in managers and "ghost-learner" in managers
    shared, named = SHARED_NOTE.split(": ")[1], NAMED_NOTE.split(": ")[1]  # no apostrophes
    assert named in managers and shared not in managers
    assert (out / "csv" / "completion-by-learner.csv").is_file()
    assert "Ann North0" in _workbook_text(out / "report.xlsx")

    code, _, err = run(capsys, "--out", str(out), *both, "--board")
    assert code == 0, err
    assert "ghost-learner" in err  # the lead still sees every problem where it is
    board = (out / "report.html").read_text("utf-8")
    assert "Ann North0" not in board and "ghost-learner" not in board
    assert shared in board and named not in board
    assert "1 problem found in the data is listed in the managers" in board
    assert "North" in board  # the team figures are all there
    names = {p.name for p in (out / "csv").glob("*.csv")}
    assert "completion-by-learner.csv" not in names and "data-problems.csv" not in names
    assert "completion-by-team.csv" in names
    book = openpyxl.load_workbook(out / "report.xlsx")
    assert len(book.sheetnames) == len(names) + 1  # Contents, then a sheet per CSV
    text = _workbook_text(out / "report.xlsx")
    assert "Ann North0" not in text and "ghost-learner" not in text and "North" in text


def _workbook_text(path) -> str:
    return " ".join(str(c.value) for sheet in openpyxl.load_workbook(path).worksheets
                    for row in sheet.iter_rows() for c in row)
