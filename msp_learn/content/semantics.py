"""Checks on one valid item that its schema cannot express.

* a reflection set covers every stage of its model, once per prompt id;
* a risk scenario's model answer agrees with the matrix and the escalation the factors imply;
* an item's id matches its file name (a warning).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from msp_learn.content._yaml import Located
from msp_learn.content.messages import did_you_mean
from msp_learn.content.problems import Problem
from msp_learn.engine.risk import assess
from msp_learn.schemas import ReflectionSet, RiskScenario
from msp_learn.vocab import reflection_stages


def check_item(path: str, item: BaseModel, located: Located) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(item, ReflectionSet):
        problems += _check_reflection(path, item, located)
    if isinstance(item, RiskScenario):
        problems += _check_risk(path, item, located)
    stem = Path(path).stem if Path(path).stem != "case" else Path(path).parent.name
    if item.id != stem:
        mark = located.mark(("id",))
        problems.append(Problem(path, mark.line, mark.column, f"the id '{item.id}' differs from "
                                f"the file name '{stem}'", "Name the file after the id so "
                                "authors can find it.", "warning"))
    return problems


def _check_risk(path: str, item: RiskScenario, located: Located) -> list[Problem]:
    """The model answer must agree with the matrix the learner is shown."""
    problems = []
    reasoned = assess(item.factors)
    if reasoned.level != item.model_answer.level:
        mark = located.mark(("model_answer", "level"))
        problems.append(Problem(path, mark.line, mark.column, f"the model answer's level is "
                                f"'{item.model_answer.level}' but the factors give "
                                f"'{reasoned.level}': {reasoned.level_reason}",
                                "Change the level, or the likelihood and impact ratings."))
    for route in reasoned.escalate_to:
        if route.id in ("marac", "police", "legal-advice") and (
                route.id not in item.model_answer.escalate_to):
            mark = located.mark(("model_answer", "escalate_to"))
            problems.append(Problem(path, mark.line, mark.column, f"the factors point to "
                                    f"escalating to '{route.id}' but the model answer does not",
                                    f"Add it, or explain in 'explanation' why not. "
                                    f"({route.reason})", "warning"))
    return problems


def _check_reflection(path: str, item: ReflectionSet, located: Located) -> list[Problem]:
    problems = []
    stages = reflection_stages(item.model)
    for i, prompt in enumerate(item.prompts):
        if prompt.stage not in stages:
            mark = located.mark(("prompts", i, "stage"))
            problems.append(Problem(path, mark.line, mark.column, f"'{prompt.stage}' is not a "
                                    f"stage of the {item.model} model",
                                    did_you_mean(prompt.stage, stages)))
    missing = [s for s in stages if s not in {p.stage for p in item.prompts}]
    if missing:
        mark = located.mark(("prompts",))
        problems.append(Problem(path, mark.line, mark.column, f"no prompt covers the stage(s) "
                                f"{', '.join(missing)}", "Add a prompt for each stage of the "
                                "model."))
    ids = [p.id for p in item.prompts]
    for i, ident in enumerate(ids):
        if ident in ids[:i]:
            mark = located.mark(("prompts", i, "id"))
            problems.append(Problem(path, mark.line, mark.column, f"the prompt id '{ident}' is "
                                    "used twice", "Give each prompt its own id."))
    return problems
