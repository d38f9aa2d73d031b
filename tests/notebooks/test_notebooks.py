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
    "gallery": "",
    "not-signed-in": "view=quiz",
    "case-study": "view=case-study&id=danny-cuckooing-exploitation",
    "quiz": "view=quiz&tag=advocacy",
    "risk": "view=risk-scenario&id=winston-lends-to-a-friend",
    "journal": "view=journal&learner=Someone%20Else",  # a learner= in the URL is ignored
    "unknown-view": "view=nonsense",
    "unknown-id": "view=case-study&id=no-such-case",
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_voila_app_notebook_executes(query, tmp_path, monkeypatch):
    """Does the app notebook execute in a kernel (as Voila does) for each view, bad ones too?"""
    import nbformat
    from nbclient import NotebookClient

    from msp_learn import identity

    monkeypatch.setenv("MSP_LEARN_DB", f"sqlite:///{tmp_path / 'apps.sqlite'}")
    monkeypatch.setenv("QUERY_STRING", query)
    if query != QUERIES["not-signed-in"]:  # the server hands the kernel a signed person
        secret = "ab" * 32
        monkeypatch.setenv(identity.SECRET_ENV, secret)
        monkeypatch.setenv(identity.KERNEL_ENV, identity.person_token(
            identity.Person("Test Learner"), secret, purpose="kernel", seconds=600))
    nb = nbformat.read(ROOT / "voila_apps" / "app.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={
        "metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


#: Plays every activity of the learner walkthrough, run in the notebook's own kernel after
#: the notebook itself: the test drives the widgets, the notebook holds no test code.
WALKTHROUGH_DRIVER = """
_item = quiz.session.current
_result = quiz.answer(_item.is_myth)
assert _result.correct and _result.headline.startswith("Correct")
case.start()
while not case.session.finished:
    case.choose(case.session.available_choices()[0].id)
    case.carry_on()
assert case.stage == "ending" and case.session.ending is not None
_assessment = risk.show_assessment()
assert _assessment.level in ("low", "medium", "high", "very-high")
print("All four activities played through.")
"""


def test_learner_walkthrough_holds_no_test_driver():
    """Does the walkthrough a learner runs hold only the activities, no cell that plays them?"""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "learner_walkthrough.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for driver_call in (".answer(", ".choose(", ".carry_on(", "assert "):
        assert driver_call not in code


def test_learner_walkthrough_plays_through_when_driven_from_the_test(tmp_path, monkeypatch):
    """Run as a learner would (LEARNER = None), do the walkthrough's widgets play through when
    the test drives them in the same kernel, and is nothing written to the store?"""
    import nbformat
    from nbclient import NotebookClient

    db = tmp_path / "walkthrough.sqlite"
    monkeypatch.setenv("MSP_LEARN_DB", f"sqlite:///{db}")
    nb = nbformat.read(ROOT / "notebooks" / "learner_walkthrough.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    driver = nbformat.v4.new_code_cell(WALKTHROUGH_DRIVER)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        nb.cells.append(driver)
        client.execute_cell(driver, len(nb.cells) - 1)
    text = "".join(o.get("text", "") for o in driver.outputs if o.output_type == "stream")
    assert "All four activities played through." in text
    if db.exists():
        from msp_learn.store import Store

        with Store(f"sqlite:///{db}") as store:
            assert store.learners() == []
