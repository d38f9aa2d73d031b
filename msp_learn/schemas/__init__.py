"""Content schemas (pydantic models), one per kind of material; the single source of truth."""

from msp_learn.schemas.case_study import CaseStudy, Choice, Ending, Node
from msp_learn.schemas.common import SCHEMA_VERSION, Basis, Person
from msp_learn.schemas.myth import MythItem
from msp_learn.schemas.reflection import Prompt, ReflectionSet
from msp_learn.schemas.risk import ModelAnswer, RiskFactors, RiskScenario

#: Every kind of content, keyed by the value of its ``kind`` field.
KINDS = {
    "case-study": CaseStudy,
    "myth": MythItem,
    "risk-scenario": RiskScenario,
    "reflection-set": ReflectionSet,
}

__all__ = [
    "KINDS", "SCHEMA_VERSION", "Basis", "CaseStudy", "Choice", "Ending", "ModelAnswer",
    "MythItem", "Node", "Person", "Prompt", "ReflectionSet", "RiskFactors", "RiskScenario",
]
