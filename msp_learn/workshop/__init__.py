"""Live workshop mode: the room answers on their own devices, the trainer sees it live.

The pure core (no tornado, no widgets): join codes and aliases (:mod:`.codes`), activities
built from content (:mod:`.activities`), the session state machine (:mod:`.session`),
tallies with the small-number rule (:mod:`.tally`), moderation of free text
(:mod:`.moderation`) and a formula-safe CSV export (:mod:`.export`). :mod:`.room` joins a
session to the store and to whoever listens (the server's streams).
"""

from msp_learn.workshop.activities import (
    Activity,
    ActivityError,
    free_text,
    from_case_node,
    from_myth,
    from_risk,
    rating_scale,
)
from msp_learn.workshop.codes import CODE_ALPHABET, CodeError, clean_alias, clean_code, new_code
from msp_learn.workshop.export import neutralise, to_csv
from msp_learn.workshop.moderation import WordFilter
from msp_learn.workshop.session import Session, SessionError
from msp_learn.workshop.tally import MIN_ANSWERS, Tally, tally

__all__ = ["CODE_ALPHABET", "MIN_ANSWERS", "Activity", "ActivityError", "CodeError", "Session",
           "SessionError", "Tally", "WordFilter", "clean_alias", "clean_code", "free_text",
           "from_case_node", "from_myth", "from_risk", "neutralise", "new_code", "rating_scale",
           "tally", "to_csv"]
