"""Case-study graph checks: links, reachability, endings, loops."""

import copy

import pytest

from msp_learn.content import load_file
from tests.conftest import starter_data


@pytest.fixture
def case():
    return copy.deepcopy(starter_data("case-study.yaml", "graph-case"))


def problems(write, data):
    return load_file(write("case_studies/graph-case/case.yaml", data)).problems


def line_of(write, data, needle):
    text = write("case_studies/graph-case/case.yaml", data).read_text()
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def add_node(data, ident, choices):
    data["nodes"].append({"id": ident, "text": "Some narrative.", "choices": [
        {"id": f"c{i}", "label": "Do this.", "next": nxt, "feedback": "Because.", **extra}
        for i, (nxt, extra) in enumerate(choices)]})


def test_valid_starter_has_no_graph_problems(write, case):
    assert problems(write, case) == []


def test_dangling_next_suggests_the_close_id(write, case):
    case["nodes"][0]["choices"][0]["next"] = "he-decide"
    found = [p for p in problems(write, case) if "does not match" in p.message]
    assert found and found[0].hint == "Did you mean 'he-decides'?"
    assert found[0].line == line_of(write, case, "next: he-decide")


def test_unreachable_node(write, case):
    add_node(case, "orphan", [("he-decides", {}), ("police-called", {})])
    (p,) = problems(write, case)
    assert p.message == "'orphan' cannot be reached from the start"


def test_node_that_never_ends_is_reported(write, case):
    case["nodes"][0]["choices"][1]["next"] = "spin-a"
    add_node(case, "spin-a", [("spin-b", {}), ("spin-b", {})])
    add_node(case, "spin-b", [("spin-a", {"loop": True}), ("spin-a", {"loop": True})])
    messages = [p.message for p in problems(write, case)]
    assert "no path from 'spin-a' reaches an ending" in messages
    assert "no path from 'spin-b' reaches an ending" in messages
    assert "'police-called' cannot be reached from the start" in messages


def test_unmarked_loop_is_an_error_and_marked_loop_is_fine(write, case):
    case["nodes"][0]["choices"][1]["next"] = "think-again"
    add_node(case, "think-again", [("first-visit", {}), ("police-called", {})])
    (p,) = problems(write, case)
    assert p.message == "this choice loops back to 'first-visit'"
    case["nodes"][1]["choices"][0]["loop"] = True
    assert problems(write, case) == []


def test_loop_flag_on_a_forward_choice_is_a_warning(write, case):
    case["nodes"][0]["choices"][0]["loop"] = True
    (p,) = problems(write, case)
    assert p.severity == "warning"


def test_duplicate_ids_and_start_problems(write, case):
    case["endings"][1]["id"] = "first-visit"
    case["start"] = "first-vist"
    messages = [(p.message, p.hint) for p in problems(write, case)]
    assert any("used twice" in m for m, _ in messages)
    assert ("'start: first-vist' does not match any node", "Did you mean 'first-visit'?") in messages


def test_principle_both_honoured_and_broken(write, case):
    case["nodes"][0]["choices"][0]["breaks"] = ["empowerment"]
    (p,) = problems(write, case)
    assert "both honoured and broken" in p.message


def test_graph_problems_are_reported_alongside_schema_errors(write, case):
    """Are link problems reported in the same run as a type error elsewhere?"""
    case["minutes"] = "ten"
    case["nodes"][0]["choices"][0]["next"] = "nowhere-at-all"
    messages = [p.message for p in problems(write, case)]
    assert any("'minutes' should be a whole number" in m for m in messages)
    assert any("'next: nowhere-at-all'" in m for m in messages)
