"""The store's events as the report's answers, choices and endings, built column-wise.

At council scale the store holds some 800,000 events but only a few thousand distinct
(event, payload, activity) combinations: the same answer to the same item, again and again.
So the events are read a chunk at a time into :class:`Events` (each distinct one numbered,
ids as integers, timestamps parsed: no text kept per event), each distinct one is decoded
once (by the caller's ``decode``), and every table is built by taking from those few
decoded values by position (numpy), never row by row.
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


def _ints(values: list) -> np.ndarray:
    """``values`` as int64 when they are all whole numbers (the store's ids), else objects."""
    try:
        return np.fromiter(values, np.int64, len(values))
    except (TypeError, ValueError, OverflowError):
        return _objects(values)


@dataclass
class Events:
    """The events, compact: ``key`` numbers each event's (event, payload, activity id,
    activity kind) (``keys[n]`` is the n-th, by first appearance); ``recorded_at`` is
    parsed."""

    id: np.ndarray
    learner_id: np.ndarray
    key: np.ndarray
    keys: list[tuple]
    recorded_at: pd.api.extensions.ExtensionArray


def compact_events(chunks: Iterable[list[tuple]], utc) -> Events:
    """Rows of ``EVENT_COLUMNS``, some at a time, as :class:`Events`: each chunk's text is
    let go once read, so the events are never all held as Python rows."""
    index: dict[tuple, int] = {}
    number = index.setdefault
    parts: list[tuple] = []
    for rows in chunks:
        ids, learners, kinds, activities, names, payloads, when = columns(
            rows, len(EVENT_COLUMNS))
        del rows
        distinct = zip(names, payloads, activities, kinds, strict=True)
        key = np.fromiter((number(k, len(index)) for k in distinct), np.intp, len(ids))
        del kinds, activities, names, payloads
        parts.append((_ints(ids), _ints(learners), key, utc(pd.Series(_objects(when)))))
    if not parts:
        parts = [(_objects([]), _objects([]), np.array([], "intp"),
                  utc(pd.Series([], dtype=object)))]
    ids, learners, keys = (np.concatenate(c) for c in zip(*(p[:3] for p in parts),
                                                          strict=True))
    when = pd.concat([p[3] for p in parts], ignore_index=True).array
    return Events(ids, learners, keys, list(index), when)


def event_tables(events: Events, names: dict, decode: Decode,
                 next_of: Callable[[str, str, str], str | None]) -> EventTables:
    """The tables of ``events`` (in event order). ``names`` maps a learner id to the
    learner's name ("?" when unknown), ``next_of(case, node, choice)`` says where a choice
    leads."""
    codes = events.key
    decoded = [decode(*k[:3]) for k in events.keys]
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
    # each key is (event, payload, activity id, activity kind)
    activity_u = _objects([k[2] for k in events.keys])
    kind_of_u = _objects([k[3] for k in events.keys])
    kind_col, activity_col = kind_of_u[codes], activity_u[codes]
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
