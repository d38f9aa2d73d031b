"""Coverage of the vocabularies by a content set, and `msp-learn coverage`."""

import copy

import pytest

from msp_learn.cli import main
from msp_learn.content import load_catalogue
from msp_learn.coverage import COVERED, coverage, render
from msp_learn.vocab import vocabulary
from tests.conftest import starter_data


def load(*paths):
    return load_catalogue(paths)


def myth(ident, principles):
    return starter_data("myth.yaml", ident) | {"principles": principles}


def full_case(ident="full-case"):
    """A starter case study that refers to every term of every covered vocabulary."""
    data = copy.deepcopy(starter_data("case-study.yaml", ident))
    data["abuse_categories"] = list(vocabulary("abuse_categories").ids)
    data["toolkit_sections"] = list(vocabulary("toolkit_sections").ids)
    data["situations"] = list(vocabulary("situations").ids)
    data["capacity"] = "in-question"  # the MCA's less-restrictive term needs a capacity doubt
    first, second = data["nodes"][0]["choices"]
    first["honours"] = ["empowerment", "prevention", "proportionality"]
    second["breaks"] = ["protection", "partnership", "accountability"]
    first["mca"] = ["assume-capacity", "support-decision", "unwise-decisions"]
    second["mca"] = ["best-interests", "less-restrictive"]
    return data


@pytest.fixture
def small(write):
    """Two myths and the starter case study (which covers only a little)."""
    write("exercises/myths/one.yaml", myth("one", ["empowerment", "protection"]))
    write("exercises/myths/two.yaml", myth("two", ["protection"]))
    write("case_studies/example-item/case.yaml", starter_data("case-study.yaml"))
    return write("exercises/myths/one.yaml", myth("one", ["empowerment", "protection"])).parents[2]


def test_counts_which_items_cover_each_term(small):
    cov = coverage(load(small))
    assert cov.count("principles", "protection") == 2
    assert set(cov.covering("principles", "protection")) == {("myth", "one"), ("myth", "two")}
    # the starter case study both honours and breaks empowerment (in different choices):
    # it is counted once, and myth 'one' names it too
    assert cov.covering("principles", "empowerment") == (
        ("case-study", "example-item"), ("myth", "one"))
    assert cov.covering("principles", "proportionality") == (("case-study", "example-item"),)
    assert cov.covering("abuse_categories", "financial") == (("case-study", "example-item"),)
    assert cov.count("abuse_categories", "sexual") == 0
    assert cov.covering("toolkit_sections", "information-and-support") == (
        ("case-study", "example-item"),)
    assert cov.count("mca_principles", "best-interests") == 0
    assert cov.items == {"case-study": 1, "myth": 2}


def test_uncovered_lists_every_missing_term(small):
    cov = coverage(load(small))
    gaps = cov.uncovered()
    assert ("abuse_categories", "sexual") in gaps
    assert ("principles", "empowerment") not in gaps
    assert ("situations", "coercion") in gaps
    assert {v for v, _ in gaps} == set(COVERED)  # the starter covers no situation or MCA term
    assert len(gaps) == sum(len(vocabulary(v).ids) for v in COVERED) - sum(
        1 for v in COVERED for t in vocabulary(v).ids if cov.count(v, t))
    assert not cov.complete


def test_risk_scenarios_count_for_abuse_categories(write):
    path = write("exercises/risks/example-item.yaml", starter_data("risk-scenario.yaml"))
    cov = coverage(load(path))
    assert cov.covering("abuse_categories", "neglect") == (("risk-scenario", "example-item"),)


def test_invalid_files_count_for_nothing(write):
    bad = myth("bad", ["accountability"]) | {"is_myth": "maybe"}
    cov = coverage(load(write("exercises/myths/bad.yaml", bad)))
    assert cov.count("principles", "accountability") == 0 and cov.items == {}


def test_one_item_can_cover_everything(write):
    cov = coverage(load(write("case_studies/full-case/case.yaml", full_case())))
    assert cov.uncovered() == [] and cov.complete


def test_render_marks_uncovered_rows_in_text(small):
    text = render(coverage(load(small)))
    row = next(line for line in text.splitlines() if " sexual " in line)
    assert row.startswith("  !") and "UNCOVERED (Sexual abuse)" in row
    covered = next(line for line in text.splitlines() if " financial " in line)
    assert covered.startswith("    ") and "example-item" in covered and "!" not in covered
    assert "principles: 3 of 6 terms covered, 3 UNCOVERED" in text
    assert text.splitlines()[0] == "Coverage by 1 case study, 2 myths"
    assert "abuse_categories: 1 of 10 terms covered, 9 UNCOVERED" in text
    assert "UNCOVERED: " in text.splitlines()[-1]


def test_render_cuts_long_lists():
    from msp_learn.coverage import Coverage

    many = tuple(("myth", f"a-rather-long-myth-identifier-{i}") for i in range(20))
    terms = {v: {t: many for t in vocabulary(v).ids} for v in COVERED}
    text = render(Coverage(terms, {"myth": 20}), width=100)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "+19 more" in text and text.splitlines()[-1] == "Every term is covered."


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_exits_1_and_prints_the_table_when_something_is_uncovered(capsys, small):
    code, out, _ = run(capsys, "coverage", str(small))
    assert code == 1
    assert "abuse_categories:" in out and "UNCOVERED" in out
    # the starter case study is below the content-set rules: reported as warnings
    assert "Content-set checks (2 warnings):" in out
    assert "warning: the case study has 1 decision point" in out


def test_cli_exits_0_when_everything_is_covered(capsys, write):
    path = write("case_studies/full-case/case.yaml", full_case())
    code, out, _ = run(capsys, "coverage", str(path))
    assert code == 0
    assert "Every term is covered." in out and "Content-set checks" in out
    assert "!" not in "".join(line[:3] for line in out.splitlines())


def test_cli_usage_errors_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "coverage", str(tmp_path / "no-such"))
    assert code == 2 and "no such file or folder" in err


def test_cli_notes_invalid_files(capsys, write):
    path = write("exercises/myths/bad.yaml", myth("bad", []) | {"is_myth": "maybe"})
    code, out, err = run(capsys, "coverage", str(path))
    assert code == 1 and "1 invalid file not counted" in err


def test_validate_readability_prints_a_figure_per_file(capsys, write):
    path = write("exercises/myths/one.yaml", myth("one", []))
    code, out, _ = run(capsys, "validate", "--readability", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Readability (Flesch reading ease")
    assert lines[1].endswith(str(path)) and "words/sentence" in lines[1]
    assert lines[2].endswith("all 1 valid file")
    assert lines[-1].startswith("OK: 1 file checked")
    code, out, _ = run(capsys, "validate", str(path))
    assert "Readability" not in out
