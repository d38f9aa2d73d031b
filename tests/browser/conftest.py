"""Browser-test fixtures: one kit Voila server and one headless Chromium per session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from msp_learn.server import spawn, stop, wait_until_listening

from .harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    POOL_SIZE,
    REPO,
    SCREENSHOTS,
    ConsoleLog,
    KitServer,
    axe_violations,
    free_port,
    is_local,
    open_app,
    sign_in,
    slug,
)


@pytest.fixture(scope="session")
def browser_apps_dir(tmp_path_factory) -> Path:
    """One folder for the one session server: the kit's real apps plus the fixture app."""
    folder = tmp_path_factory.mktemp("apps")
    for notebook in [*(REPO / "voila_apps").glob("*.ipynb"),
                     *(Path(__file__).resolve().parent / "files").glob("*.ipynb")]:
        shutil.copy(notebook, folder / notebook.name)
    return folder


@pytest.fixture(scope="session")
def store_url(tmp_path_factory) -> str:
    """The progress store the session server's kernels write to (a fresh SQLite file)."""
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'progress.sqlite'}"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """The session server's data folder (its server secret lives here)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def kit_server(browser_apps_dir: Path, store_url: str, data_dir: Path):
    """The session's kit Voila server (preheat pool of POOL_SIZE per notebook)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "kit-server.log"
    port = free_port()
    with log_path.open("w") as log:
        proc = spawn(
            apps_dir=browser_apps_dir,
            port=port,
            pool_size=POOL_SIZE,
            cull_idle_timeout=300,
            cull_interval=30,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MSP_LEARN_DB": store_url, "MSP_LEARN_DATA": str(data_dir),
                 "MSP_LEARN_CONTENT": str(REPO)},
        )
    try:
        url = wait_until_listening(proc, "127.0.0.1", port, timeout=90)
        server = KitServer(proc, url, log_path, POOL_SIZE)
        notebooks = [
            p for p in browser_apps_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in str(p)
        ]
        server.baseline = POOL_SIZE * len(notebooks)
        seen = server.wait_for_kernels(server.baseline, timeout=90)
        if seen != server.baseline:
            pytest.fail(
                f"preheat pool never filled: {seen}/{server.baseline} kernels\n{server.log_tail()}"
            )
        yield server
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set MSP_CHROMIUM)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def external_requests() -> list[str]:
    """URLs of every request a test's pages made to a non-loopback host."""
    return []


@pytest.fixture
def anonymous_context(browser, external_requests):
    """A fresh browser context per test, signed in as nobody; pages are closed with
    beforeunload at the end."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    ctx.on("request", lambda r: None if is_local(r.url) else external_requests.append(r.url))
    yield ctx
    for page in list(ctx.pages):
        try:
            page.close(run_before_unload=True)
        except Exception:
            pass
    ctx.close()


@pytest.fixture
def console_log(anonymous_context) -> ConsoleLog:
    """The console messages of every page of this test's browser context (signed in or
    not); ``console_log.problems()`` lists errors and version-mismatch warnings."""
    return ConsoleLog(anonymous_context)


def learner_name_for(request) -> str:
    """A learner name of its own for each test (its node name, shortened)."""
    return "T " + re.sub(r"[^A-Za-z0-9 _.-]+", " ", request.node.name)[:70]


@pytest.fixture
def context(anonymous_context, kit_server, request):
    """A fresh browser context per test, signed in as a learner named after the test."""
    sign_in(anonymous_context, kit_server, learner_name_for(request))
    return anonymous_context


@pytest.fixture
def signed_in(kit_server) -> Callable[..., None]:
    """``signed_in(context, name)`` signs a browser context in as ``name``."""

    def _sign_in(context, name: str, secret: str | None = None) -> None:
        sign_in(context, kit_server, name, *(secret,) if secret else ())

    return _sign_in


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def open_app_in(kit_server, request) -> Callable[..., float]:
    """``open_app_in(page, path, ready_selector)`` bound to the session server and test name."""

    def _open(page, path: str, ready_selector: str, **kwargs) -> float:
        kwargs.setdefault("name", request.node.name)
        return open_app(page, kit_server, path, ready_selector, **kwargs)

    return _open


@pytest.fixture
def screenshot(request) -> Callable[..., Path]:
    """``screenshot(page, label="")`` saves tests/artifacts/screenshots/<test>[-label].png."""

    def _shot(page, label: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{slug(request.node.name)}{'-' + label if label else ''}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return _shot


@pytest.fixture
def axe() -> Callable[..., list[dict]]:
    """``axe(page)`` -> axe-core violations for WCAG 2.0/2.1/2.2 A and AA."""
    return axe_violations
