"""The words of risk reasoning live in risk_reasons.yaml, within reach of the content lint."""

from __future__ import annotations

import itertools

import yaml

from msp_learn.content.wording import check_wording, risk_reasons_path
from msp_learn.engine import assess
from msp_learn.schemas.risk import RiskFactors
from msp_learn.vocab import risk_reasons, vocabulary


def every_assessment():
    """assess() over every combination of the factors (38,400 of them)."""
    for lk, im, cap, co, oth, cr, wi, da, reg, ex in itertools.product(
            range(1, 6), range(1, 6), ["has-capacity", "lacks-capacity", "unclear"],
            [False, True], [False, True], [False, True],
            ["wants-action", "wants-no-action", "mixed", "unknown"],
            ["none", "standard", "medium", "high"], [False, True], [False, True]):
        yield assess(RiskFactors(
            likelihood=lk, impact=im, capacity=cap, coercion=co, others_at_risk=oth,
            possible_crime=cr, wishes=wi, domestic_abuse=da, regulated_service=reg,
            executive_capacity_concern=ex))


def test_every_reason_in_the_file_is_used_and_every_used_one_is_there():
    """Does the engine use each reason in the file (no stale text), and find each it needs?"""
    words = risk_reasons()
    used = set()
    for a in every_assessment():
        used |= {("responses", r.reason) for r in a.responses}
        used |= {("escalation", r.reason) for r in a.escalate_to}
    in_file = {("responses", t) for t in words.responses.values()}
    in_file |= {("escalation", t) for t in words.escalation.values()}
    assert used == in_file


def test_reason_ids_are_vocabulary_terms():
    """Is every reason filed under a response or route the vocabularies know?"""
    words = risk_reasons()
    assert {k.split("/")[0] for k in words.responses} <= set(vocabulary("risk_responses").ids)
    assert set(words.escalation) <= set(vocabulary("escalation_routes").ids)


def test_the_kit_wording_passes_the_content_lint():
    """Do the risk reasons pass the lint's checks (no personal data, placeholders, long
    sentences)?"""
    assert [str(p) for p in check_wording()] == []


def test_the_lint_finds_problems_in_wording_with_their_place(tmp_path):
    """Are a placeholder, a phone number and a long sentence each reported at their line?"""
    data = yaml.safe_load(open(risk_reasons_path(), encoding="utf-8"))
    data["responses"]["safety-plan"] = "TODO write this"
    data["responses"]["idva"] = "Call 07700 900123 today."
    data["escalation"]["police"] = " ".join(["word"] * 40) + "."
    path = tmp_path / "risk_reasons.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=200), encoding="utf-8")
    lines = path.read_text().splitlines()
    found = {p.message.split(";")[0]: p for p in check_wording(path)}
    todo = found["placeholder text 'TODO'"]
    assert lines[todo.line - 1].strip().startswith("safety-plan:")
    phone = found["'07700 900123' looks like a UK phone number"]
    assert lines[phone.line - 1].strip().startswith("idva:") and phone.is_error
    long = found["this sentence has 40 words"]
    assert lines[long.line - 1].strip().startswith("police:") and long.severity == "warning"
    (bad,) = check_wording(tmp_path / "missing.yaml")
    assert "cannot read the file" in bad.message
