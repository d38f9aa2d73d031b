"""Schema of a reflection prompt set following a named model of reflection."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from msp_learn.schemas.common import ContentModel, FileHeader, ReflectionModel, Slug, Text


class Prompt(ContentModel):
    """One question in a reflection prompt set."""

    id: Slug = Field(description="Id of the prompt, unique within the set.")
    stage: Slug = Field(description="The stage of the model this prompt belongs to.")
    text: Text = Field(description="The question the learner answers.")
    hint: str | None = Field(None, description="A short hint on what a good answer covers.")


class ReflectionSet(FileHeader):
    """Prompts that take a learner through one model of reflection."""

    kind: Literal["reflection-set"] = Field(description="The kind of content: 'reflection-set'.")
    title: Text = Field(description="Title shown to learners.")
    model: ReflectionModel = Field(description="The model of reflection the prompts follow.")
    description: Text = Field(description="What the model is for, in a sentence or two.")
    prompts: list[Prompt] = Field(min_length=1, description="The prompts, in order.")
