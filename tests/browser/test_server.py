"""Browser tests of the kit's Voila server and template, on a tiny ipywidgets fixture app."""

from __future__ import annotations

import re
import time

import pytest

from .harness import describe_violations, open_app, save_diagnostics, sign_in

pytestmark = pytest.mark.browser

APP = "voila/render/fixture_app.ipynb"
READY = ".fx-button"
BURST = 10


def _text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text(timeout=10_000).strip()


def test_page_loads_and_button_responds(page, open_app_in, screenshot):
    open_app_in(page, f"{APP}?id=alpha", READY)
    page.locator(READY).click()
    page.wait_for_function(
        "() => document.querySelector('.fx-feedback')?.innerText.includes('pressed for alpha')",
        timeout=15_000,
    )
    screenshot(page)


def test_query_parameter_reaches_each_kernel(context, open_app_in):
    """Each page's kernel sees its own query string, preheated or not."""
    for content_id in ("case-one", "case two"):
        page = context.new_page()
        open_app_in(page, f"{APP}?id={content_id.replace(' ', '%20')}&x=1", READY)
        assert _text(page, ".fx-query") == f"id: {content_id}"


def test_template_landmarks_and_axe(page, open_app_in, axe, screenshot):
    open_app_in(page, f"{APP}?id=a11y", READY)
    facts = page.evaluate(
        """() => ({
            lang: document.documentElement.lang,
            title: document.title,
            mains: document.querySelectorAll('main').length,
            mainId: document.querySelector('main')?.id,
            skipHref: document.querySelector('a.msp-skip-link')?.getAttribute('href'),
            outputsOutsideMain: [...document.querySelectorAll('.jp-OutputArea-output')]
                .filter(el => !el.closest('main')).length,
            outputs: document.querySelectorAll('.jp-OutputArea-output').length,
        })"""
    )
    assert facts["lang"] == "en-GB"
    assert facts["title"] == "Server fixture | MSP Learn"
    assert facts["mains"] == 1 and facts["mainId"] == "main"
    assert facts["skipHref"] == "#main"
    assert facts["outputs"] > 0 and facts["outputsOutsideMain"] == 0
    for _ in range(3):  # headless Chromium's first Tab may land on <body>
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement !== document.body"):
            break
    assert page.evaluate("() => document.activeElement.className") == "msp-skip-link"
    screenshot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    violations = axe(page)
    assert violations == [], describe_violations(violations)


def test_loading_message_is_still_and_announced(context, kit_server):
    """Before the widgets arrive the page says so in words, and nothing on it moves: no
    spinner (WCAG 2.3.3), and no redraws that a room of pages would pay for in CPU."""
    response = context.request.get(f"{kit_server.url}{APP}?id=still", timeout=60_000)
    assert response.status == 200
    html = response.text()
    assert '<div id="loading" role="status">' in html
    assert "Loading MSP Learn" in html
    assert "@keyframes" not in html and "animation:" not in html


def test_pages_load_only_the_widget_extensions(page, open_app_in):
    open_app_in(page, f"{APP}?id=extensions", READY)
    loaded = page.evaluate(
        """() => [...new Set(performance.getEntriesByType('resource')
                .map(r => new URL(r.name).pathname)
                .filter(p => p.includes('/voila/labextensions/'))
                .map(p => p.split('/voila/labextensions/')[1].split('/static/')[0]))]"""
    )
    assert sorted(loaded) == ["@jupyter-widgets/jupyterlab-manager",
                              "@voila-dashboards/widgets-manager8"]


def test_no_request_leaves_localhost(page, open_app_in, external_requests):
    open_app_in(page, f"{APP}?id=offline", READY)
    page.locator(READY).click()
    page.wait_for_function(
        "() => document.querySelector('.fx-feedback')?.innerText.includes('pressed')",
        timeout=15_000,
    )
    assert external_requests == []


def test_closing_tab_shuts_its_kernel_down(context, kit_server, open_app_in):
    """The beforeunload shutdown beacon passes the XSRF check (stack.md G1)."""
    # Counted from what runs now (at least the pools), not assumed: see the closing note
    # of 2026-12-01 on one extra kernel seen after the connection tests.
    before = kit_server.settled_kernels()
    assert before >= kit_server.baseline
    page = context.new_page()
    open_app_in(page, f"{APP}?id=closing", READY)
    kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.content()).group(1)
    # The page holds one kernel; the pool refills behind it once the machine has spare CPU.
    refilled = kit_server.wait_for_kernels(before + 1, timeout=180)
    assert refilled == before + 1, kit_server.log_tail(40)
    assert "Refilling the kernel pool for fixture_app.ipynb" in kit_server.log_tail(400)
    page.close(run_before_unload=True)
    left = kit_server.wait_for_kernels(before, timeout=30)
    assert left == before, kit_server.log_tail(40)
    # (other tests' refused shutdowns of kernels not theirs are in the same log)
    assert f"403 POST /voila/api/shutdown/{kernel_id}" not in kit_server.log_tail(400)


def test_burst_of_simultaneous_loads(context, browser, kit_server):
    """BURST pages requested at once (pool of 2): every one renders its own widgets."""
    before = kit_server.settled_kernels()
    contexts = [browser.new_context() for _ in range(BURST)]
    for i, ctx in enumerate(contexts):
        sign_in(ctx, kit_server, f"Burst learner {i}")
    pages = [ctx.new_page() for ctx in contexts]
    try:
        started = time.perf_counter()
        for i, page in enumerate(pages):
            page.goto(f"{kit_server.url}{APP}?id=burst-{i}", wait_until="commit", timeout=60_000)
        failures = []
        for i, page in enumerate(pages):
            remaining = max(5.0, 150 - (time.perf_counter() - started))
            try:
                page.locator(READY).click(trial=True, timeout=remaining * 1000)
                assert _text(page, ".fx-query") == f"id: burst-{i}"
            except Exception as exc:
                where = save_diagnostics(page, kit_server, f"burst-{i}", exc)
                failures.append(f"page {i}: {type(exc).__name__} ({where})")
        assert failures == [], "\n".join(failures)
    finally:
        for page in pages:
            page.close(run_before_unload=True)
        for ctx in contexts:
            ctx.close()
    left = kit_server.wait_for_kernels(before, timeout=60)
    assert left == before, f"{left} kernels left, {before} before the burst"


def test_open_app_retries_and_records_diagnostics(page, kit_server):
    """A page that never becomes ready fails after one retry, leaving diagnostics."""
    with pytest.raises(AssertionError, match="never became ready") as info:
        open_app(page, kit_server, f"{APP}?id=x", ".does-not-exist", name="retry-check", timeout=8)
    assert "attempt 2" in str(info.value)
