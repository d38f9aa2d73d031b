"""Every view of the kit reads in full, in one calm look, at 1280 x 800 and on a phone (390 x 844).

Each test walks one view through its states and, at each state and each width, checks the
page the learner sees:
- no visible text is clipped: not by its own box (``overflow: hidden`` or ``clip`` with more
  text than room, or an ellipsis), not by a container that hides or scrolls it, not past the
  right edge, and no choice in a drop-down is cut off in its box; no word of up to 20
  letters is broken over two lines to fit (a table too wide scrolls in its region instead);
- the page does not scroll sideways (``document.scrollingElement.scrollWidth > innerWidth``),
  except inside a labelled, focusable scroll region (``role="region"``, a name, a tabindex);
- one font family, no text smaller than 16 px, prose line-height about 1.5 (not double);
- a focused control shows its focus style, and no container clips it;
- axe finds nothing.
A screenshot of each state at each width goes to tests/artifacts/screenshots.
"""

from __future__ import annotations

import pytest

from .test_apps import CASE, QUIZ_ITEMS, QUIZ_TAG, RISK, app, assert_accessible, finish_case

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
#: The kit's one font family: a system stack (no web fonts), the same on every page.
FONT = ('-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
        '"Liberation Sans", "Noto Sans", sans-serif')

#: What the learner cannot read: a list of {where, text, why}, and the page's width.
CLIPPED_JS = r"""() => {
  const found = [];
  const clips = (v) => v === "hidden" || v === "clip";
  const scrolls = (v) => v === "auto" || v === "scroll";
  const region = (el) => el.getAttribute("role") === "region" && el.hasAttribute("tabindex")
    && !!(el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
  const where = (el) => {
    const bits = [];
    for (let e = el; e && e !== document.body && bits.length < 4; e = e.parentElement) {
      const cls = [...e.classList].filter((c) => c.startsWith("msp-") || c.startsWith("widget-"));
      bits.unshift(e.tagName.toLowerCase() + cls.slice(0, 2).map((c) => "." + c).join(""));
    }
    return bits.join(" > ");
  };
  const shown = (el) => {
    if (el.closest("[hidden], [aria-hidden=true], .visually-hidden, .msp-skip-link")) return false;
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const report = (el, text, why) => found.push({where: where(el), text: text.slice(0, 80), why});
  const textRects = (el) => {
    const rects = [];
    for (const node of el.childNodes) {
      if (node.nodeType !== 3 || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...[...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0));
    }
    return rects;
  };
  const pageWidth = document.documentElement.clientWidth;
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "TEXTAREA", "INPUT", "OPTION", "NOSCRIPT"].includes(el.tagName)) continue;
    if (el.tagName === "SELECT") {
      const option = el.options[el.selectedIndex];
      if (!option || !shown(el)) continue;
      const s = getComputedStyle(el);
      const probe = document.createElement("span");
      probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;font:" + s.font;
      probe.textContent = option.text;
      document.body.appendChild(probe);
      const need = probe.getBoundingClientRect().width;
      probe.remove();
      const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      if (need > room + 1) report(el, option.text, "choice cut off in its box");
      continue;
    }
    const own = [...el.childNodes].filter((n) => n.nodeType === 3)
      .map((n) => n.textContent).join("").trim();
    if (!own || !shown(el)) continue;
    const s = getComputedStyle(el);
    if (clips(s.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      report(el, own, "cut off at the right (overflow hidden)"); continue;
    }
    if (clips(s.overflowY) && el.scrollHeight > el.clientHeight + 1) {
      report(el, own, "cut off at the bottom (overflow hidden)"); continue;
    }
    if (s.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1) {
      report(el, own, "ends in an ellipsis"); continue;
    }
    const rects = textRects(el);
    const box = el.getBoundingClientRect();
    if (s.display !== "inline" && rects.some((r) => r.bottom > box.bottom + 2 || r.right > box.right + 2)) {
      report(el, own, "spills out of its box over what follows"); continue;
    }
    let inRegion = false;
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const as = getComputedStyle(a);
      if (!clips(as.overflowX) && !scrolls(as.overflowX) && !clips(as.overflowY)
          && !scrolls(as.overflowY)) continue;
      if (scrolls(as.overflowX) && region(a)) { inRegion = true; break; }
      const ab = a.getBoundingClientRect();
      const left = ab.left + a.clientLeft, right = left + a.clientWidth;
      const top = ab.top + a.clientTop, bottom = top + a.clientHeight;
      if (rects.some((r) => r.right > right + 1 || r.left < left - 1
                             || r.bottom > bottom + 1 || r.top < top - 1)) {
        report(el, own, `hidden by its container ${where(a)} (overflow ${as.overflowX}/${as.overflowY})`);
        break;
      }
    }
    if (!inRegion && rects.some((r) => r.right > pageWidth + 1)) {
      report(el, own, "runs off the right edge of the page");
    }
    for (const node of el.childNodes) {  // "Me/di/um": a word split over lines to fit
      if (node.nodeType !== 3) continue;
      for (const word of node.textContent.matchAll(/[^\s\-\/\u2013\u2014]+/g)) {
        if (word[0].length < 2 || word[0].length > 20) continue;
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0)
          .map((r) => Math.round(r.top)));
        if (tops.size > 1) { report(el, word[0], "a word broken over two lines"); break; }
      }
    }
  }
  const sideways = document.scrollingElement.scrollWidth > window.innerWidth;
  return {clipped: found.slice(0, 30), count: found.length, sideways,
          scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth};
}"""

#: The type of every visible text: families, the smallest size, prose line-heights.
TYPE_JS = """() => {
  const families = {}, small = [], spacing = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "OPTION"].includes(el.tagName)) continue;
    if (el.closest(".msp-skip-link, [hidden], .visually-hidden")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
      || ["TEXTAREA", "SELECT", "BUTTON"].includes(el.tagName);
    const r = el.getBoundingClientRect();
    if (!own || r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === "hidden") continue;
    families[s.fontFamily] = (families[s.fontFamily] || 0) + 1;
    const size = parseFloat(s.fontSize);
    if (size < 16) small.push(`${el.tagName.toLowerCase()} ${size}px: ${el.textContent.trim().slice(0, 50)}`);
    if (["P", "LI"].includes(el.tagName) && s.lineHeight !== "normal") {
      const ratio = parseFloat(s.lineHeight) / size;
      if (ratio < 1.3 || ratio > 1.7) spacing.push(`${el.tagName.toLowerCase()} ${ratio.toFixed(2)}: ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  return {families, small: small.slice(0, 10), spacing: spacing.slice(0, 10)};
}"""

#: Focus each kind of control in turn: is its focus style visible, and is all of it shown?
FOCUS_JS = """() => {
  const out = [];
  const picks = ["button:not([disabled])", "select:not([disabled])", "textarea:not([disabled])",
                 "input[type=checkbox]:not([disabled])",
                 "#main a[href]", "[role=region][tabindex]", "[data-msp-focus]"];
  for (const sel of picks) {
    const el = [...document.querySelectorAll(sel)].find((e) => {
      const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
    if (!el) continue;
    el.blur();
    const before = getComputedStyle(el);
    const look = (s) => [s.outlineStyle, s.outlineColor, s.outlineWidth, s.boxShadow,
                         s.backgroundColor, s.color].join("|");
    const plain = look(before);
    el.focus({focusVisible: true});
    const s = getComputedStyle(el);
    const focused = look(s);
    const ring = Math.max(parseFloat(s.outlineWidth) || 0, 3) + (parseFloat(s.outlineOffset) || 0);
    const r = el.getBoundingClientRect();
    let clippedBy = null;
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const as = getComputedStyle(a);
      if (as.overflowX === "visible" && as.overflowY === "visible") continue;
      const ab = a.getBoundingClientRect();
      if (r.left - ring < ab.left + a.clientLeft - 0.5 || r.right + ring > ab.left + a.clientLeft + a.clientWidth + 0.5
          || r.top - ring < ab.top + a.clientTop - 0.5 || r.bottom + ring > ab.top + a.clientTop + a.clientHeight + 0.5) {
        clippedBy = a.tagName.toLowerCase() + "." + [...a.classList].slice(0, 3).join(".");
        break;
      }
    }
    out.push({selector: sel, visible: plain !== focused && document.activeElement === el,
              clippedBy});
    el.blur();
  }
  return out;
}"""


def reads_in_full(page, screenshot, label: str, axe=None) -> None:
    """Check the page as it is now at both widths (see the module docstring); screenshot
    each as ``<test>-<label>-<width>.png``; leave the page at desktop width."""
    problems = []
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(250)  # widgets re-lay out on resize
        seen = page.evaluate(CLIPPED_JS)
        screenshot(page, f"{label}-{width}")
        for item in seen["clipped"]:
            problems.append(f"{name}: '{item['text']}' at {item['where']}: {item['why']}")
        if seen["count"] > len(seen["clipped"]):
            problems.append(f"{name}: and {seen['count'] - len(seen['clipped'])} more")
        if seen["sideways"]:
            problems.append(f"{name}: the page scrolls sideways ({seen['scrollWidth']} px wide "
                            f"in a {seen['innerWidth']} px window)")
        kind = page.evaluate(TYPE_JS)
        if set(kind["families"]) != {FONT}:
            problems.append(f"{name}: fonts other than the kit's one family: {kind['families']}")
        problems += [f"{name}: text under 16 px: {t}" for t in kind["small"]]
        problems += [f"{name}: line-height not about 1.5: {t}" for t in kind["spacing"]]
        for ring in page.evaluate(FOCUS_JS):
            if not ring["visible"]:
                problems.append(f"{name}: a focused {ring['selector']} looks unfocused")
            if ring["clippedBy"]:
                problems.append(f"{name}: the focus ring of {ring['selector']} is clipped by "
                                f"{ring['clippedBy']}")
        if axe is not None:
            assert_accessible(page, axe, f"{label} at {width} px")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not problems, f"{label} does not read in full:\n" + "\n".join(problems)


def test_the_gallery_and_the_not_found_page_read_in_full(page, open_app_in, screenshot, axe,
                                                          kit_server):
    """Does the gallery (and a link to nothing, answered 404 by the server) read in full, in
    one look, at both widths?"""
    open_app_in(page, "voila/render/app.ipynb", ".msp-home")
    reads_in_full(page, screenshot, "gallery", axe)
    response = page.goto(kit_server.url + app("case_study", id="no-such-case"))
    assert response is not None and response.status == 404
    page.locator("main h1").wait_for()
    reads_in_full(page, screenshot, "not-found", axe)


def test_the_sign_in_page_reads_in_full(anonymous_context, kit_server, screenshot, axe):
    """Does the sign-in page, the first thing a learner sees, match the views' look?"""
    page = anonymous_context.new_page()
    page.goto(kit_server.url + "msp/sign-in")
    page.wait_for_selector("input#name")
    reads_in_full(page, screenshot, "sign-in", axe)
    page.press("input#name", "Enter")            # no name: the error summary
    page.locator(".error-summary").wait_for()
    reads_in_full(page, screenshot, "sign-in-error", axe)


def test_the_quiz_reads_in_full_and_says_what_was_answered(page, open_app_in, screenshot,
                                                             axe):
    """Does every state of the quiz read in full, and does the feedback say, in words, which
    answer the learner picked ("You answered: It's a myth"), with that button marked?"""
    open_app_in(page, app("quiz", tag=QUIZ_TAG), "button.msp-answer-myth")
    reads_in_full(page, screenshot, "statement", axe)
    for i, item in enumerate(QUIZ_ITEMS):
        said_myth = i % 2 == 0
        page.click("button.msp-answer-myth" if said_myth else "button.msp-answer-true")
        feedback = page.locator(".msp-quiz-feedback .msp-feedback")
        feedback.wait_for()  # the last statement's feedback left the page (below)
        words = feedback.inner_text()
        picked = "It's a myth" if said_myth else "It's true"
        assert f"You answered: {picked}." in words, words
        assert words.index("You answered") < words.index(
            "Correct" if said_myth == item.is_myth else "Not quite")
        chosen = "button.msp-answer-myth" if said_myth else "button.msp-answer-true"
        assert "msp-picked" in (page.get_attribute(chosen, "class") or "")
        if i < 2:
            reads_in_full(page, screenshot, f"feedback-{i + 1}", axe)
        page.click("button.msp-next")
        page.locator(".msp-quiz-feedback").wait_for(state="detached")
    page.wait_for_selector(".msp-quiz-summary")
    reads_in_full(page, screenshot, "summary", axe)


def test_the_case_study_reads_in_full(page, open_app_in, screenshot, axe):
    """Does every state of a case study read in full: the content note, a step, feedback on a
    choice, the ending with its reflection (every prompt whole), paused and skipped?"""
    open_app_in(page, app("case_study", id=CASE.id), "button.msp-start")
    reads_in_full(page, screenshot, "note", axe)
    page.click("button.msp-skip")
    page.wait_for_selector(".msp-skipped")
    reads_in_full(page, screenshot, "skipped", axe)
    page.click("button.msp-start")
    page.wait_for_selector("button.msp-choice")
    reads_in_full(page, screenshot, "step", axe)
    page.click("button.msp-pause")
    page.wait_for_selector(".msp-paused")
    reads_in_full(page, screenshot, "paused", axe)
    page.click("button.msp-resume")
    page.locator("button.msp-choice").first.click()
    page.wait_for_selector("button.msp-continue")
    reads_in_full(page, screenshot, "choice-feedback", axe)
    page.click("button.msp-continue")
    page.wait_for_selector("button.msp-choice, .msp-ending")
    finish_case(page)
    page.locator(".msp-prompt textarea").first.wait_for()
    reads_in_full(page, screenshot, "ending", axe)


def test_the_risk_tool_reads_in_full(page, open_app_in, screenshot, axe):
    """Does the risk tool read in full before and after the learner submits and sees the
    model answer beside theirs (the matrix and tables may scroll, but only in their own
    labelled regions)?"""
    open_app_in(page, app("risk", id=RISK.id), "button.msp-submit")
    reads_in_full(page, screenshot, "rate", axe)
    page.click("button.msp-submit")
    page.locator(".msp-risk-result table").first.wait_for()
    assert page.locator(".msp-risk-result [role=region][aria-label] table").count()
    reads_in_full(page, screenshot, "submitted", axe)


def test_the_journal_and_the_cpd_record_read_in_full(page, open_app_in, screenshot, axe,
                                                      signed_in):
    """Do the journal (every model's prompts whole), its error summary and the CPD record it
    downloads read in full at both widths?"""
    signed_in(page.context, "Look Journal Learner")
    open_app_in(page, app("journal"), ".msp-prompt textarea")
    reads_in_full(page, screenshot, "journal", axe)
    models = page.locator(".msp-journal select").first
    for number, value in enumerate(models.evaluate("s => [...s.options].map(o => o.value)")):
        if number == 0:
            continue
        models.select_option(value)
        page.wait_for_function("() => !!document.querySelector('.msp-prompt textarea')")
        page.wait_for_timeout(300)
        reads_in_full(page, screenshot, f"journal-model-{number + 1}")
    page.click("button.msp-save-reflection")        # nothing written: the error summary
    page.locator(".msp-error-summary").wait_for()
    assert "There is a problem" in page.inner_text(".msp-error-summary")
    reads_in_full(page, screenshot, "journal-error", axe)
    page.locator(".msp-prompt textarea").first.fill(
        "A long thought with no spaces or hyphens: " + "outcomesfocusedpractice" * 12)
    page.click("button.msp-save-reflection")
    page.wait_for_selector("text=Reflection saved to your journal")
    page.click("button.msp-cpd")
    link = page.locator(".msp-download a[download$='.html']").first
    link.wait_for()
    reads_in_full(page, screenshot, "journal-saved", axe)
    with page.expect_download() as info:
        link.click()
    record = open(info.value.path(), encoding="utf-8").read()
    cpd = page.context.new_page()
    cpd.set_content(record)
    reads_in_full(cpd, screenshot, "cpd-record", axe)
