"""Schema of a branching case study: narrative nodes, choices with feedback, endings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from msp_learn.schemas.common import (
    AbuseCategory,
    ContentModel,
    FileHeader,
    Level,
    McaPrinciple,
    OutcomeAchievement,
    Person,
    Principle,
    RiskOutcome,
    Situation,
    Slug,
    Text,
    ToolkitSection,
)


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


class Node(ContentModel):
    """A decision point: some narrative, then choices."""

    id: Slug = Field(description="Id of the node, unique within the case study.")
    title: str | None = Field(None, description="A short heading for this part of the story.")
    text: Text = Field(description="The narrative the learner reads at this point.")
    choices: list[Choice] = Field(
        min_length=2, description="The options at this point (at least two)."
    )


class Ending(ContentModel):
    """Where a path finishes, with the MSP outcome measures."""

    id: Slug = Field(description="Id of the ending, unique within the case study.")
    title: Text = Field(description="A short name for this ending.")
    text: Text = Field(description="What happened, told from the person's point of view.")
    outcomes_wanted: list[Text] = Field(
        min_length=1, description="The outcomes the person said they wanted, in their words."
    )
    outcome_achievement: OutcomeAchievement = Field(
        description="Were the person's outcomes fully, partially or not achieved?"
    )
    risk_outcome: RiskOutcome = Field(description="Was the risk removed, reduced, or does it remain?")
    learning: Text = Field(description="The practice point this ending teaches.")


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
