"""The activity kinds and the content kinds, declared once.

An *activity* is what a learner does and what the store records (``activity_kind``): a case
study, the myth-or-reality quiz, a risk scenario, the reflection journal. A *content kind* is
what a file in the content folders holds (``kind:`` in the YAML). Most activities play one item
of one content kind; the quiz plays many myths, and the journal uses the reflection sets.

The CPD record, the coverage report, the CLI's choices and the app's routes all read these
tables, so a new activity is added here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentKind:
    """One kind of content file."""

    kind: str  # the ``kind:`` field of the file, e.g. "case-study"
    label: str  # "case study"
    plural: str  # "case studies"

    def count(self, n: int) -> str:
        """``n`` items in words: '1 case study', '3 case studies'."""
        return f"{n} {self.label if n == 1 else self.plural}"


@dataclass(frozen=True)
class Activity:
    """One kind of activity a learner does, as the store records it."""

    kind: str  # the store's ``activity_kind`` and the app's ``view=`` route
    label: str  # "case study"
    plural: str  # "case studies"
    cpd_type: str  # the CPD record's type of activity, e.g. "Self-directed e-learning"
    cpd_noun: str  # what the learner worked through, e.g. "interactive case study"
    plays: str  # the content kind the activity plays
    default_id: str | None = None  # the activity id when the link names none (quiz, journal)

    @property
    def cpd_wording(self) -> str:
        """'Self-directed e-learning: interactive case study'."""
        return f"{self.cpd_type}: {self.cpd_noun}"


CONTENT_KINDS: dict[str, ContentKind] = {c.kind: c for c in (
    ContentKind("case-study", "case study", "case studies"),
    ContentKind("myth", "myth", "myths"),
    ContentKind("risk-scenario", "risk scenario", "risk scenarios"),
    ContentKind("reflection-set", "reflection set", "reflection sets"),
)}

ACTIVITIES: dict[str, Activity] = {a.kind: a for a in (
    Activity("case-study", "case study", "case studies", "Self-directed e-learning",
             "interactive case study", plays="case-study"),
    Activity("quiz", "quiz", "quizzes", "Self-directed e-learning",
             "myths and realities quiz", plays="myth", default_id="myths"),
    Activity("risk-scenario", "risk scenario", "risk scenarios", "Self-directed e-learning",
             "risk scenario exercise", plays="risk-scenario"),
    Activity("journal", "reflection journal", "reflection journals", "Reflective writing",
             "reflection journal", plays="reflection-set", default_id="journal"),
)}

#: Activities a learner takes part in outside the app's views, which the store and the CPD
#: record know too: a live workshop whose answers the learner chose to count in their own
#: progress (``msp_learn.workshop``; the activity id is the workshop's join code).
LIVE: dict[str, Activity] = {a.kind: a for a in (
    Activity("workshop", "live workshop", "live workshops", "Training session",
             "live workshop with a trainer", plays=""),
)}

#: Wording for an activity kind this kit does not know (a store written by a later version).
UNKNOWN = Activity("activity", "activity", "activities", "Self-directed learning", "activity",
                   plays="")


def activity(kind: str) -> Activity:
    """What is known about the activity ``kind`` (:data:`UNKNOWN`'s wording if not known)."""
    found = ACTIVITIES.get(kind) or LIVE.get(kind)
    if found is not None:
        return found
    words = kind.replace("-", " ")
    return Activity(kind, words, words, UNKNOWN.cpd_type, words, plays="")


def content_kind(kind: str) -> ContentKind:
    """What is known about the content ``kind`` (its words from the id if not known)."""
    return CONTENT_KINDS.get(kind) or ContentKind(kind, kind.replace("-", " "),
                                                  kind.replace("-", " "))
