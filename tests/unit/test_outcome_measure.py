"""The three-step outcome measure in the case-study schema, its JSON Schema and its wording."""

from __future__ import annotations

import copy
import json

import pytest
from pydantic import ValidationError

from msp_learn.schemas import CaseStudy, Ending
from msp_learn.schemas.case_study import NOT_RATED
from msp_learn.schemas.export import json_schemas
from tests.conftest import starter_data

BASE = {"id": "closed", "title": "Closed", "text": "It was closed.", "learning": "Ask first.",
        "risk_outcome": "remains"}


@pytest.mark.parametrize("asked, rating, ok", [
    ("asked-and-expressed", "partially", True),
    ("asked-and-expressed", None, False),
    ("asked-none-expressed", None, True),
    ("asked-none-expressed", "fully", False),
    ("not-asked", None, True),
    ("not-asked", "not-achieved", False),
    ("dont-know", None, True),
    ("dont-know", "fully", False),
])
def test_an_ending_is_rated_exactly_when_outcomes_were_asked_and_expressed(asked, rating, ok):
    """Does the schema itself accept a rating only after 'asked and expressed', and demand one
    there?"""
    data = BASE | {"outcomes_asked": asked}
    if rating:
        data["outcome_achievement"] = rating
    if ok:
        assert Ending.model_validate(data).outcomes_asked == asked
    else:
        with pytest.raises(ValidationError) as caught:
            Ending.model_validate(data)
        (error,) = caught.value.errors()
        assert error["type"] == "content_rule"
        assert error["ctx"]["field"] in ("outcomes_asked", "outcome_achievement")


def test_the_measure_reads_as_three_plain_steps():
    """Does an ending give its measure as three labelled steps, saying why one is unrated?"""
    unasked = Ending.model_validate(BASE | {"outcomes_asked": "not-asked"})
    assert unasked.measure() == [("Outcomes asked for", "Not asked"),
                                 ("Outcomes achieved", NOT_RATED), ("Risk", "Risk remains")]
    rated = Ending.model_validate(BASE | {"outcomes_asked": "asked-and-expressed",
                                          "outcome_achievement": "partially",
                                          "risk_outcome": "reduced"})
    assert rated.measure_text() == ("Outcomes asked for: Asked, and outcomes expressed. "
                                    "Outcomes achieved: Partially achieved. Risk: Risk reduced.")


def test_desired_outcomes_are_declared_once_and_endings_have_no_list():
    """Does a case study need one list of desired outcomes, and refuse a list on an ending?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    assert CaseStudy.model_validate(data).desired_outcomes
    no_list = {k: v for k, v in data.items() if k != "desired_outcomes"}
    with pytest.raises(ValidationError):
        CaseStudy.model_validate(no_list)
    data["endings"][0]["outcomes_wanted"] = ["Stop the money going"]
    with pytest.raises(ValidationError):
        CaseStudy.model_validate(data)


def test_json_schema_tells_editors_the_same_rule():
    """Does the generated JSON Schema require a rating after 'asked and expressed' and refuse
    one otherwise, so an editor flags what validate would?"""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(json_schemas()["case-study.json"])
    validator = jsonschema.Draft202012Validator(schema)
    data = starter_data("case-study.yaml")
    assert list(validator.iter_errors(data)) == []
    rated_unasked = copy.deepcopy(data)
    rated_unasked["endings"][1]["outcome_achievement"] = "fully"
    assert list(validator.iter_errors(rated_unasked))
    unrated = copy.deepcopy(data)
    del unrated["endings"][0]["outcome_achievement"]
    assert list(validator.iter_errors(unrated))
