"""Schema of a branching case study: narrative nodes, choices with feedback, endings.

Endings carry the three steps of the national MSP outcome measure: were the person's desired
outcomes asked for (``outcomes_asked``); only if they were asked and expressed, how far they
were achieved (``outcome_achievement``); and what happened to the risk (``risk_outcome``). The
person's desired outcomes are declared once per case study (``desired_outcomes``), not once
per ending, so every ending is measured against the same list.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from msp_learn.schemas.common import (
    AbuseCategory,
    ContentModel,
    FileHeader,
    Level,
    McaPrinciple,
    OutcomeAchievement,
    OutcomesAsked,
    Person,
    PersonCapacity,
    Principle,
    RiskOutcome,
    Situation,
    Slug,
    Text,
    ToolkitSection,
    rule_error,
)
from msp_learn.vocab import vocabulary

#: What the view and the CPD record say when an ending gives no achievement rating.
NOT_RATED = "Not rated, because no outcomes were asked for and expressed"


class Choice(ContentModel):
    """One option the learner can take at a decision point."""

    id: Slug = Field(description="Id of the choice, unique within its node.")
    label: Text = Field(description="What the learner chooses to do, as a short sentence.")
    next: Slug = Field(description="Id of the node or ending this choice leads to.")
    feedback: Text = Field(
        description="Why this choice helps or hinders the person, explaining the practice."
    )
    honours: list[Principle] = Field(
        default_factory=list, description="Safeguarding principles this choice upholds."
    )
    breaks: list[Principle] = Field(
        default_factory=list, description="Safeguarding principles this choice neglects or breaches."
    )
    mca: list[McaPrinciple] = Field(
        default_factory=list, description="Mental Capacity Act principles this choice engages."
    )
    loop: bool = Field(
        False,
        description="Set true when this choice deliberately returns to an earlier node "
        "(for example 'try again'); otherwise a cycle is reported as an error.",
    )
    asks_outcomes: bool = Field(
        False,
        description="Set true when taking this choice means the person is asked what they "
        "want to happen (step one of the MSP outcome measure).",
    )


class Node(ContentModel):
    """A decision point: some narrative, then choices."""

    id: Slug = Field(description="Id of the node, unique within the case study.")
    title: str | None = Field(None, description="A short heading for this part of the story.")
    text: Text = Field(description="The narrative the learner reads at this point.")
    choices: list[Choice] = Field(
        min_length=2, description="The options at this point (at least two)."
    )
    asks_outcomes: bool = Field(
        False,
        description="Set true when the narrative at this point has the person asked what they "
        "want to happen (step one of the MSP outcome measure).",
    )


class Ending(ContentModel):
    """Where a path finishes, with the three steps of the MSP outcome measure."""

    # For editors: a rating is required when outcomes were asked and expressed, else refused.
    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"outcomes_asked": {"const": "asked-and-expressed"}},
               "required": ["outcomes_asked"]},
        "then": {"required": ["outcome_achievement"]},
        "else": {"not": {"required": ["outcome_achievement"]}},
    })

    id: Slug = Field(description="Id of the ending, unique within the case study.")
    title: Text = Field(description="A short name for this ending.")
    text: Text = Field(description="What happened, told from the person's point of view.")
    outcomes_asked: OutcomesAsked = Field(
        description="Step one: on the paths that reach this ending, were the person's desired "
        "outcomes asked for? asked-and-expressed, asked-none-expressed, not-asked or dont-know."
    )
    outcome_achievement: OutcomeAchievement | None = Field(
        None,
        description="Step two: were the outcomes the person expressed fully, partially or not "
        "achieved? Give it only when outcomes_asked is asked-and-expressed.",
    )
    risk_outcome: RiskOutcome = Field(
        description="Step three: was the risk removed, reduced, or does it remain?"
    )
    learning: Text = Field(description="The practice point this ending teaches.")

    @model_validator(mode="after")
    def _rated_only_when_asked(self) -> Ending:
        expressed = self.outcomes_asked == "asked-and-expressed"
        if expressed and self.outcome_achievement is None:
            raise rule_error(
                "outcomes_asked", "the person's outcomes were asked for and expressed, but "
                "'outcome_achievement' is missing",
                "Add 'outcome_achievement: fully', 'partially' or 'not-achieved'.")
        if not expressed and self.outcome_achievement is not None:
            raise rule_error(
                "outcome_achievement", f"'outcome_achievement' is given, but outcomes_asked "
                f"is '{self.outcomes_asked}'; achievement can only be rated for outcomes the "
                "person was asked for and expressed",
                "Remove 'outcome_achievement', or, if the person was asked and said what they "
                "wanted on every path to this ending, set 'outcomes_asked: asked-and-expressed'.")
        return self

    def measure(self) -> list[tuple[str, str]]:
        """The three steps of the outcome measure as (step, answer in plain words)."""
        achieved = (vocabulary("outcome_achievement").label(self.outcome_achievement)
                    if self.outcome_achievement is not None else NOT_RATED)
        return [("Outcomes asked for", vocabulary("outcomes_asked").label(self.outcomes_asked)),
                ("Outcomes achieved", achieved),
                ("Risk", vocabulary("risk_outcomes").label(self.risk_outcome))]

    def measure_text(self) -> str:
        """The outcome measure in one line, e.g. for a reflection's context or a CPD record."""
        return " ".join(f"{step}: {answer}." for step, answer in self.measure())


class CaseStudy(FileHeader):
    """A branching case study about one fictional person."""

    kind: Literal["case-study"] = Field(description="The kind of content: 'case-study'.")
    title: Text = Field(description="Title shown in the gallery.")
    summary: Text = Field(description="One or two sentences on what the case study explores.")
    level: Level = Field(description="introductory, intermediate or advanced.")
    minutes: int = Field(ge=1, le=240, description="About how long it takes, in minutes.")
    content_note: Text = Field(
        description="What distressing themes it contains, shown before the learner starts."
    )
    person: Person = Field(description="The fictional person at the centre of the case.")
    capacity: PersonCapacity = Field(
        description="The person's mental capacity for the main decisions in the story: "
        "presumed, in-question or lacks."
    )
    desired_outcomes: list[Text] = Field(
        min_length=1,
        description="The outcomes the person wants, in their own words: one list for the whole "
        "case study, which every ending is measured against.",
    )
    setting: Text = Field(description="Where and how the practitioner meets the person.")
    practitioner_role: Text = Field(description="The role the learner plays, e.g. 'social worker'.")
    toolkit_sections: list[ToolkitSection] = Field(
        min_length=1, description="MSP toolkit sections the case study works through."
    )
    abuse_categories: list[AbuseCategory] = Field(
        min_length=1, description="Categories of abuse or neglect in the case."
    )
    situations: list[Situation] = Field(
        default_factory=list, description="Practice situations from the `situations` vocabulary."
    )
    start: Slug = Field(description="Id of the first node.")
    nodes: list[Node] = Field(min_length=1, description="The decision points.")
    endings: list[Ending] = Field(min_length=1, description="The ways the story can end.")
    trainer_notes: Text = Field(description="Notes for a trainer running this with a group.")
    discussion_questions: list[Text] = Field(
        min_length=1, description="Questions for group discussion."
    )
    reflection: Slug = Field(description="Id of the reflection prompt set to finish with.")
