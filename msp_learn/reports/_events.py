"""The store's events as the report's answers, choices and endings, built column-wise.

At council scale the store holds some 800,000 events but only a few thousand distinct
(event, payload, activity) combinations: the same answer to the same item, again and again.
So the events are read a chunk at a time into :class:`Events` (each distinct one numbered,
text shared, timestamps parsed), each distinct one is decoded once (by the caller's
``decode``), and every table is built by taking from those few decoded values by position
(numpy), never row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from msp_learn.reports._gradebook import columns

#: The columns of the events the store gives (in this order).
EVENT_COLUMNS = ("id", "learner_id", "activity_kind", "activity_id", "event", "payload",
                 "recorded_at")

#: decode(event, payload, activity id) -> (kind, attempt, answer rows, (node, choice),
#: ending), or None when the event cannot be read. Answer rows are (item, response, correct).
Decode = Callable[[str, str, str], tuple | None]


@dataclass
class EventTables:
    """What the events hold: frames of answers, choices and endings (the report's columns,
    learners by their store name) and the ids of events that could not be read."""

    answers: pd.DataFrame
    choices: pd.DataFrame | None  # None: no choices made
    endings: pd.DataFrame | None  # None: no ending reached
    bad_ids: list


def group_codes(*arrays) -> tuple[np.ndarray, np.ndarray]:
    """A number for each row's combination of values (numbered by first appearance), and
    the row where each number first appears."""
    codes = np.zeros(len(arrays[0]), "int64")
    for values in arrays:
        part, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        codes = codes * max(len(uniques), 1) + part
    codes, _ = pd.factorize(codes)
    _, first = np.unique(codes, return_index=True)
    return codes.astype("intp"), first


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass
class Events:
    """The events, compact: ``key`` numbers each event's (event, payload, activity id)
    (``keys[n]`` is the n-th, by first appearance); text columns share one string per
    distinct value; ``recorded_at`` is parsed."""

    id: np.ndarray
    learner_id: np.ndarray
    activity_kind: np.ndarray
    activity_id: np.ndarray
    key: np.ndarray
    keys: list[tuple]
    recorded_at: pd.api.extensions.ExtensionArray


def _shared(values: list, pool: dict) -> np.ndarray:
    """``values`` as an object array whose equal strings are one object (from ``pool``)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return _objects([pool.setdefault(u, u) for u in uniques])[codes]


def compact_events(chunks: Iterable[list[tuple]], utc) -> Events:
    """Rows of ``EVENT_COLUMNS``, some at a time, as :class:`Events`: each chunk's text is
    let go once read, so the events are never all held as Python rows."""
    index: dict[tuple, int] = {}
    pool: dict = {}
    parts: list[tuple] = []
    for rows in chunks:
        cols = dict(zip(EVENT_COLUMNS, columns(rows, len(EVENT_COLUMNS)), strict=True))
        del rows
        event, payload, activity = cols["event"], cols["payload"], cols["activity_id"]
        local, first = group_codes(event, payload, activity)
        key = np.array([index.setdefault((event[i], payload[i], activity[i]), len(index))
                        for i in first], "intp")[local]
        parts.append((np.asarray(cols["id"], dtype=object),
                      np.asarray(cols["learner_id"], dtype=object),
                      _shared(cols["activity_kind"], pool), _shared(activity, pool), key,
                      utc(pd.Series(_objects(cols["recorded_at"])))))
    if not parts:
        parts = [(_objects([]), _objects([]), _objects([]), _objects([]),
                  np.array([], "intp"), utc(pd.Series([], dtype=object)))]
    ids, learners, kinds, activities, keys = (
        np.concatenate(c) for c in zip(*(p[:5] for p in parts), strict=True))
    when = pd.concat([p[5] for p in parts], ignore_index=True).array
    return Events(ids, learners, kinds, activities, keys, list(index), when)


def event_tables(events: Events, names: dict, decode: Decode,
                 next_of: Callable[[str, str, str], str | None]) -> EventTables:
    """The tables of ``events`` (in event order). ``names`` maps a learner id to the
    learner's name ("?" when unknown), ``next_of(case, node, choice)`` says where a choice
    leads."""
    codes = events.key
    decoded = [decode(*k) for k in events.keys]
    ok_u = np.array([d is not None for d in decoded], bool)
    bad = events.id[~ok_u[codes]].tolist()
    rows = np.flatnonzero(ok_u[codes])
    codes = codes[rows]
    decoded = [d or ("", 1, [], None, None) for d in decoded]
    kind_u = _objects([d[0] for d in decoded])
    attempt_u = np.array([d[1] for d in decoded], "int64")

    # each event's columns, by position in the events
    known = pd.Index(list(names), dtype=object)
    name_of = _objects([*names.values(), "?"])  # -1 (not a known learner) takes the "?"
    learner = name_of[known.get_indexer(pd.Index(events.learner_id, dtype=object))[rows]]
    kind_col, activity_col = events.activity_kind[rows], events.activity_id[rows]
    when = events.recorded_at.take(rows)
    attempt, kinds = attempt_u[codes], kind_u[codes]

    # answers: one row per answer row of each event (a risk assessment has several)
    count_u = np.array([len(d[2]) for d in decoded], "intp")
    start_u = np.r_[0, np.cumsum(count_u)[:-1]].astype("intp")
    flat = [r for d in decoded for r in d[2]]
    item_f = _objects([r[0] for r in flat])
    response_f = _objects([r[1] for r in flat])
    correct_f = _objects([r[2] for r in flat])
    count = count_u[codes]
    take = np.repeat(np.arange(len(codes)), count)
    at = np.repeat(start_u[codes] - (np.cumsum(count) - count), count) + np.arange(len(take))
    answers = pd.DataFrame({
        "learner": learner[take], "source": "practice", "activity_kind": kind_col[take],
        "activity_id": activity_col[take], "item": item_f[at], "attempt": attempt[take],
        "response": response_f[at], "correct": correct_f[at], "recorded_at": when.take(take),
        "assignment": None})

    # choices: the step is the depth of the path in the run (Back steps up one)
    choices = None
    steps = np.flatnonzero((kinds == "choice") | (kinds == "back"))
    if len(steps):
        delta = pd.Series(np.where(kinds[steps] == "choice", 1, -1))
        run = group_codes(learner[steps], activity_col[steps], attempt[steps])[0]
        depth = delta.groupby(run, sort=False).cumsum().to_numpy()
        made = kinds[steps] == "choice"
        chosen = steps[made]
        node_u = _objects([d[3][0] if d[3] else None for d in decoded])
        choice_u = _objects([d[3][1] if d[3] else None for d in decoded])
        next_u = _objects([next_of(k[2], n, c) if n is not None else None
                           for k, n, c in zip(events.keys, node_u, choice_u, strict=True)])
        c = codes[chosen]
        choices = pd.DataFrame({
            "learner": learner[chosen], "case_study": activity_col[chosen],
            "run": attempt[chosen], "step": np.maximum(depth[made], 1), "node": node_u[c],
            "choice": choice_u[c], "next": next_u[c], "recorded_at": when.take(chosen),
            "source": "practice"})
    ends = np.flatnonzero(kinds == "ending")
    endings = None
    if len(ends):
        ending_u = _objects([d[4] for d in decoded])
        endings = pd.DataFrame({
            "learner": learner[ends], "case_study": activity_col[ends],
            "run": attempt[ends], "ending": ending_u[codes[ends]],
            "recorded_at": when.take(ends), "source": "practice"})
    return EventTables(answers, choices, endings, bad)
