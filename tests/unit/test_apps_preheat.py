"""The app builds as much as it can before a preheated Voila kernel waits for its request."""

from __future__ import annotations

import pytest

from msp_learn import apps


@pytest.fixture
def fresh_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("MSP_LEARN_DB", f"sqlite:///{tmp_path / 'preheat.sqlite'}")
    cached = (apps.catalogue, apps.store)
    for function in cached:
        function.cache_clear()
    yield
    for function in cached:  # the originals, even where a test replaced them
        function.cache_clear()


def test_content_and_store_are_ready_before_the_request(fresh_caches, monkeypatch):
    seen = {}

    def waiting_for_request():
        seen["catalogue"] = apps.catalogue.cache_info().currsize
        seen["store"] = apps.store.cache_info().currsize
        return {"view": "quiz"}

    monkeypatch.setattr(apps, "params", waiting_for_request)
    monkeypatch.setattr(apps, "display", lambda *_: None)
    apps.main()
    assert seen == {"catalogue": 1, "store": 1}


def test_a_store_that_cannot_open_still_shows_the_page(fresh_caches, monkeypatch):
    """Opening the store early is an optimisation: failing there must not stop the page."""
    calls = []

    def broken_store():
        calls.append(1)
        raise OSError("database is locked")

    monkeypatch.setattr(apps, "store", broken_store)
    monkeypatch.setattr(apps, "params", lambda: {})
    shown = []
    monkeypatch.setattr(apps, "display", shown.append)
    widget = apps.main()  # the gallery for a visitor with no name needs no store
    assert shown == [widget] and calls
