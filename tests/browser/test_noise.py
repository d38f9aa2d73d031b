"""What a newcomer sees besides the activities: the terminal of `msp-learn serve`, the
browser console of every view, and the pages for addresses that lead nowhere."""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from .harness import ARTIFACTS, REPO, describe_violations, free_port
from .test_apps import CASE, QUIZ_TAG, RISK, app

pytestmark = pytest.mark.browser

#: Each view a learner opens, and what shows when it is ready.
VIEWS = [
    ("gallery", "voila/render/app.ipynb", ".msp-home"),
    ("quiz", app("quiz", tag=QUIZ_TAG), "button.msp-answer-myth"),
    ("case study", app("case_study", id=CASE.id), "button.msp-start"),
    ("risk scenario", app("risk", id=RISK.id), "button.msp-submit"),
    ("journal", app("journal"), ".msp-prompt textarea"),
]

#: What a newcomer must not be shown in the terminal.
WORRYING = ("not trusted", "without encryption", "Deprecat", "Kernel started", "Traceback",
            "WARNING", "websocket_ping")


def test_serve_prints_the_address_once_and_nothing_to_worry_about(tmp_path, browser_apps_dir):
    """Does `msp-learn serve` print the address once, how to stop and where the log is, and
    none of the server's warnings, while the log file keeps the kernels' starts?"""
    port, log_file = free_port(), tmp_path / "logs" / "server.log"
    env = {**os.environ, "MSP_LEARN_DATA": str(tmp_path), "MSP_LEARN_TOKEN": "noise-test",
           "MSP_LEARN_DB": f"sqlite:///{tmp_path / 'progress.sqlite'}",
           "MSP_LEARN_CONTENT": str(REPO), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "msp_learn.cli", "serve", "--apps-dir", str(browser_apps_dir),
         "--port", str(port), "--pool-size", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while not any("Ctrl+C" in line for line in out):
            assert proc.poll() is None, f"serve exited: {proc.stderr.read()}"
            assert time.monotonic() < deadline, f"no address printed in 120 s: {out}"
            time.sleep(0.2)
        page = f"{url}voila/render/fixture_app.ipynb?id=noise&token=noise-test"
        with urllib.request.urlopen(page, timeout=120) as response:
            assert response.status == 200
        while "Kernel started" not in log_file.read_text():
            assert time.monotonic() < deadline, "the log file never said a kernel started"
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl+C sends
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    reader.join(10)
    stdout, stderr = "".join(out), proc.stderr.read()
    assert proc.returncode == 0, stderr
    assert stdout.count(url) == 1, stdout
    assert f"Open {url} in a web browser" in stdout
    assert "Press Ctrl+C here to stop it." in stdout
    assert f"Log: {log_file}" in stdout
    assert "Stopped." in stdout
    for words in WORRYING:
        assert words not in stdout + stderr, f"{words!r} shown to the trainer:\n{stdout}{stderr}"
    log = log_file.read_text()
    assert "Kernel started" in log and "Kernel shutdown" in log
    for words in ("not trusted", "without encryption", "DeprecationWarning", "websocket_ping"):
        assert words not in log, f"{words!r} in the log"


def test_no_view_logs_a_console_error_or_version_warning(context, console_log, open_app_in,
                                                         kit_server, axe):
    """Does each view (and the sign-in and not-found pages) load with no console error, pass
    axe at 1280 and at 390 px wide, and log no "Unsatisfied version" warning?"""
    seconds, found = {}, []
    for label, path, ready in VIEWS:
        page = context.new_page()
        seconds[label] = round(open_app_in(page, path, ready, name=f"console-{label}"), 2)
        page.wait_for_timeout(1500)  # plugins that activate after the widgets show
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            violations = axe(page)
            if violations:  # every view is checked before the test fails
                found.append(f"{label} at {width} px: {describe_violations(violations)}")
        page.close(run_before_unload=True)
    found += console_log.problems()
    assert found == [], "\n".join(found)
    # What the README quotes: seconds from asking for each view until it can be used.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "view-open-seconds.json").write_text(json.dumps(seconds, indent=2))
    page = context.new_page()
    page.goto(kit_server.url + "msp/sign-in")
    page.wait_for_timeout(500)
    assert console_log.messages, "no console message recorded at all: is the log attached?"
    assert console_log.problems() == [], "\n".join(console_log.problems())
    # A not-found page: the browser reports the page's own 404, and nothing else.
    missing = kit_server.url + "voila/render/app.ipynb?view=case-study&id=no-such-case"
    page.goto(missing)
    page.wait_for_timeout(500)
    page.close()
    assert console_log.problems() == [f"error on {missing}: Failed to load resource: the "
                                      "server responded with a status of 404 (Not Found)"]
    # Widget code built for another JupyterLab than the page's ("Unsatisfied version"):
    # the pinned stack agrees (tests/unit/test_widget_versions.py reads the built files).
    assert console_log.version_warnings() == []


def test_links_to_nothing_answer_404_with_a_readable_page(context, kit_server, axe,
                                                          screenshot):
    """Does a link to a case study, view or address that does not exist answer HTTP 404
    with a page that says so in words and leads back to the gallery?"""
    page = context.new_page()
    response = page.goto(kit_server.url + "voila/render/app.ipynb?view=case-study"
                         "&id=no-such-case")
    assert response.status == 404
    assert page.title() == "Page not found | MSP Learn"
    assert page.inner_text("h1") == "Page not found"
    assert "There is no case study called 'no-such-case'." in page.inner_text("main")
    violations = axe(page)
    assert violations == [], describe_violations(violations)
    screenshot(page, "desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "phone")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=Go to the gallery")
    page.wait_for_selector(".msp-home", timeout=60_000)
    for path, words in [
        ("voila/render/app.ipynb?view=admin", "The kit has no page called 'admin'."),
        ("voila/render/app.ipynb?view=quiz&tag=no-such-tag", "There is no quiz on"),
        ("voila/render/app.ipynb?view=risk-scenario", "The link names no risk scenario"),
        ("no/such/page", "There is no page at this address"),
        ("voila/render/no-such-app.ipynb", "Page not found"),
    ]:
        answer = context.request.get(kit_server.url + path)
        assert answer.status == 404, (path, answer.status)
        assert words in html.unescape(answer.text()), (path, answer.text()[-600:])


def test_voila_template_addresses_answer_404_without_a_traceback(context, kit_server):
    """Do malformed /voila/templates/ addresses answer 404 (not 500), with no traceback in
    the server's log, while the template's real files still load?"""
    start = kit_server.log_path.stat().st_size
    for path in ["voila/templates/lab/index.html.j2", "voila/templates/", "voila/templates/msp",
                 "voila/templates/msp/static/", "voila/templates/msp/other/index.css",
                 "voila/templates/msp/static/no-such-file.css",
                 "voila/templates/..%2F..%2Fetc/static/passwd"]:
        answer = context.request.get(kit_server.url + path)
        assert answer.status == 404, (path, answer.status)
        assert "Page not found" in answer.text(), path
    assert context.request.get(kit_server.url + "voila/templates/msp/static/index.css").ok
    time.sleep(0.5)
    with kit_server.log_path.open("rb") as log:
        log.seek(start)
        text = log.read().decode(errors="replace")
    assert "Traceback" not in text and "Uncaught exception" not in text, text[-3000:]
    assert "404 GET /voila/templates/lab/index.html.j2" in text


def test_site_root_still_answers_with_the_gallery(kit_server):
    """Does the catch-all 404 leave the printed address (the site root) working?"""
    try:
        with urllib.request.urlopen(kit_server.url, timeout=30) as response:
            assert "/msp/sign-in" in response.url or "/voila/render/app.ipynb" in response.url
    except urllib.error.HTTPError as exc:  # pragma: no cover - shown when it fails
        raise AssertionError(f"the site root answered {exc.code}") from None
