"""The notebooks and Voila app notebooks run headless, cell by cell (nbval runs them too)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_pass_nbval(tmp_path):
    """Do the learner and trainer notebooks run under nbval with no errors?"""
    env_db = f"sqlite:///{tmp_path / 'nb.sqlite'}"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         *map(str, NOTEBOOKS)], capture_output=True, text=True, cwd=ROOT, check=False,
        env={**__import__("os").environ, "MSP_LEARN_DB": env_db, "MSP_LEARN_DATA": str(tmp_path)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


QUERIES = {
    "gallery": "learner=Test%20Learner",
    "ask-name": "view=quiz",
    "case-study": "view=case-study&id=danny-cuckooing-exploitation&learner=Test",
    "quiz": "view=quiz&learner=Test&tag=advocacy",
    "risk": "view=risk-scenario&id=winston-lends-to-a-friend&learner=Test",
    "journal": "view=journal&learner=Test",
    "unknown-view": "view=nonsense&learner=Test",
    "unknown-id": "view=case-study&id=no-such-case&learner=Test",
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_voila_app_notebook_executes(query, tmp_path, monkeypatch):
    """Does the app notebook execute in a kernel (as Voila does) for each view, bad ones too?"""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("MSP_LEARN_DB", f"sqlite:///{tmp_path / 'apps.sqlite'}")
    monkeypatch.setenv("QUERY_STRING", query)
    nb = nbformat.read(ROOT / "voila_apps" / "app.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={
        "metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
