"""The kit's Voila apps in a real headless Chromium: complete each, reload, keyboard, axe."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.conftest import kit_catalogue

pytestmark = pytest.mark.browser

CAT = kit_catalogue()
CASE = CAT.get("case-study", "rosa-ferreira-keeping-paulo")
QUIZ_TAG = "advocacy"
QUIZ_ITEMS = [m for m in CAT.items("myth") if QUIZ_TAG in m.tags]
RISK = CAT.get("risk-scenario", "winston-lends-to-a-friend")


VIEW = {"quiz": "quiz", "case_study": "case-study", "risk": "risk-scenario",
        "journal": "journal"}


def app(name: str, **query: str) -> str:
    """A link to one view, as a trainer hands it out: it names no learner."""
    extra = "".join(f"&{k}={quote(v)}" for k, v in query.items())
    return f"voila/render/app.ipynb?view={VIEW[name]}{extra}"


def assert_accessible(page, axe, label: str) -> None:
    from tests.browser.harness import describe_violations

    violations = axe(page)
    assert violations == [], f"{label}: {describe_violations(violations)}"


def finish_case(page) -> None:
    """Click the first choice and carry on until an ending shows."""
    for _ in range(20):
        if page.locator(".msp-ending").count():
            return
        page.locator("button.msp-choice").first.click()
        page.locator("button.msp-continue").click()
        page.wait_for_selector("button.msp-choice, .msp-ending")
    raise AssertionError("no ending reached after 20 steps")


def test_sign_in_once_then_the_gallery_lists_every_activity(anonymous_context, kit_server,
                                                           axe, screenshot, external_requests):
    """Does a new learner pick a name and a secret on the sign-in page (Enter submits), land
    on the gallery with their name shown as text, and see every activity?"""
    page = anonymous_context.new_page()
    page.goto(kit_server.url + "voila/render/app.ipynb")
    page.wait_for_selector("input#name")
    assert "/msp/sign-in?next=" in page.url
    assert page.title() == "Sign in to MSP Learn | MSP Learn"
    assert_accessible(page, axe, "sign-in page")
    screenshot(page, "sign-in")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "sign-in-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("input#name", "Gallery <b>Tester</b>")
    page.keyboard.press("Enter")
    page.wait_for_selector("input#secret2")
    assert "is a new name here" in page.inner_text("main")
    page.fill("input#secret", "4242")
    page.fill("input#secret2", "4243")
    page.keyboard.press("Enter")
    alert = page.locator("[role=alert]")
    alert.wait_for()
    assert "The two secrets are different" in alert.inner_text()
    assert_accessible(page, axe, "sign-in error")
    screenshot(page, "sign-in-error")
    page.fill("input#secret", "4242")
    page.fill("input#secret2", "4242")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msp-home", timeout=60_000)
    assert "learner=" not in page.url
    assert page.title() == "Making Safeguarding Personal: learning kit | MSP Learn"
    text = page.inner_text(".msp-home")
    assert "Learning as Gallery <b>Tester</b>" in text  # shown as text, not markup
    for item in CAT.items("case-study") + CAT.items("risk-scenario"):
        assert item.title in text
    assert page.locator(".msp-home a").count() >= len(CAT.items("case-study")) + 3
    hrefs = page.eval_on_selector_all(".msp-home a", "els => els.map(e => e.href)")
    assert not [h for h in hrefs if "learner=" in h or "Tester" in h]  # links carry no names
    assert_accessible(page, axe, "gallery")
    screenshot(page, "gallery")
    page.click("a.msp-sign-out")                          # "not you?" signs out
    page.wait_for_selector("input#name")
    assert "You have signed out" in page.inner_text("main")
    page.goto(kit_server.url + "voila/render/app.ipynb")
    page.wait_for_selector("input#name")                  # signed out: asked again
    assert external_requests == []


def test_a_taken_name_asks_for_its_secret(anonymous_context, browser, kit_server, axe,
                                          screenshot, signed_in):
    """Is a second person giving a taken name asked for its secret, told plainly when it is
    wrong, slowed down after a few tries, and let in with the right one?"""
    owner = browser.new_context()
    try:
        signed_in(owner, "Taken Name", "right-secret")
    finally:
        owner.close()
    page = anonymous_context.new_page()
    page.goto(kit_server.url + "msp/sign-in")
    page.fill("input#name", "taken name")
    page.keyboard.press("Enter")
    page.wait_for_selector("input#secret")
    assert "is taken" in page.inner_text("main")
    page.fill("input#secret", "wrong-secret")
    page.keyboard.press("Enter")
    page.locator("[role=alert]").wait_for()
    assert "That is not the secret for Taken Name" in page.inner_text("[role=alert]")
    assert page.locator("input#secret").get_attribute("aria-invalid") == "true"
    assert_accessible(page, axe, "wrong secret")
    screenshot(page, "wrong-secret")
    statuses = []
    for _ in range(5):
        page.fill("input#secret", "wrong-secret")
        with page.expect_response(lambda r: r.request.method == "POST") as info:
            page.keyboard.press("Enter")
        statuses.append(info.value.status)
    assert statuses[-1] == 429, statuses
    assert "Too many wrong secrets" in page.inner_text("[role=alert]")
    page.fill("input#secret", "right-secret")          # still limited, even when right
    page.keyboard.press("Enter")
    page.locator("[role=alert]").wait_for()
    assert "Too many wrong secrets" in page.inner_text("[role=alert]")


def test_quiz_gives_feedback_and_a_score(page, open_app_in, axe, screenshot, external_requests):
    open_app_in(page, app("quiz", tag=QUIZ_TAG), "button.msp-answer-myth")
    for i, item in enumerate(QUIZ_ITEMS):
        page.click("button.msp-answer-true" if item.is_myth else "button.msp-answer-myth")
        feedback = page.locator(".msp-quiz-feedback")
        feedback.wait_for()
        assert "Not quite" in feedback.inner_text() and "Basis:" in feedback.inner_text()
        if i == 0:
            assert_accessible(page, axe, "quiz feedback")
            screenshot(page, "feedback")
        page.click("button.msp-next")
    page.wait_for_selector(".msp-quiz-summary")
    assert f"0 of {len(QUIZ_ITEMS)} correct" in page.inner_text(".msp-quiz-summary")
    page.click("button.msp-retry")
    page.wait_for_selector("button.msp-answer-myth")
    assert_accessible(page, axe, "quiz")
    screenshot(page, "retry")
    assert external_requests == []


def test_case_study_reload_resumes_then_finishes_with_reflection(page, open_app_in, axe,
                                                                 screenshot, external_requests):
    path = app("case_study", id=CASE.id)
    open_app_in(page, path, "button.msp-start")
    assert "Content note" in page.inner_text(".msp-intro")
    assert page.title() == f"{CASE.title} | MSP Learn"  # each view names the page
    assert_accessible(page, axe, "content note")
    page.click("button.msp-start")
    first = CASE.nodes[0]
    page.click(f"button.msp-choice-{first.choices[0].id}")
    page.click("button.msp-continue")
    second_title = page.inner_text(".msp-narrative h2")
    assert second_title != (first.title or "")
    assert_accessible(page, axe, "case study")
    page.reload()
    page.locator(".msp-narrative h2").wait_for(timeout=60_000)
    assert page.inner_text(".msp-narrative h2") == second_title  # same point after reload
    finish_case(page)
    ending = page.inner_text(".msp-ending")
    assert re.search(r"Outcomes asked for: (Asked, and outcomes expressed|Asked, but no "
                     r"outcomes expressed|Not asked|Don't know)\.", ending)
    assert re.search(r"Outcomes achieved: (Fully achieved|Partially achieved|Not achieved|"
                     r"Not rated, because)", ending)
    assert re.search(r"Risk: Risk (removed|reduced|remains)", ending)
    page.locator(".msp-prompt textarea").first.fill("I will ask <what> she wants first.")
    page.click("button.msp-save-reflection")
    page.wait_for_selector("text=Reflection saved")
    assert_accessible(page, axe, "ending and reflection")
    screenshot(page, "ending")
    page.reload()
    page.locator(".msp-prompt textarea").first.wait_for(timeout=60_000)
    assert page.locator(".msp-prompt textarea").first.input_value().startswith("I will ask")
    assert external_requests == []


def test_case_study_can_be_paused_and_skipped(page, open_app_in):
    open_app_in(page, app("case_study", id=CASE.id), "button.msp-skip")
    page.click("button.msp-skip")
    page.wait_for_selector(".msp-skipped")
    page.click("button.msp-start")
    page.click("button.msp-pause")
    page.wait_for_selector(".msp-paused")
    page.click("button.msp-resume")
    page.wait_for_selector("button.msp-choice")


def test_risk_tool_shows_matrix_and_compares(page, open_app_in, axe, screenshot,
                                             external_requests):
    open_app_in(page, app("risk", id=RISK.id), "button.msp-submit")
    selects = page.locator(".msp-risk select")
    selects.nth(0).select_option(label=f"{RISK.factors.likelihood} " + ["rare", "unlikely",
                                 "possible", "likely", "almost certain"][
                                 RISK.factors.likelihood - 1])
    assert page.locator(".msp-risk-result table").count() == 0  # the learner answers first
    page.click("button.msp-submit")
    result = page.locator(".msp-risk-result")
    result.locator("table.msp-matrix").wait_for()
    assert "your rating" in result.inner_text()
    assert "Your answer beside the model answer" in result.inner_text()
    assert "Why the model answer" in result.inner_text()
    assert_accessible(page, axe, "risk")
    screenshot(page, "compared")
    assert external_requests == []


def test_journal_saves_and_downloads_cpd_record(page, open_app_in, axe, screenshot,
                                                external_requests, signed_in):
    signed_in(page.context, "Journal <Learner>")
    open_app_in(page, app("journal"), ".msp-prompt textarea")
    page.locator(".msp-prompt textarea").first.fill("<script>alert('x')</script>What I saw")
    page.click("button.msp-save-reflection")
    page.wait_for_selector("text=Reflection saved to your journal")
    page.click("button.msp-cpd")
    link = page.locator("a[download='cpd-record.html']")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    html = open(info.value.path(), encoding="utf-8").read()
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html
    assert "Journal &lt;Learner&gt;" in html and 'lang="en-GB"' in html
    assert_accessible(page, axe, "journal")
    screenshot(page, "journal")
    assert external_requests == []


def test_site_root_opens_the_gallery(page, kit_server):
    """Does the printed address (the site root) land on the gallery, not a file list?"""
    page.goto(kit_server.url)
    page.wait_for_selector(".msp-home", timeout=60_000)
    assert page.url.endswith("/voila/render/app.ipynb")


def test_journal_draft_is_kept_while_typing(page, open_app_in, screenshot, store_url,
                                            signed_in):
    """Is a journal draft kept while the learner types (no leaving the box, no Save), once
    typing pauses rather than on every keystroke, so a reload straight after sees it?"""
    from msp_learn.store import Store

    signed_in(page.context, "Draft Typist")
    open_app_in(page, app("journal"), ".msp-prompt textarea")
    box = page.locator(".msp-prompt textarea").first
    box.click()
    page.keyboard.type("Typed, never saved, never left the box.")
    page.wait_for_selector("text=Draft kept", timeout=10_000)  # about 1 s after typing stops
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    screenshot(page, "typed")
    with Store(store_url) as store:
        drafts = [e for e in store.events("Draft Typist") if e.event == "draft"]
    assert 1 <= len(drafts) <= 3  # debounced: not one per keystroke (39 typed)
    page.reload()
    box = page.locator(".msp-prompt textarea").first
    box.wait_for(timeout=60_000)
    assert box.input_value() == "Typed, never saved, never left the box."


def test_two_tabs_lose_no_quiz_answer(context, open_app_in, screenshot):
    """Do three right answers in one tab survive a wrong answer from a stale second tab, which
    is told in an alert to reload?"""
    first, second = context.new_page(), context.new_page()
    path = app("quiz", tag=QUIZ_TAG)
    open_app_in(first, path, "button.msp-answer-myth")
    open_app_in(second, path, "button.msp-answer-myth")
    for item in QUIZ_ITEMS[:3]:
        first.click("button.msp-answer-myth" if item.is_myth else "button.msp-answer-true")
        first.locator(".msp-quiz-feedback").wait_for()
        first.click("button.msp-next")
    item = QUIZ_ITEMS[0]
    second.click("button.msp-answer-true" if item.is_myth else "button.msp-answer-myth")
    alert = second.locator(".msp-stale [role=alert]")
    alert.wait_for(timeout=10_000)
    assert "another tab" in alert.inner_text() and "reload" in alert.inner_text()
    screenshot(second, "stale")
    first.reload()
    first.locator(".msp-progress").wait_for(timeout=60_000)
    assert "3 correct so far" in first.inner_text(".msp-progress")
    second.reload()
    second.locator(".msp-progress").wait_for(timeout=60_000)
    assert "3 correct so far" in second.inner_text(".msp-progress")
    assert second.locator(".msp-stale [role=alert]").count() == 0


def test_retrying_the_missed_ones_keeps_the_first_score(page, open_app_in, screenshot):
    """After "Try the ones I missed", are the first attempt and the best score both shown?"""
    open_app_in(page, app("quiz", tag=QUIZ_TAG), "button.msp-answer-myth")
    n = len(QUIZ_ITEMS)
    for i, item in enumerate(QUIZ_ITEMS):
        right = "button.msp-answer-myth" if item.is_myth else "button.msp-answer-true"
        wrong = "button.msp-answer-true" if item.is_myth else "button.msp-answer-myth"
        page.click(wrong if i == 0 else right)
        page.locator(".msp-quiz-feedback").wait_for()
        page.click("button.msp-next")
    page.wait_for_selector(".msp-quiz-summary")
    page.click("button.msp-retry")
    item = QUIZ_ITEMS[0]
    page.click("button.msp-answer-myth" if item.is_myth else "button.msp-answer-true")
    page.click("button.msp-next")
    page.wait_for_selector(".msp-quiz-summary")
    summary = page.inner_text(".msp-quiz-summary")
    assert "You got 1 of 1 correct (100%)" in summary
    assert f"First attempt: {n - 1} of {n} correct" in summary
    assert f"Best: {n} of {n} correct (100%)" in summary
    screenshot(page, "attempts")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "attempts-phone")


def test_site_root_asks_a_visitor_to_sign_in_first(anonymous_context, kit_server):
    page = anonymous_context.new_page()
    page.goto(kit_server.url)
    page.wait_for_selector("input#name")
    assert "/msp/sign-in?next=%2Fvoila%2Frender%2Fapp.ipynb" in page.url
