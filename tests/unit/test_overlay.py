"""A trainer's own content folder adds to the kit's: one loader for the apps, the CLI and tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from msp_learn import apps
from msp_learn.cli import main
from msp_learn.content import load_catalogue
from tests.conftest import ROOT, starter


@pytest.fixture
def trainer(tmp_path, monkeypatch):
    """A trainer's content folder holding only the case-study starter, named by MSP_LEARN_CONTENT."""
    folder = tmp_path / "my-content"
    case = folder / "case_studies" / "example-item" / "case.yaml"
    case.parent.mkdir(parents=True)
    case.write_text(starter("case-study.yaml"), encoding="utf-8")
    monkeypatch.setenv("MSP_LEARN_CONTENT", str(folder))
    monkeypatch.chdir(tmp_path)
    apps.catalogue.cache_clear()
    yield folder
    apps.catalogue.cache_clear()


def test_validate_with_only_a_starter_in_the_overlay_says_ok(trainer, capsys):
    """Does `msp-learn validate` pass a starter whose reflection set is the kit's?"""
    code = main(["validate"])
    out = capsys.readouterr()
    assert code == 0, out.out
    assert out.out.startswith("OK:") and " 0 errors" in out.out


def test_the_apps_see_the_kit_and_the_overlay_together(trainer):
    """Does the apps' catalogue resolve the starter's reflection set and keep the kit's sets?"""
    cat = apps.catalogue()
    assert [str(p) for p in cat.errors] == []
    assert cat.get("case-study", "example-item").reflection == "what-so-what-now-what"
    assert cat.get("case-study", "rosa-ferreira-keeping-paulo")  # the kit's own, not hidden
    sets = {r.id for r in cat.items("reflection-set")}
    assert {"gibbs", "what-so-what-now-what"} <= sets


def test_the_journal_has_its_prompt_sets_with_an_overlay(trainer):
    """Does the journal view build (it needs at least one reflection prompt set)?"""
    from msp_learn.widgets import JournalView, MemoryTracker

    cat = apps.catalogue()
    view = JournalView(cat.items("reflection-set"), tracker=MemoryTracker(), catalogue=cat)
    assert view.widget is not None


def test_list_shows_kit_and_overlay_items(trainer, capsys):
    """Does `msp-learn list` show the trainer's item beside the kit's?"""
    assert main(["list", "--kind", "case-study"]) == 0
    out = capsys.readouterr().out
    assert "example-item" in out and "rosa-ferreira-keeping-paulo" in out


def _kit_files() -> set[Path]:
    return {p for d in ("case_studies", "exercises") for p in (ROOT / d).rglob("*")}


@pytest.fixture
def kit_untouched():
    """Fail a test that writes into the kit's own content folders (and remove what it wrote)."""
    before = _kit_files()
    yield
    leaked = _kit_files() - before
    for path in sorted(leaked, reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert leaked == set(), "wrote into the kit's own content"


@pytest.mark.parametrize("name", ["a", "café", "Bad", "two words", "x" * 81])
def test_new_refuses_an_id_the_schema_refuses(tmp_path, monkeypatch, capsys, kit_untouched,
                                              name):
    """Does `msp-learn new myth NAME` refuse an id that validate would reject, writing nothing?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MSP_LEARN_CONTENT", raising=False)
    code = main(["new", "myth", name])
    err = capsys.readouterr().err
    assert code == 2
    assert f"'{name}' is not a valid id" in err and "lower-case" in err
    assert list(tmp_path.rglob("*")) == []


def test_new_writes_into_the_current_folder_not_the_kit(tmp_path, monkeypatch, capsys,
                                                        kit_untouched):
    """Run in a trainer's empty folder, does `new case-study` write there and not in the kit?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MSP_LEARN_CONTENT", raising=False)
    code = main(["new", "case-study", "my-first-case"])
    out = capsys.readouterr().out
    assert code == 0, out
    target = tmp_path / "case_studies" / "my-first-case" / "case.yaml"
    assert target.is_file() and str(target) in out


def test_new_writes_into_msp_learn_content(tmp_path, monkeypatch, capsys, kit_untouched):
    """With MSP_LEARN_CONTENT set, does `new` write into that folder whatever the current one?"""
    folder = tmp_path / "content"
    monkeypatch.setenv("MSP_LEARN_CONTENT", str(folder))
    monkeypatch.chdir(ROOT)
    assert main(["new", "risk", "my-risk"]) == 0
    assert (folder / "exercises" / "risks" / "my-risk.yaml").is_file()
    assert main(["validate"]) == 0, capsys.readouterr().out


def test_an_overlay_id_that_clashes_with_the_kit_is_a_positioned_error(tmp_path, capsys):
    """Is a trainer's copy of a kit item reported at its id, naming the kit's file too?"""
    folder = tmp_path / "mine"
    copy = folder / "exercises" / "reflections" / "gibbs.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_text((ROOT / "exercises/reflections/gibbs.yaml").read_text(), encoding="utf-8")
    cat = load_catalogue(overlay=folder)
    (problem,) = cat.errors
    text = copy.read_text().splitlines()
    assert problem.path == str(copy) and text[problem.line - 1].startswith("id: gibbs")
    assert problem.message == ("another reflection-set already has the id 'gibbs' "
                               f"({ROOT / 'exercises/reflections/gibbs.yaml'})")
    assert main(["validate", str(copy)]) == 1  # a named file is checked against the kit too
    assert f"{copy}:{problem.line}:{problem.column}: another" in capsys.readouterr().out


def test_the_current_folder_is_the_overlay_when_it_holds_content(tmp_path, monkeypatch):
    """Without MSP_LEARN_CONTENT, is content in the current folder added to the kit's?"""
    case = tmp_path / "case_studies" / "here-case" / "case.yaml"
    case.parent.mkdir(parents=True)
    case.write_text(starter("case-study.yaml", "here-case"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cat = load_catalogue()
    assert {f.origin for f in cat.files} == {"kit", "overlay"}
    assert cat.get("case-study", "here-case") and cat.errors == []


def test_an_empty_folder_loads_only_the_kit(tmp_path, monkeypatch, capsys):
    """From an empty folder, do validate and list work on the kit's own content?"""
    monkeypatch.chdir(tmp_path)
    cat = load_catalogue()
    assert {f.origin for f in cat.files} == {"kit"} and cat.errors == []
    assert main(["validate"]) == 0
    assert main(["list", "--kind", "myth"]) == 0
    assert "msp-just-a-chat" in capsys.readouterr().out


def test_a_missing_content_folder_is_reported_not_ignored(tmp_path, monkeypatch, capsys):
    """Is MSP_LEARN_CONTENT naming a missing folder a clear error, with the kit still loaded?"""
    monkeypatch.setenv("MSP_LEARN_CONTENT", str(tmp_path / "typo"))
    cat = load_catalogue()
    (problem,) = cat.errors
    assert "does not exist" in problem.message and "MSP_LEARN_CONTENT" in problem.message
    assert cat.items("case-study")
    assert main(["validate"]) == 1
    assert f"{tmp_path / 'typo'}:1:1: the content folder" in capsys.readouterr().out


def test_new_refuses_the_kit_and_the_installed_package(monkeypatch, capsys, kit_untouched):
    """Does `new` refuse to write into the kit's checkout or the msp_learn package?"""
    monkeypatch.chdir(ROOT)
    assert main(["new", "myth", "kit-myth"]) == 2
    assert "holds the kit's own content" in capsys.readouterr().err
    assert main(["new", "myth", "kit-myth", "--root", str(ROOT / "msp_learn")]) == 2
    assert "inside the installed msp_learn package" in capsys.readouterr().err


def test_serve_hands_the_current_folder_to_the_kernels(tmp_path, monkeypatch):
    """Started in a trainer's folder, does `serve` name it for the kernels (which run in the
    apps' folder, where the current folder is not the trainer's)?"""
    import msp_learn.server

    (tmp_path / "exercises" / "myths").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MSP_LEARN_DB", f"sqlite:///{tmp_path / 'progress.sqlite'}")
    seen = {}

    def fake_serve(**options):
        seen.update(options, content=os.environ.get("MSP_LEARN_CONTENT"))
        return 0

    monkeypatch.setattr(msp_learn.server, "serve", fake_serve)
    assert main(["serve", "--port", "9"]) == 0
    assert seen["content"] == str(tmp_path.resolve())
    assert seen["apps_dir"] == ROOT / "voila_apps"
