"""The two modes of an assessed notebook's cells: the learner's (views) and autograde's (none)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CELLS = """
import json, sys
from msp_learn.grading import assessed
assessed.start("myths")
assessed.myth("m1", "A statement.")
assessed.risk("r1", "A title", ["A fact."])
assessed.case_walk({"id": "c1", "title": "T", "setting": "S", "start": "n1",
                    "nodes": [{"id": "n1", "title": "N", "text": "X", "choices": []}],
                    "endings": []})
assessed.written("reflection", [{"id": "voice", "text": "Whose voice?", "hint": ""}])
print(json.dumps({"views": sorted(assessed.VIEWS),
                  "widgets": "ipywidgets" in sys.modules}))
"""


def _run(tmp_path: Path, grading: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    env["PYTHONPATH"] = str(REPO)
    if grading:
        env["NBGRADER_EXECUTION"] = "autograde"
    out = subprocess.run([sys.executable, "-c", CELLS], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_autograde_builds_no_views_and_imports_no_widgets(tmp_path):
    """During autograde do the display cells build nothing (no ipywidgets import), while the
    learner's run builds every view, and neither writes an answers file?"""
    graded = _run(tmp_path, grading=True)
    assert graded == {"views": [], "widgets": False}
    learner = _run(tmp_path, grading=False)
    assert learner["views"] == ["case:c1", "myth:m1", "risk:r1", "written:reflection"]
    assert learner["widgets"] is True
    assert not (tmp_path / "answers.json").exists()
