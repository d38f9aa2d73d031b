"""The widget views, driven without a browser: click buttons, set values, check the state."""

from __future__ import annotations

import pytest

from msp_learn.store import Store
from msp_learn.widgets import (
    CaseStudyView,
    JournalView,
    MemoryTracker,
    QuizView,
    RiskView,
    StoreTracker,
)
from tests.conftest import kit_catalogue

CAT = kit_catalogue()
CASE = CAT.get("case-study", "imran-qureshi-coercive-control")
REFLECTION = CAT.get("reflection-set", CASE.reflection)
MYTHS = CAT.items("myth")[:4]
RISK = CAT.get("risk-scenario", "winston-lends-to-a-friend")


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'kit.sqlite'}")
    yield s
    s.close()


def html_of(widget) -> str:
    """All HTML text in a widget tree (what the learner would read)."""
    out = []
    stack = [widget]
    while stack:
        w = stack.pop(0)
        if hasattr(w, "value") and isinstance(w.value, str) and w.__class__.__name__ == "HTML":
            out.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return "\n".join(out)


def buttons(widget) -> dict[str, object]:
    found, stack = {}, [widget]
    while stack:
        w = stack.pop(0)
        if w.__class__.__name__ == "Button":
            found[w.description] = w
        stack.extend(getattr(w, "children", ()))
    return found


def test_quiz_click_feedback_score_and_retry():
    tracker = MemoryTracker()
    view = QuizView(MYTHS, tracker=tracker)
    first = MYTHS[0]
    assert first.statement.replace("'", "&#x27;") in html_of(view.widget)
    (view.myth_button if not first.is_myth else view.true_button).click()  # a wrong answer
    text = html_of(view.widget)
    assert "Not quite" in text and "Basis:" in text
    assert view.myth_button.disabled and view.true_button.disabled
    for item in MYTHS[1:]:
        view.next_button.click()
        (view.myth_button if item.is_myth else view.true_button).click()
    view.next_button.click()
    assert f"3 of {len(MYTHS)} correct" in html_of(view.widget)
    assert [e[2] for e in tracker.events] == ["answer"] * len(MYTHS)
    view.retry_button.click()
    assert [i.id for i in view.session.items] == [first.id]


def test_quiz_resumes_with_answers_intact(store):
    view = QuizView(MYTHS, tracker=StoreTracker(store, "Sam"))
    view.myth_button.click()
    view.next_button.click()
    again = QuizView(MYTHS, tracker=StoreTracker(store, "Sam"))
    assert list(again.session.marks) == [MYTHS[0].id]
    assert again.session.current.id == MYTHS[1].id


def test_case_study_note_play_back_pause_and_ending(store):
    view = CaseStudyView(CASE, reflection=REFLECTION, tracker=StoreTracker(store, "Ada"))
    text = html_of(view.widget)
    assert "Content note" in text and set(buttons(view.widget)) == {
        "Start the case study", "Skip this case study"}
    buttons(view.widget)["Start the case study"].click()
    first = CASE.nodes[0].choices[0]
    buttons(view.widget)[first.label].click()
    text = html_of(view.widget)
    assert "Your choice" in text and ("Principles honoured" in text or "Principles at risk"
                                     in text)
    buttons(view.widget)["Go back and choose again"].click()
    assert view.session.history == () and view.stage == "play"
    buttons(view.widget)[first.label].click()
    buttons(view.widget)["Continue"].click()
    buttons(view.widget)["Pause (your place is saved)"].click()
    assert view.stage == "paused"
    # a reload (new view, same store) resumes at the same point
    again = CaseStudyView(CASE, reflection=REFLECTION, tracker=StoreTracker(store, "Ada"))
    assert again.stage == "paused" and again.session.choice_ids == [first.id]
    buttons(again.widget)["Resume the case study"].click()
    while not again.session.finished:
        choice = again.session.available_choices()[0]
        buttons(again.widget)[choice.label].click()
        label = "See how it ends" if again.session.finished else "Continue"
        buttons(again.widget)[label].click()
    text = html_of(again.widget)
    assert "Ending:" in text and "Outcomes asked for:" in text and "Risk:" in text
    assert "Outcomes achieved:" in text and CASE.desired_outcomes[0] in text
    kinds = [e.event for e in store.events("Ada")]
    assert kinds[:2] == ["start", "choice"] and "back" in kinds and kinds[-1] == "ending"


def test_case_study_reflection_draft_and_save_escape_learner_text(store):
    tracker = StoreTracker(store, "Bo")
    view = CaseStudyView(CASE, reflection=REFLECTION, tracker=tracker)
    view.start()
    while not view.session.finished:
        view.choose(view.session.available_choices()[-1].id)
        view.carry_on()
    form = view.form
    first = next(iter(form.boxes.values()))
    first.value = "<script>alert(1)</script> I learnt to ask first."
    assert store.load_progress("Bo", activity_kind="case-study", activity_id=CASE.id)["draft"]
    form.save_button.click()
    (saved,) = store.reflections("Bo")
    assert saved.answers[next(iter(form.boxes))].startswith("<script>")
    assert "Reflection saved" in form.status.value
    assert "<script>" not in html_of(view.widget)


def test_case_study_skip():
    view = CaseStudyView(CASE, tracker=MemoryTracker())
    buttons(view.widget)["Skip this case study"].click()
    assert view.stage == "skipped" and "Skipped" in html_of(view.widget)


def test_risk_assess_and_compare_persist(store):
    view = RiskView(RISK, tracker=StoreTracker(store, "Cy"))
    view.likelihood.value, view.impact.value = RISK.factors.likelihood, RISK.factors.impact
    view.capacity.value, view.wishes.value = RISK.factors.capacity, RISK.factors.wishes
    view.assess_button.click()
    text = view.result.value
    assert "your rating" in text and "<table class='msp-matrix'>" in text and "Level:" in text
    view.level.value = RISK.model_answer.level
    for rid in RISK.model_answer.responses:
        view.responses[rid].value = True
    view.compare_button.click()
    assert "Compared with the model answer" in view.comparison.value
    again = RiskView(RISK, tracker=StoreTracker(store, "Cy"))
    assert again.level.value == RISK.model_answer.level
    assert "Compared with the model answer" in again.comparison.value


def test_journal_saves_and_links_activity(store):
    tracker = StoreTracker(store, "Di")
    view = JournalView(CAT.items("reflection-set"), tracker=tracker,
                       activities=[("A case (case study)", f"case-study:{CASE.id}")])
    view.activity.value = f"case-study:{CASE.id}"
    next(iter(view.form.boxes.values())).value = "What I noticed"
    view.form.save_button.click()
    (saved,) = store.reflections("Di")
    assert saved.activity_kind == "case-study" and saved.activity_id == CASE.id
    view.prepare_download()
    assert "download='cpd-record.html'" in view.download.value
    assert "data:text/html" in view.download.value


def test_every_control_has_a_text_label():
    """Does every button, dropdown, checkbox and text box carry a visible text label?"""
    views = [QuizView(MYTHS), CaseStudyView(CASE, reflection=REFLECTION),
             RiskView(RISK), JournalView(CAT.items("reflection-set"))]
    for view in views:
        stack = [view.widget]
        while stack:
            w = stack.pop()
            stack.extend(getattr(w, "children", ()))
            if w.__class__.__name__ in ("Button", "Dropdown", "Checkbox", "Textarea", "Text"):
                assert w.description.strip(), w


def test_case_study_ending_shows_the_three_step_measure_and_says_when_nobody_asked():
    """Does an ending reached without asking show the person's outcomes once, say that nobody
    asked, and give no rating, while an asked ending gives its rating?"""
    view = CaseStudyView(CASE, reflection=REFLECTION, tracker=MemoryTracker())
    view.start()
    for choice_id in ("phone-home", "name-it"):
        view.choose(choice_id)
        view.carry_on()
    assert view.session.ending.id == "warned-too-soon"
    text = html_of(view.widget)
    assert "On this path nobody asked Imran what they wanted" in text
    assert "<strong>Outcomes asked for:</strong> Not asked." in text
    assert "Not rated, because no outcomes were asked for and expressed" in text
    assert text.count(CASE.desired_outcomes[0]) == 1
    view.play_again()
    for choice_id in ("clinic-plan", "safe-to-talk", "marac-and-s42", "build-his-plan"):
        view.choose(choice_id)
        view.carry_on()
    text = html_of(view.widget)
    assert "nobody asked" not in text and "Fully achieved" in text
