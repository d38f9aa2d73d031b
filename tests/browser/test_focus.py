"""Keyboard-only walks through each activity, checking where focus lands after every action;
the risk tool's order (the learner answers first) and its matrix on a phone; the journal's
downloads; what the sign-in form says about bad input."""

from __future__ import annotations

import pytest

from tests.browser.test_apps import CASE, QUIZ_ITEMS, QUIZ_TAG, RISK, app, assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: What has focus: tag, classes, its focus mark, the start of its text.
ACTIVE = """() => { const e = document.activeElement;
  return e ? {tag: e.tagName, cls: String(e.className || ''), mark: e.getAttribute('data-msp-focus'),
              text: (e.innerText || e.value || '').slice(0, 300)} : null }"""


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def focus_lands(page, text: str, timeout: float = 15_000) -> dict:
    """Wait until the element that has focus is a view's focus target showing ``text``, and
    return it; fail saying where focus is if it never gets there (never <body>)."""
    try:
        page.wait_for_function(
            "(text) => { const e = document.activeElement; return !!e && e !== document.body"
            " && e.hasAttribute('data-msp-focus') && e.innerText.includes(text) }",
            arg=text, timeout=timeout)
    except Exception:
        raise AssertionError(f"focus never reached {text!r}: it is on {active(page)}") from None
    found = active(page)
    assert found["tag"] != "BODY"
    return found


def from_the_top(page) -> None:
    """Put focus where a learner's first Tab on a freshly opened page puts it, the skip
    link (open_app's readiness check leaves the browser's starting point mid-page)."""
    page.focus("a.msp-skip-link")
    assert page.evaluate("() => document.activeElement.className") == "msp-skip-link"


def tab_to(page, text: str = "", *, selector: str = "button", limit: int = 80) -> dict:
    """Press Tab until the focused element matches ``selector`` and shows ``text``; once on
    an element, focus never falls back to <body> on the way."""
    started = page.evaluate("() => document.activeElement !== document.body")
    path = [active(page)]
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(
            "([sel, text]) => { const e = document.activeElement; return {body: e ==="
            " document.body, hit: !!e && e.matches(sel) && (e.innerText || e.value || '')"
            ".includes(text)} }", [selector, text])
        path.append(active(page))
        assert not (started and now["body"]), (
            f"Tab reached <body> looking for {selector} {text!r}, after: "
            + " > ".join(f"{p['tag']}.{p['cls'][:40]} {p['text'][:30]!r}" for p in path[-6:]))
        started = started or not now["body"]
        if now["hit"]:
            return active(page)
    raise AssertionError(f"could not reach {selector} {text!r} with the Tab key")


def test_the_quiz_by_keyboard_keeps_focus_on_what_comes_next(page, open_app_in, axe,
                                                            screenshot):
    """Answering moves focus to the feedback, Next to the next statement, the last one to
    the score, and a retry to the statement: never to <body>."""
    open_app_in(page, app("quiz", tag=QUIZ_TAG), "button.msp-answer-myth")
    from_the_top(page)
    for i, item in enumerate(QUIZ_ITEMS):
        tab_to(page, "It's a myth" if i == 0 else ("It's true" if item.is_myth else
                                                    "It's a myth"))
        page.keyboard.press("Enter")
        focus_lands(page, "Basis:")
        if i == 0:
            assert_accessible(page, axe, "quiz feedback, focused")
            screenshot(page, "feedback-focused")
        tab_to(page, "See my score" if i == len(QUIZ_ITEMS) - 1 else "Next statement")
        page.keyboard.press("Enter")
        focus_lands(page, "Your score" if i == len(QUIZ_ITEMS) - 1 else
                    "Is this a myth, or is it true?")
    right = int(QUIZ_ITEMS[0].is_myth)  # only the first answer can be right
    assert f"got {right} of {len(QUIZ_ITEMS)} correct" in page.inner_text(".msp-quiz-summary")
    tab_to(page, "Try the ones I missed")
    page.keyboard.press("Space")
    focus_lands(page, "Is this a myth, or is it true?")


def test_the_case_study_by_keyboard_keeps_focus_on_each_next_step(page, open_app_in, axe):
    """Start, each choice, Continue, the ending and saving the reflection each move focus
    to the learner's next step: the step, the feedback, the ending, the saved status."""
    open_app_in(page, app("case_study", id=CASE.id), "button.msp-start")
    from_the_top(page)
    tab_to(page, "Start the case study")
    page.keyboard.press("Enter")
    focus_lands(page, CASE.nodes[0].title or "Step 1")
    for _ in range(20):
        if page.locator(".msp-ending").count():
            break
        label = page.locator("button.msp-choice").first.inner_text()
        tab_to(page, label[:40])
        page.keyboard.press("Enter")
        focus_lands(page, "Your choice")
        go = "See how it ends" if page.locator("button.msp-continue").inner_text() != (
            "Continue") else "Continue"
        tab_to(page, go)
        page.keyboard.press("Enter")
        focus_lands(page, "Ending:" if go == "See how it ends" else "")
    focus_lands(page, "Ending:")
    tab_to(page, selector=".msp-prompt textarea")
    page.keyboard.type("Typed with the keyboard only.")
    tab_to(page, "Save my reflection")
    page.keyboard.press("Enter")
    focus_lands(page, "Reflection saved")
    assert_accessible(page, axe, "case study ending, reflection saved")


def test_the_risk_tool_by_keyboard_answers_first_then_compares(page, open_app_in, axe,
                                                              screenshot):
    """Is the learner's own answer asked for first, with nothing of the model answer on the
    page; does Submit move focus to their answer beside the model answer, the matrix and
    tables scroll in focusable regions, and Change my answer move focus back?"""
    open_app_in(page, app("risk", id=RISK.id), "button.msp-submit")
    from_the_top(page)
    from msp_learn.vocab import vocabulary

    responses = vocabulary("risk_responses")
    before = page.inner_text(".msp-risk")
    assert "Your assessment" in before
    assert page.locator("table").count() == 0  # no matrix, no model answer yet
    assert "model answer says" not in before and "Why the model answer" not in before
    html = page.eval_on_selector_all(".msp-risk .widget-html-content",
                                     "els => els.map(e => e.innerHTML).join('\\n')")
    for rid in RISK.model_answer.responses:  # only the learner's own checkboxes name them
        assert responses.label(rid).replace("'", "&#x27;") not in html
        assert page.locator(".msp-option", has_text=responses.label(rid)).count() == 1
    screenshot(page, "before")
    tab_to(page, selector=".msp-risk select")
    page.keyboard.press("ArrowDown")  # likelihood one step up
    first = responses.label(RISK.model_answer.responses[0])
    for _ in range(120):  # to the first model response's checkbox, then Space
        page.keyboard.press("Tab")
        label = page.evaluate("() => document.activeElement.closest('.msp-option') ?"
                              " document.activeElement.closest('.msp-option').innerText : ''")
        if label.strip() == first:
            break
    else:
        raise AssertionError(f"could not Tab to the checkbox {first!r}")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.activeElement.checked === true")
    tab_to(page, "Submit my assessment")
    page.keyboard.press("Enter")
    found = focus_lands(page, "Your answer beside the model answer")
    assert "Agreement:" in found["text"]
    row = page.locator("table.msp-side-by-side tr", has=page.locator(f"th:text-is('{first}')"))
    assert row.locator("td").nth(0).inner_text() == "You chose this"
    assert row.locator("td").nth(1).inner_text() == "In the model answer"
    assert page.locator(".msp-risk-result table.msp-matrix").count() == 1
    page.keyboard.press("Tab")  # the first table's region is the next stop
    region = active(page)
    assert "msp-scroll" in region["cls"]
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "region"
    assert page.evaluate("() => !!document.activeElement.getAttribute('aria-label')")
    assert page.locator(".msp-risk select").first.is_disabled()
    assert_accessible(page, axe, "risk tool, compared")
    screenshot(page, "compared")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, view: window.innerWidth,"
        " matrix: [...document.querySelectorAll('.msp-scroll')].map(r => getComputedStyle(r)"
        ".overflowX)})")
    assert widths["page"] <= widths["view"], widths  # nothing runs off the right edge
    assert set(widths["matrix"]) == {"auto"}, widths
    cut = page.evaluate(
        "() => [...document.querySelectorAll('.msp-risk .msp-option span, .msp-risk label')]"
        ".filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.innerText)")
    assert cut == [], f"option labels cut off on a phone: {cut}"
    assert_accessible(page, axe, "risk tool on a phone")
    screenshot(page, "compared-phone")
    region = page.locator(".msp-risk-result .msp-ratings .msp-scroll")
    region.scroll_into_view_if_needed()
    sizes = region.evaluate("r => ({inner: r.scrollWidth, shown: r.clientWidth,"
                            " screen: window.innerWidth})")
    assert sizes["shown"] <= sizes["screen"] < sizes["inner"], sizes  # it scrolls, the page not
    screenshot(page, "matrix-phone")
    region.focus()  # as Tab would reach it: then the arrow keys scroll it
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.msp-risk-result .msp-ratings "
                           ".msp-scroll').scrollLeft > 0")
    screenshot(page, "matrix-phone-scrolled")
    page.set_viewport_size(DESKTOP)
    tab_to(page, "Change my answer")
    page.keyboard.press("Enter")
    focus_lands(page, "Your assessment")
    assert page.locator(".msp-risk-result table").count() == 0
    assert not page.locator(".msp-risk select").first.is_disabled()


def test_the_risk_tool_before_answering_reads_in_full_on_a_phone(page, open_app_in,
                                                                 screenshot):
    """On a phone, before answering, does every option label wrap in full, with nothing
    wider than the screen?"""
    page.set_viewport_size(PHONE)
    open_app_in(page, app("risk", id=RISK.id), "button.msp-submit")
    found = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, view: window.innerWidth,"
        " cut: [...document.querySelectorAll('.msp-risk .msp-option span, .msp-risk label')]"
        ".filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.innerText)})")
    assert found["page"] <= found["view"], found
    assert found["cut"] == [], found
    screenshot(page, "phone")
    page.locator(".msp-risk select").first.scroll_into_view_if_needed()
    screenshot(page, "phone-factors")


def test_the_journal_by_keyboard_saves_then_offers_three_downloads(page, open_app_in, axe,
                                                                  screenshot, signed_in):
    """Saving a reflection moves focus to the saved status; preparing the CPD record moves
    it to the downloads (docx, html, md), each one a real file."""
    signed_in(page.context, "Focus Journal")
    open_app_in(page, app("journal"), ".msp-prompt textarea")
    from_the_top(page)
    tab_to(page, selector=".msp-prompt textarea")
    page.keyboard.type("Written with the keyboard: " + "unbroken" * 40)
    tab_to(page, "Save my reflection")
    page.keyboard.press("Space")
    focus_lands(page, "Reflection saved to your journal")
    tab_to(page, "Prepare my CPD record")
    page.keyboard.press("Enter")
    focus_lands(page, "Your CPD record is ready")
    tab_to(page, "Word document", selector="a")
    names = {}
    for fmt in ("docx", "html", "md"):
        with page.expect_download() as info:
            page.click(f"a.msp-download-{fmt}")
        names[fmt] = info.value.suggested_filename
        body = open(info.value.path(), "rb").read()
        assert body.startswith({"docx": b"PK", "html": b"<!DOCTYPE html>",
                                "md": b"# CPD record: Focus Journal"}[fmt]), fmt
    assert names == {f: f"cpd-record.{f}" for f in ("docx", "html", "md")}
    assert_accessible(page, axe, "journal downloads")
    screenshot(page, "downloads")
    page.set_viewport_size(PHONE)
    screenshot(page, "downloads-phone")


def test_the_sign_in_form_says_what_was_wrong(anonymous_context, kit_server, axe, screenshot):
    """Does Enter submit the name form, and does each kind of bad input get an error summary
    saying what was wrong (never the form again in silence)?"""
    page = anonymous_context.new_page()
    page.goto(kit_server.url + "msp/sign-in")
    page.wait_for_selector("input#name")
    assert page.evaluate("() => document.activeElement.id") == "name"
    page.keyboard.press("Enter")  # nothing typed
    summary = page.locator(".error-summary[role=alert]")
    summary.wait_for()
    assert "cannot be empty" in summary.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "name"
    page.fill("input#name", "Al\u200bex")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=invisible or formatting characters")
    assert page.title().startswith("Error: ")
    assert_accessible(page, axe, "sign-in, bad name")
    screenshot(page, "bad-name")
    base = kit_server.url + "msp/sign-in"
    xsrf = next(c["value"] for c in anonymous_context.cookies() if c["name"] == "_xsrf")
    answer = anonymous_context.request.post(base, form={
        "_xsrf": xsrf, "step": "secret", "name": "Nobody Was Ever Here", "secret": "x1234"})
    assert answer.status == 200
    text = answer.text()
    assert "There is a problem" in text and "role='alert'" in text
    assert "There is no one called Nobody Was Ever Here here any more" in text
