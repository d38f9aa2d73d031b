"""The server's logging and its 404 pages, without a server: msp_learn.server._logs and
msp_learn.server._notfound."""

from __future__ import annotations

import io
import logging
import os

import pytest

from msp_learn.server import _logs
from msp_learn.server._notfound import error_page, missing_content
from tests.conftest import kit_catalogue

CAT = kit_catalogue()


@pytest.fixture
def loggers():
    """A fresh app logger, and the root logger's handlers and level put back afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), list(root.filters), root.level)
    access = logging.getLogger("tornado.access")
    access_level = access.level
    app = logging.getLogger(f"test-app-{os.getpid()}-{id(saved)}")
    app.propagate = False
    app.setLevel(logging.DEBUG)
    file = io.StringIO()
    handler = logging.StreamHandler(file)
    handler.setLevel(logging.INFO)
    app.addHandler(handler)
    yield app, file
    root.handlers[:], root.filters[:] = saved[0], saved[1]
    root.setLevel(saved[2])
    access.setLevel(access_level)
    for h in list(app.handlers):
        app.removeHandler(h)


def test_not_trusted_is_written_at_debug_not_as_a_warning(loggers, monkeypatch):
    """Does "Notebook app.ipynb is not trusted" stay out of an info-level log, while a real
    warning is kept?"""
    app, file = loggers
    monkeypatch.delenv(_logs.CONSOLE_FD_ENV, raising=False)
    _logs.setup(app, logging.INFO)
    app.warning("Notebook %s is not trusted", "app.ipynb")
    app.warning("The room has outgrown the kernel pool")
    text = file.getvalue()
    assert "not trusted" not in text
    assert "outgrown" in text


def test_the_terminal_gets_its_level_and_the_file_the_rest(loggers, monkeypatch):
    """With a terminal handed over at warning, does a warning reach it and an info line
    not, while the file keeps both?"""
    app, file = loggers
    read, write = os.pipe()
    monkeypatch.setenv(_logs.CONSOLE_FD_ENV, str(write))
    monkeypatch.setenv(_logs.CONSOLE_LEVEL_ENV, "warning")
    try:
        _logs.setup(app, logging.INFO)
        assert _logs.CONSOLE_FD_ENV not in os.environ  # kernels never see it
        app.info("Kernel started: 1234")
        app.warning("The room has outgrown the kernel pool")
        logging.getLogger("tornado.access").warning("404 GET /favicon.ico")
        for h in app.handlers:
            h.flush()
        os.close(write)
        shown = os.read(read, 65536).decode()
    finally:
        os.close(read)
    assert shown == "WARNING: The room has outgrown the kernel pool\n"
    assert "Kernel started: 1234" in file.getvalue()


def test_log_levels_are_named_in_plain_words():
    """Is "warning" (any case) the logging level, and is a made-up level refused?"""
    assert _logs.level_number("Warning") == logging.WARNING
    with pytest.raises(ValueError, match="unknown log level"):
        _logs.level_number("loud")


@pytest.mark.parametrize("query, expected", [
    ({}, None),
    ({"view": "home"}, None),
    ({"view": "reports"}, None),
    ({"view": "journal"}, None),
    ({"view": "quiz"}, None),
    ({"view": "quiz", "tag": "advocacy"}, None),
    ({"view": "case-study", "id": "rosa-ferreira-keeping-paulo"}, None),
    ({"view": "risk-scenario", "id": "winston-lends-to-a-friend"}, None),
    ({"view": "case-study", "id": "nobody"}, "There is no case study called 'nobody'."),
    ({"view": "risk-scenario", "id": "x"}, "There is no risk scenario called 'x'."),
    ({"view": "case-study"}, "The link names no case study. Choose one from the gallery."),
    ({"view": "quiz", "tag": "no-such-tag"}, "There is no quiz on 'no-such-tag'."),
    ({"view": "admin"}, "The kit has no page called 'admin'."),
])
def test_links_to_nothing_are_named(query, expected):
    """Does a link naming a view or item the kit lacks say what is missing, and a good link
    nothing?"""
    assert missing_content(query, CAT) == expected


def test_error_pages_escape_and_lead_back():
    """Is a 404 page titled, is text from the link escaped, and does it lead to the gallery?"""
    page = error_page(404, home="/voila/render/app.ipynb",
                      message="There is no case study called '<script>x</script>'.")
    assert "<title>Page not found | MSP Learn</title>" in page
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert "<a href='/voila/render/app.ipynb'>Go to the gallery</a>" in page
    assert "<main id='main'>" in page and "lang='en-GB'" in page
    assert "Sorry, there is a problem" in error_page(500, home="/")
    assert "Not allowed" in error_page(403, home="/")


def test_every_view_of_the_app_is_known_to_the_404_check():
    """Does the server's 404 check know every view the app shows (so no real page is ever
    answered "not found")?"""
    from msp_learn.activities import ACTIVITIES
    from msp_learn.apps import VIEWS
    from msp_learn.server._notfound import OTHER_VIEWS

    assert set(VIEWS) == set(ACTIVITIES) | OTHER_VIEWS
