"""What an analysis hands to the outputs: a titled table, and optionally a plot of it.

This is the seam between the two halves of ``reports/``: the data and analyses (``load``,
the pure functions, ``sections``) make ``Section`` objects; the outputs (HTML, Excel, CSV,
the leads' dashboard) draw them and never compute a figure of their own. A section's frame is
already protected (no figure for a group smaller than the report's minimum; see
``docs/house.md``, Reports), so every output shows the same, safe numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

PlotKind = Literal["bar", "hbar", "stacked", "heatmap", "paths"]


@dataclass(frozen=True)
class Plot:
    """How to draw a section's frame.

    - ``kind``: ``bar`` (one bar per row), ``hbar`` (horizontal; long labels),
      ``stacked`` (``series`` columns stacked per row), ``heatmap`` (``x`` by ``y`` cells
      of ``value``), ``paths`` (a case study's path diagram: the frame has ``node``,
      ``choice``, ``next``, ``count`` columns).
    - ``x``: the column holding the category labels; ``y``: the value column(s) (for
      ``stacked``, ``series`` names the columns stacked; for ``heatmap``, ``y`` is the second
      category column and ``value`` the cell value).
    - ``title`` and ``alt``: every plot has a title and a text alternative saying what it shows
      in words (the outputs put ``alt`` beside the plot, not only in an attribute).
    - ``unit``: how the values read ("%", "learners", "answers").
    """

    kind: PlotKind
    title: str
    alt: str
    x: str
    y: str = ""
    series: tuple[str, ...] = ()
    value: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Section:
    """One table of the report (a sheet in Excel, a CSV file, a heading in HTML).

    ``id`` is a short slug (file and sheet names: ``completion-by-team``); ``title`` and
    ``description`` are plain English for a Safeguarding Adults Board; ``frame`` holds
    learner-facing column names already (for example "Team", "Completed", "Facility");
    ``notes`` say what was suppressed or left out and why ("2 teams have fewer than 5
    learners: their figures are not shown").
    """

    id: str
    title: str
    description: str
    frame: pd.DataFrame
    plot: Plot | None = None
    notes: tuple[str, ...] = ()
    group: str = ""  # the report part it belongs to: "Completion", "Items", "Myths", ...
    extra: dict = field(default_factory=dict)


def for_sharing(sections: Sequence[Section]) -> list[Section]:
    """The sections fit to share beyond the learners' managers (with a Safeguarding Adults
    Board, say): all but those that name individuals ("Completion by learner") or list the
    data's problems (whose messages quote learners' ids)."""
    return [s for s in sections
            if not (s.extra.get("names_individuals") or s.extra.get("problems"))]
