"""The error summary: what went wrong, announced, and styled as on the sign-in page."""

from __future__ import annotations

from msp_learn.html import error_summary


def test_an_error_summary_names_the_problem_and_is_announced():
    """Is each problem listed under 'There is a problem', in an alert the kit's CSS styles,
    with the learner's own text escaped?"""
    html = str(error_summary("Write something first.", "<b>Name</b> is empty."))
    assert html.startswith("<div class='msp-error-summary' role='alert'><h2>There is a "
                           "problem</h2><ul>")
    assert "<li>Write something first.</li>" in html
    assert "&lt;b&gt;Name&lt;/b&gt; is empty." in html and "<b>" not in html


def test_the_kit_css_styles_the_error_summary():
    """Does the views' stylesheet give the error summary its look (a red border)?"""
    from importlib import resources

    css = resources.files("msp_learn.widgets").joinpath("style.css").read_text("utf-8")
    assert ".msp-error-summary" in css and "border: 5px solid var(--msp-red)" in css
