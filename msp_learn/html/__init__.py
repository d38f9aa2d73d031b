"""The HTML layer: builders that escape by default, and pure renderers for each activity.

Imports no ipywidgets: the views wrap these strings in widgets; the CPD record, and later
nbgrader feedback, the workshop page and the reports, reuse them as they are.
"""

from msp_learn.html._markup import (
    BIDI_CONTROLS,
    Markup,
    alert,
    bullets,
    el,
    error_summary,
    escape,
    join,
    paras,
    printable,
    status,
)

__all__ = ["BIDI_CONTROLS", "Markup", "alert", "bullets", "el", "error_summary", "escape", "join", "paras",
           "printable", "status"]
