"""Thin ipywidgets views over the engine, for JupyterLab notebooks and the Voila apps."""

from msp_learn.tracking import MemoryTracker, StoreTracker, Tracker
from msp_learn.widgets.case_view import CaseStudyView
from msp_learn.widgets.journal_view import JournalView
from msp_learn.widgets.quiz_view import QuizView
from msp_learn.widgets.reflection_form import ReflectionForm
from msp_learn.widgets.risk_view import RiskView

__all__ = ["CaseStudyView", "JournalView", "MemoryTracker", "QuizView", "ReflectionForm",
           "RiskView", "StoreTracker", "Tracker"]
