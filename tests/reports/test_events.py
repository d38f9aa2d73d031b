"""The store's events read a chunk at a time (``_events.compact_events``): the chunks'
boundaries change nothing in the tables."""

from __future__ import annotations

import pandas as pd

from msp_learn.reports import _data, load
from tests.reports.test_data_load import write_store


def test_reading_the_events_in_small_chunks_gives_the_same_tables(tmp_path, catalogue,
                                                                   monkeypatch):
    """Are answers, choices (steps after a Back), endings and the unreadable event's problem
    the same when every chunk holds two events as when one chunk holds them all?"""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    write_store(url)
    whole = load(store_url=url, catalogue=catalogue)
    monkeypatch.setattr(_data, "CHUNK", 2)
    pieces = load(store_url=url, catalogue=catalogue)
    for name in ("answers", "choices", "endings", "reflections", "anonymous", "learners"):
        pd.testing.assert_frame_equal(getattr(pieces, name), getattr(whole, name), obj=name)
    assert [p.message for p in pieces.problems] == [p.message for p in whole.problems]
    assert any("could not be read" in p.message for p in whole.problems)
    assert list(whole.choices["step"]) == [1, 1]  # the choice after Back is at step 1 again
    assert len(whole.answers[whole.answers["source"] == "practice"]) >= 6
