"""The feedback page nbgrader gives a learner, as the learner opens it: from their own folder
(file://), on a desktop and on a phone."""

import pytest

from tests.grading.test_feedback_page import _graded_notebook, _render

from .harness import describe_violations

pytestmark = pytest.mark.browser


def test_the_feedback_page_reads_in_full_offline(browser, tmp_path, screenshot, axe):
    """Does a learner's feedback page open from file:// with nothing fetched, pass axe, show
    the marks and each named item, and fit 1280 and 390 px with nothing wider than the page?"""
    page_file = tmp_path / "myths.html"
    page_file.write_text(_render(_graded_notebook()), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    fetched = []
    ctx.on("request", lambda r: None if r.url.startswith("file://") else fetched.append(r.url))
    try:
        page = ctx.new_page()
        page.goto(page_file.as_uri())
        text = page.inner_text("body")
        assert "Your marks: 3 out of 4" in text, text[:600]
        assert "Statement 1: Family always decides" in text
        assert "Written answers: The person's voice" in text and "Well done." in text
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            violations = axe(page)
            assert violations == [], describe_violations(violations)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
            screenshot(page, f"feedback-{width}")
        assert fetched == []
    finally:
        ctx.close()
