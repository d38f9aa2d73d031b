"""Loading content files: every problem reported with a place and a fix."""

import re

import pytest

from msp_learn.content import load_catalogue, load_file
from tests.conftest import starter

LINE = re.compile(r"^.+:\d+:\d+: .+$")


def messages(path):
    return [str(p) for p in load_file(path).problems]


@pytest.mark.parametrize("name", ["case-study.yaml", "myth.yaml", "risk-scenario.yaml"])
def test_starters_are_valid(write, name):
    """Does each starter file (what `msp-learn new` writes) validate cleanly?"""
    path = write(f"{name.split('.')[0]}/example-item.yaml" if name != "case-study.yaml"
                 else "case_studies/example-item/case.yaml", starter(name))
    loaded = load_catalogue([path])
    assert [str(p) for p in loaded.all_problems] == []
    assert loaded.files[0].item.id == "example-item"


def test_unknown_key_names_line_and_suggests(write):
    text = starter("myth.yaml").replace("reality:", "realty:")
    out = messages(write("m.yaml", text))
    assert any("unknown key 'realty'" in m and "Did you mean 'reality'?" in m for m in out)
    assert any("'reality' is missing" in m for m in out)
    assert all(LINE.match(m) for m in out)


def test_misspelt_vocabulary_reference_gets_close_match(write):
    text = starter("case-study.yaml").replace("[empowerment]\n", "[empowerement]\n", 1)
    path = write("case_studies/example-item/case.yaml", text)
    (problem,) = load_file(path).problems
    assert "'empowerement' is not an allowed value" in problem.message
    assert problem.hint == "Did you mean 'empowerment'?"
    line = text.splitlines()[problem.line - 1]
    assert "empowerement" in line and line.index("empowerement") + 1 == problem.column


def test_missing_kind_is_guessed_from_folder(write):
    text = starter("myth.yaml").replace("kind: myth\n", "")
    (problem,) = load_file(write("exercises/myths/x.yaml", text)).problems
    assert problem.message == "'kind' is missing" and "kind: myth" in problem.hint


def test_unknown_kind_and_newer_version(write):
    (p1,) = load_file(write("a.yaml", "schema_version: 1\nkind: mith\n")).problems
    assert "Did you mean 'myth'?" in p1.hint
    (p2,) = load_file(write("b.yaml", starter("myth.yaml").replace(
        "schema_version: 1", "schema_version: 7"))).problems
    assert "newer than this kit" in p2.message and p2.line == 3


def test_wrong_types_are_explained(write):
    text = starter("risk-scenario.yaml").replace("likelihood: 4", "likelihood: very")
    (problem,) = load_file(write("r.yaml", text)).problems
    assert "'likelihood' should be a whole number, not the text 'very'" in problem.message
    assert "1 rare" in problem.hint


def test_top_level_list_is_refused(write):
    (problem,) = load_file(write("x.yaml", "- a\n- b\n")).problems
    assert "not a list" in problem.message


def test_duplicate_ids_across_files(write):
    first = write("exercises/myths/example-item.yaml", starter("myth.yaml"))
    write("exercises/myths/zz.yaml", starter("myth.yaml"))
    catalogue = load_catalogue([first.parent])
    dupes = [p for p in catalogue.errors if "already has the id" in p.message]
    assert len(dupes) == 1 and dupes[0].path.endswith("zz.yaml")


def test_id_differing_from_file_name_is_a_warning(write):
    path = write("exercises/myths/other-name.yaml", starter("myth.yaml"))
    (problem,) = load_file(path).problems
    assert problem.severity == "warning" and "file name" in problem.message


def test_reflection_reference_is_checked(write):
    text = starter("case-study.yaml").replace("reflection: what-so-what-now-what",
                                              "reflection: what-so-wat-now-what")
    path = write("case_studies/example-item/case.yaml", text)
    catalogue = load_catalogue([path])
    (problem,) = catalogue.errors
    assert "does not match any reflection set" in problem.message


def test_reflection_stage_checks(write):
    text = """schema_version: 1
kind: reflection-set
id: rr
title: T
model: what-so-what-now-what
description: D
prompts:
  - id: p1
    stage: what
    text: What happened?
  - id: p1
    stage: so-wot
    text: So what?
"""
    out = messages(write("r.yaml", text))
    assert any("'so-wot' is not a stage" in m and "so-what" in m for m in out)
    assert any("no prompt covers the stage(s) so-what, now-what" in m for m in out)
    assert any("prompt id 'p1' is used twice" in m for m in out)


def test_risk_model_level_must_match_matrix(write):
    text = starter("risk-scenario.yaml").replace("  level: high", "  level: low")
    (problem,) = [p for p in load_file(write("r.yaml", text)).problems if p.is_error]
    assert "factors give 'high'" in problem.message and problem.line == 30
