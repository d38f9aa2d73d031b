"""Workforce leads' reports: tidy tables from nbgrader's gradebook and the kit's store,
pure analyses over them, and outputs (HTML, Excel, CSV, a Voila dashboard) that draw them.

See ``docs/house.md`` (Reports) for the tables' columns and the seams.
"""

from msp_learn.reports._data import ReportData, load
from msp_learn.reports._learners import Problem, read_learners
from msp_learn.reports._section import Plot, Section, for_sharing
from msp_learn.reports._sections import sections
from msp_learn.reports._write import write

__all__ = ["Plot", "Problem", "ReportData", "Section", "for_sharing", "load", "read_learners",
           "sections", "write"]
