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


def test_risk_submit_shows_the_comparison_and_persists(store):
    """Does submitting show the learner's answer beside the model answer and their ratings on
    the matrix, lock the answer, and come back as it was after a reload?"""
    view = RiskView(RISK, tracker=StoreTracker(store, "Cy"))
    view.likelihood.value, view.impact.value = RISK.factors.likelihood, RISK.factors.impact
    view.capacity.value, view.wishes.value = RISK.factors.capacity, RISK.factors.wishes
    view.level.value = RISK.model_answer.level
    for rid in RISK.model_answer.responses:
        view.responses[rid].value = True
    view.submit_button.click()
    text = view.result.value
    assert "Your answer beside the model answer" in text and "Agreement:</strong> 100%" in text
    assert "your rating" in text and "<table class='msp-matrix'>" in text
    assert view.level.disabled and view.submit_button.disabled
    again = RiskView(RISK, tracker=StoreTracker(store, "Cy"))
    assert again.level.value == RISK.model_answer.level and again.level.disabled
    assert "Your answer beside the model answer" in again.result.value
    assert "data-msp-focus" not in again.result.value  # a reload does not move focus
    events = [e.event for e in store.events("Cy")]
    assert events.count("assess") == 1 and events.count("compare") == 1


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


# one table of activities, events with keys, two tabs, drafts, attempts, stale answers

def _drive_every_view(tracker) -> None:
    """Use each view the way a learner would, to the end, through ``tracker``."""
    quiz = QuizView(MYTHS, tracker=tracker)
    for item in MYTHS:
        quiz.answer(not item.is_myth)
        quiz.next()
    quiz.retry()
    case = CaseStudyView(CASE, reflection=REFLECTION, tracker=tracker)
    case.start()
    while not case.session.finished:
        case.choose(case.session.available_choices()[0].id)
        case.carry_on()
    next(iter(case.form.boxes.values())).value = "I asked first."
    case.form.save()
    risk = RiskView(RISK, tracker=tracker)
    risk.show_assessment()
    risk.show_comparison()
    journal = JournalView(CAT.items("reflection-set"), tracker=tracker)
    next(iter(journal.form.boxes.values())).value = "A general thought."
    journal.form.save()


def test_every_kind_the_views_record_is_declared_once(store):
    """Is every activity kind the real views write in activities.ACTIVITIES, with CPD
    wording of its own, and a route of the app?"""
    from msp_learn import apps
    from msp_learn.activities import ACTIVITIES
    from msp_learn.events import EVENTS, Unknown, read

    _drive_every_view(StoreTracker(store, "Kim"))
    recorded = {e.activity_kind for e in store.events("Kim")}
    recorded |= {p.activity_kind for p in store.progress("Kim")}
    recorded |= {r.activity_kind for r in store.reflections("Kim")}
    assert recorded == set(ACTIVITIES)
    assert set(ACTIVITIES) <= set(apps.VIEWS)
    for event in store.events("Kim"):
        assert event.event in EVENTS, event
        assert not isinstance(read(event.event, event.payload), Unknown)


def test_finished_quiz_is_named_with_its_scores_in_the_cpd_record(store):
    """Does a finished quiz, retried, show in the CPD record by its title and kind, with the
    first-attempt and best scores (not "Quiz 'myths' (Self-directed learning: quiz)")?"""
    from msp_learn.cpd import cpd_record

    view = QuizView(MYTHS, tracker=StoreTracker(store, "Lou"))
    for i, item in enumerate(MYTHS):
        view.answer(item.is_myth if i else not item.is_myth)  # the first one wrong
        view.next()
    assert "First attempt:" in html_of(view.widget)
    view.retry()
    view.answer(MYTHS[0].is_myth)
    view.next()
    text = html_of(view.widget)
    assert "You got 1 of 1 correct (100%)" in text
    n = len(MYTHS)
    assert (f"First attempt:</strong> {n - 1} of {n} correct ({100 * (n - 1) / n:.0f}%). "
            f"<strong>Best:</strong> {n} of {n} correct (100%)") in text
    state = store.load_progress("Lou", activity_kind="quiz", activity_id="myths")
    assert [a["correct"] for a in state["attempts"]] == [n - 1, 1]
    assert state["first"] == {"correct": n - 1, "total": n}
    assert state["best"] == {"correct": n, "total": n}
    record = cpd_record(store, "Lou", fmt="md", catalogue=CAT)
    assert "Quiz 'myths'" not in record and "Self-directed learning: quiz" not in record
    assert ("Myth or reality? (Self-directed e-learning: myths and realities quiz). Score: "
            f"first attempt {n - 1} of {n} correct") in record
    assert f"best {n} of {n} correct (100%)" in record
    answers = [e for e in store.events("Lou") if e.event == "answer"]
    assert [e.payload["attempt"] for e in answers] == [1] * n + [2]
    assert all({"item", "said_myth", "correct"} <= set(e.payload) for e in answers)


def test_two_tabs_of_one_learner_lose_no_answer(store):
    """When a stale tab answers after another tab, is the newer work kept, the stale tab
    told (role='alert') to reload, and its answer still in the event log?"""
    fresh = QuizView(MYTHS, tracker=StoreTracker(store, "Max"))
    stale = QuizView(MYTHS, tracker=StoreTracker(store, "Max"))
    for item in MYTHS[:3]:
        fresh.answer(item.is_myth)  # three right answers
        fresh.next()
    stale.answer(not MYTHS[0].is_myth)  # one wrong answer from the stale tab
    state = store.load_progress("Max", activity_kind="quiz", activity_id="myths")
    assert state["answers"] == {i.id: i.is_myth for i in MYTHS[:3]}
    alert = stale.saver.alert.value
    assert "role='alert'" in alert and "another tab" in alert and "reload" in alert
    assert fresh.saver.alert.value == ""
    answers = [e.payload for e in store.events("Max") if e.event == "answer"]
    assert len(answers) == 4 and answers[-1]["correct"] is False
    stale.next()
    stale.answer(MYTHS[1].is_myth)  # still stale: kept as an event, state untouched
    assert store.load_progress("Max", activity_kind="quiz", activity_id="myths") == state
    again = QuizView(MYTHS, tracker=StoreTracker(store, "Max"))  # the reload
    assert list(again.session.marks) == [i.id for i in MYTHS[:3]]
    again.answer(MYTHS[3].is_myth)
    assert again.saver.alert.value == ""


def test_two_tabs_of_a_case_study_and_a_journal(store):
    """Does a stale case-study tab or journal tab leave the other tab's work in place?"""
    a = CaseStudyView(CASE, reflection=REFLECTION, tracker=StoreTracker(store, "Nia"))
    b = CaseStudyView(CASE, reflection=REFLECTION, tracker=StoreTracker(store, "Nia"))
    a.start()
    a.choose(CASE.nodes[0].choices[0].id)
    b.skip()
    state = store.load_progress("Nia", activity_kind="case-study", activity_id=CASE.id)
    assert state["stage"] == "feedback" and state["choices"] == [CASE.nodes[0].choices[0].id]
    assert "role='alert'" in b.saver.alert.value
    j1 = JournalView(CAT.items("reflection-set"), tracker=StoreTracker(store, "Nia"))
    j2 = JournalView(CAT.items("reflection-set"), tracker=StoreTracker(store, "Nia"))
    next(iter(j1.form.boxes.values())).value = "Written in tab one."
    next(iter(j2.form.boxes.values())).value = "Written in tab two."
    journal = store.load_progress("Nia", activity_kind="journal", activity_id="journal")
    assert "Written in tab one." in str(journal["drafts"])
    assert "role='alert'" in j2.saver.alert.value
    drafts = [e.payload for e in store.events("Nia") if e.event == "draft"]
    assert "Written in tab two." in str(drafts)  # kept in the log, not lost


class FakeLoop:
    """A stand-in for the kernel's event loop: ``call_later`` is kept until ``advance``."""

    def __init__(self) -> None:
        self.now, self.calls = 0.0, []

    def call_later(self, delay, action):
        call = type("Call", (), {"cancel": lambda s: self.calls.remove(entry)})()
        entry = (self.now + delay, action)
        self.calls.append(entry)
        return call

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for entry in [c for c in self.calls if c[0] <= self.now]:
            self.calls.remove(entry)
            entry[1]()


def test_journal_draft_is_kept_a_second_after_typing_stops(store, monkeypatch):
    """Is a draft kept about a second after the last keystroke (not on every one, and not
    only when the box loses focus)?"""
    from msp_learn.widgets import reflection_form

    loop = FakeLoop()
    monkeypatch.setattr(reflection_form, "call_later", loop.call_later)
    view = JournalView(CAT.items("reflection-set"), tracker=StoreTracker(store, "Oli"))
    area = next(iter(view.form.boxes.values()))
    assert area.continuous_update is True
    for text in ("I", "I n", "I noticed"):
        area.value = text
        loop.advance(0.5)
    assert store.load_progress("Oli", activity_kind="journal", activity_id="journal") is None
    loop.advance(0.6)
    state = store.load_progress("Oli", activity_kind="journal", activity_id="journal")
    assert "I noticed" in state["drafts"][view.key].values()
    assert "Draft kept" in view.form.status.value
    assert [e.event for e in store.events("Oli")].count("draft") == 1


def test_risk_view_drops_saved_answers_no_longer_offered(store):
    """Does a risk view given saved answers that are no longer among its options open
    (no TraitError), leave them out, and tell the learner in a note?"""
    store.save_progress("Pat", activity_kind="risk-scenario", activity_id=RISK.id, state={
        "factors": {"likelihood": 9, "impact": 2, "capacity": "gone-option",
                    "wishes": "unknown", "domestic_abuse": "extreme"},
        "level": "catastrophic", "responses": ["no-such-response"],
        "escalate_to": ["nowhere"], "stage": "assessed"})
    view = RiskView(RISK, tracker=StoreTracker(store, "Pat"))
    assert view.likelihood.value == 3 and view.impact.value == 2
    assert view.capacity.value == "unclear" and view.level.value == "medium"
    assert not any(b.value for b in view.responses.values())
    note = view.note.value
    assert "role='note'" in note and "no longer among" in note
    for value in ("9", "gone-option", "extreme", "catastrophic", "no-such-response",
                  "nowhere"):
        assert value in note
    assert view.result.value == ""  # an old "assessed" stage is answered afresh
    fine = RiskView(RISK, tracker=MemoryTracker())
    assert fine.note.value == ""


def test_drafts_are_kept_at_once_outside_a_kernel_even_under_a_running_loop(store):
    """With another library's event loop running (Playwright's, in the full suite) but no
    kernel to spin it, is a draft still kept at once rather than scheduled forever?"""
    import asyncio

    async def type_a_draft() -> None:
        view = JournalView(CAT.items("reflection-set"), tracker=StoreTracker(store, "Lu"))
        next(iter(view.form.boxes.values())).value = "Kept while a loop runs."

    asyncio.run(type_a_draft())
    journal = store.load_progress("Lu", activity_kind="journal", activity_id="journal")
    assert "Kept while a loop runs." in str(journal["drafts"])
