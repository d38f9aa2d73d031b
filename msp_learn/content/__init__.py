"""Loading and validating content: one entry point, :func:`load_catalogue`.

``load_catalogue()`` loads the kit's own content plus the trainer's overlay (``MSP_LEARN_CONTENT``,
or the current folder when it holds ``case_studies/`` or ``exercises/``), with ids and
references checked across both. ``load_catalogue(paths)`` reports on the named files only,
with the kit and the overlay as their context.
"""

from __future__ import annotations

from msp_learn.content.catalogue import (
    CATALOGUE_STEPS,
    Catalogue,
    LoadedFile,
    discover,
    load_catalogue,
    load_file,
)
from msp_learn.content.problems import Problem
from msp_learn.content.steps import FILE_STEPS

__all__ = ["CATALOGUE_STEPS", "FILE_STEPS", "Catalogue", "LoadedFile", "Problem", "discover",
           "load_catalogue", "load_file"]

