"""Connection lost: the page's kernel dies or the server restarts mid-activity. The page says
so (role="alert"), takes its stale widgets out of reach, reloads on its own when the server
answers, and the learner is back where they were, with their answers."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from msp_learn.server import spawn, stop, wait_until_listening

from .harness import ARTIFACTS, REPO, KitServer, free_port, open_app, sign_in
from .test_apps import CASE, QUIZ_ITEMS, QUIZ_TAG, app

pytestmark = pytest.mark.browser

LOST = "Connection lost: your work up to here is saved. Reloading"
PHONE = {"width": 390, "height": 844}


def page_kernel_id(page) -> str:
    """The id of the kernel this page's widgets talk to (from its websocket URL)."""
    page.wait_for_function("() => window.mspConnection && window.mspConnection.kernel",
                           timeout=30_000)
    return page.evaluate("() => window.mspConnection.kernel").rsplit("/", 1)[1]


def kill_kernel(server: KitServer, kernel_id: str) -> None:
    """SIGKILL the kernel process whose connection file names ``kernel_id``."""
    import psutil

    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if any(f"kernel-{kernel_id}.json" in arg for arg in child.cmdline()):
                os.kill(child.pid, signal.SIGKILL)
                return
        except psutil.Error:
            continue
    raise AssertionError(f"no kernel process for {kernel_id}")


def mark_page(page) -> None:
    """Tag the current document, so that a reload (a new document) can be told apart."""
    page.evaluate("() => { window.__mspBeforeLoss = true; }")


def expect_lost_then_reloaded(page, screenshot, label: str, ready: str,
                              timeout: float = 120) -> None:
    """The alert shows, the old widgets are out of reach, then a new document is ready."""
    alert = page.locator("#msp-connection-text[role=alert]")
    alert.wait_for(state="visible", timeout=30_000)
    assert LOST in alert.inner_text()
    facts = page.evaluate(
        """(sel) => ({inert: document.getElementById('main').inert,
                      stale: [...document.querySelectorAll(sel)]
                          .filter(el => el.offsetParent !== null).length,
                      marked: window.__mspBeforeLoss === true})""", ready)
    assert facts == {"inert": True, "stale": 0, "marked": True}, facts
    screenshot(page, f"{label}-lost")
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    screenshot(page, f"{label}-lost-phone")
    page.set_viewport_size(size)
    page.wait_for_function(
        "(sel) => !window.__mspBeforeLoss && !!document.querySelector(sel)"
        " && document.querySelector(sel).offsetParent !== null",
        arg=ready, timeout=timeout * 1000)
    assert page.locator("#msp-connection").is_hidden()


def go_to_second_node(page) -> str:
    page.click("button.msp-start")
    page.click(f"button.msp-choice-{CASE.nodes[0].choices[0].id}")
    page.click("button.msp-continue")
    page.locator(".msp-narrative h2").wait_for()
    return page.inner_text(".msp-narrative h2")


def test_killed_kernel_mid_case_study_reloads_to_the_same_place(page, kit_server, open_app_in,
                                                               screenshot):
    """Does a case study whose kernel is killed say so, reload itself, and come back at the
    node the learner had reached, still working?"""
    open_app_in(page, app("case_study", id=CASE.id), "button.msp-start")
    second = go_to_second_node(page)
    mark_page(page)
    kill_kernel(kit_server, page_kernel_id(page))
    expect_lost_then_reloaded(page, screenshot, "case", ".msp-narrative h2")
    assert page.inner_text(".msp-narrative h2") == second
    page.locator("button.msp-choice").first.click()  # the new page's widgets answer
    page.locator("button.msp-continue").wait_for(timeout=30_000)
    screenshot(page, "case-back")


def test_killed_kernel_mid_quiz_keeps_the_answers(page, kit_server, open_app_in, screenshot):
    """Does a quiz whose kernel is killed after two answers come back at the third statement
    with both answers counted, and finish with every answer kept?"""
    assert len(QUIZ_ITEMS) >= 3
    open_app_in(page, app("quiz", tag=QUIZ_TAG), "button.msp-answer-myth")

    def answer_right(item) -> None:
        page.click("button.msp-answer-myth" if item.is_myth else "button.msp-answer-true")
        page.locator(".msp-quiz-feedback").wait_for()
        page.click("button.msp-next")

    for item in QUIZ_ITEMS[:2]:
        answer_right(item)
    page.wait_for_function("() => document.querySelector('.msp-progress')?.innerText"
                           ".includes('Statement 3 of')", timeout=30_000)
    mark_page(page)
    kill_kernel(kit_server, page_kernel_id(page))
    expect_lost_then_reloaded(page, screenshot, "quiz", "button.msp-answer-myth")
    progress = page.inner_text(".msp-progress")
    assert f"Statement 3 of {len(QUIZ_ITEMS)}" in progress and "2 correct so far" in progress
    assert " ".join(QUIZ_ITEMS[2].statement.split()) in " ".join(
        page.inner_text(".msp-statement").split())
    for item in QUIZ_ITEMS[2:]:
        answer_right(item)
    page.wait_for_selector(".msp-quiz-summary")
    n = len(QUIZ_ITEMS)
    assert f"{n} of {n} correct" in page.inner_text(".msp-quiz-summary")


@pytest.fixture
def own_server(browser_apps_dir, tmp_path):
    """A kit server owned by one test (pool of 1), which it may stop and start again on the
    same port with the same progress store."""
    port = free_port()
    log_path = ARTIFACTS / "restart-server.log"
    env = {**os.environ, "MSP_LEARN_DB": f"sqlite:///{tmp_path / 'progress.sqlite'}",
           "MSP_LEARN_DATA": str(tmp_path / "data"),  # its server secret, kept over a restart
           "MSP_LEARN_CONTENT": str(REPO)}
    handle: dict = {}

    def start() -> KitServer:
        with log_path.open("a") as log:
            proc = spawn(apps_dir=browser_apps_dir, port=port, pool_size=1, stdout=log,
                         stderr=subprocess.STDOUT, env=env)
        url = wait_until_listening(proc, "127.0.0.1", port, timeout=90)
        handle["server"] = KitServer(proc, url, log_path, 1)
        return handle["server"]

    log_path.write_text("")
    yield start
    if "server" in handle:
        stop(handle["server"].proc)


def test_server_restart_mid_case_study_brings_the_learner_back(page, own_server, screenshot):
    """When the server stops mid-case-study, does the page say so and keep saying so while the
    server is down, then reload itself at the same node once the server is back?"""
    server = own_server()
    sign_in(page.context, server, "Restart Learner")  # signed in to this server, not the session's
    open_app(page, server, app("case_study", id=CASE.id), "button.msp-start",
             name="restart", timeout=120)
    second = go_to_second_node(page)
    mark_page(page)
    stop(server.proc)
    alert = page.locator("#msp-connection-text[role=alert]")
    alert.wait_for(state="visible", timeout=30_000)
    assert LOST in alert.inner_text()
    time.sleep(5)  # the server stays down: the page waits, and does not reload into an error
    assert page.evaluate("() => window.__mspBeforeLoss === true")
    assert page.evaluate("() => document.getElementById('main').inert")
    screenshot(page, "down")
    own_server()
    page.wait_for_function(
        "() => !window.__mspBeforeLoss && !!document.querySelector('.msp-narrative h2')",
        timeout=180_000)
    assert page.inner_text(".msp-narrative h2") == second
    assert page.locator("#msp-connection").is_hidden()
    screenshot(page, "back")


def test_pages_that_keep_their_connection_show_no_alert(page, open_app_in):
    """Does a healthy page (loaded, clicked, left open a while) never show the alert?"""
    open_app_in(page, app("case_study", id=CASE.id), "button.msp-start")
    page.click("button.msp-start")
    page.locator("button.msp-choice").first.wait_for()
    time.sleep(3)
    assert page.locator("#msp-connection").is_hidden()
    assert page.evaluate("() => window.mspConnection.lost") is False
