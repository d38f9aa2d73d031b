"""The installed package holds no assessed key (the wheel is built and searched)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "assessed" / "exercises"


def test_the_wheel_holds_no_assessed_item_or_key(tmp_path):
    """Does the built wheel contain no assessed item, reality text or hidden test?"""
    src = tmp_path / "src"  # a clean copy: no stale build/ folder can leak into the wheel
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", "artifacts"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(src)], check=True, timeout=600, capture_output=True)
    wheel = next(tmp_path.glob("msp_learn-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        text = "\n".join(zf.read(n).decode("utf-8", "replace") for n in names)
    assert "msp_learn/grading/rubric.yaml" in names  # the search saw the package's data
    assert "msp_learn/grading/templates/feedback/mathjax.html.j2" in names
    needles = []
    for path in EXAMPLE.rglob("*.yaml"):
        item = yaml.safe_load(path.read_text())
        needles.append(item["id"])
        needles.append(" ".join((item.get("reality") or item["model_answer"]["explanation"])
                                .split())[:50])
    flat = " ".join(text.split())
    for needle in needles:
        assert needle not in flat, needle
