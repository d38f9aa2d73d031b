"""Shared fixtures: the repo root, starter texts, the kit's catalogue, a content writer, and
a throwaway PostgreSQL server with a fresh database per test."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pytest
import yaml

from tests import pg

ROOT = Path(__file__).resolve().parent.parent


def starter(kind_file: str, ident: str = "example-item") -> str:
    """The text of a starter file (as `msp-learn new` writes it) with its id filled in."""
    text = resources.files("msp_learn").joinpath("starters", kind_file).read_text("utf-8")
    return text.replace("__ID__", ident)


def starter_data(kind_file: str, ident: str = "example-item") -> dict:
    return yaml.safe_load(starter(kind_file, ident))


@cache
def kit_catalogue():
    """The kit's own content, loaded once per test session (no trainer overlay).

    A plain function, so that modules can parametrise over it at collection time; tests that
    take fixtures use ``catalogue`` instead.
    """
    from msp_learn.content import load_catalogue

    return load_catalogue(overlay=None)


@pytest.fixture
def catalogue():
    """The kit's own content (shared, read-only)."""
    return kit_catalogue()


@pytest.fixture(autouse=True)
def _no_trainer_overlay(monkeypatch):
    """Tests see the kit's content only, whatever MSP_LEARN_CONTENT the shell has; a test that
    wants an overlay sets it (or passes ``overlay=``)."""
    monkeypatch.delenv("MSP_LEARN_CONTENT", raising=False)


def pytest_report_header(config) -> list[str]:
    """Name the axe-core build the accessibility checks use (pinned in the test extras)."""
    try:
        from importlib.metadata import version

        from tests.browser.harness import axe_version

        pinned = version("axe-playwright-python")
        return [f"axe-core {axe_version()} (axe-playwright-python {pinned})"]
    except Exception as exc:  # noqa: BLE001 - a header must never stop the run
        return [f"axe-core: unavailable ({exc})"]


@pytest.fixture
def write(tmp_path):
    """Write ``text`` (str, bytes or data) to ``tmp_path/name`` and return the path."""

    def _write(name: str, content) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def pg_server():
    """A superuser URL to a PostgreSQL server for this test session: a throwaway cluster
    (started on first use, stopped at the end), or the server ``MSP_LEARN_TEST_PG_URL`` names.

    Fails, never skips, when PostgreSQL is missing: the store must really be tested on it.
    """
    import os

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("the PostgreSQL driver is missing: pip install -e '.[postgresql]' "
                    "(scripts/test does this)", pytrace=False)
    if os.environ.get("MSP_LEARN_TEST_PG_URL"):
        yield os.environ["MSP_LEARN_TEST_PG_URL"]
        return
    missing = None
    try:
        cluster = pg.Cluster(settings={"fsync": "off"}).start()  # nothing here must survive
    except pg.PostgresMissingError as exc:
        missing = str(exc)
    if missing:
        pytest.fail(missing, pytrace=False)
    try:
        yield cluster.url()
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_databases(pg_server):
    """Makes and drops databases on the session's PostgreSQL server."""
    databases = pg.Databases(pg_server)
    yield databases
    databases.close()


@pytest.fixture
def pg_url(pg_databases):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    url = pg_databases.create()
    try:
        yield url
    finally:
        pg_databases.drop(url)


def pytest_collection_modifyitems(config, items) -> None:
    """Run the browser tests last. Playwright's sync API keeps an asyncio loop running in the
    main thread from the first browser test to the end of the session, and tests that run
    their own loop (asyncio.run, tornado's test cases) cannot start one inside it."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))
