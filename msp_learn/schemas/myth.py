"""Schema of a myth-vs-reality item."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from msp_learn.schemas.common import Basis, FileHeader, Principle, Text


class MythItem(FileHeader):
    """A statement the learner judges as myth or reality."""

    kind: Literal["myth"] = Field(description="The kind of content: 'myth'.")
    statement: Text = Field(description="The statement as a practitioner might hear it.")
    is_myth: bool = Field(description="true when the statement is a myth, false when it is true.")
    reality: Text = Field(description="What is actually the case, in plain English.")
    why_it_matters: Text = Field(description="Why getting this right matters to the person.")
    instead: str | None = Field(None, description="What a practitioner should do instead.")
    basis: list[Basis] = Field(min_length=1, description="The legal or guidance basis.")
    principles: list[Principle] = Field(
        default_factory=list, description="Safeguarding principles the item is about."
    )
