"""Where each view sends keyboard focus after an action (the data-msp-focus marks the page
template's script focuses), and the journal's CPD downloads. The browser side is
tests/browser/test_focus.py."""

from __future__ import annotations

import base64
import io
import re

import docx

from msp_learn.store import Store
from msp_learn.widgets import CaseStudyView, JournalView, MemoryTracker, QuizView, StoreTracker
from tests.conftest import kit_catalogue
from tests.widgets.test_views import html_of

CAT = kit_catalogue()
CASE = CAT.get("case-study", "imran-qureshi-coercive-control")
REFLECTION = CAT.get("reflection-set", CASE.reflection)
MYTHS = CAT.items("myth")[:3]
MARK = re.compile(r"data-msp-focus='([0-9a-f]{16})'")


def marks(widget) -> list[str]:
    return MARK.findall(html_of(widget))


class Marks:
    """The focus marks of a view, and which one is new since the last look."""

    def __init__(self, widget) -> None:
        self.widget, self.seen = widget, set(marks(widget))

    def new(self) -> str:
        """The HTML around the one new mark since the last call (fails if none or several)."""
        page = html_of(self.widget)
        fresh = [m for m in MARK.findall(page) if m not in self.seen]
        assert len(fresh) == 1, f"expected one new focus mark, found {len(fresh)}"
        self.seen.add(fresh[0])
        return page[page.index(fresh[0]):][:2000]


def test_the_quiz_moves_focus_to_the_feedback_then_the_next_statement_then_the_score():
    """After an answer, is focus sent to the feedback; after Next, to the next statement;
    after the last, to the score; after a retry, to the statement again?"""
    view = QuizView(MYTHS, tracker=MemoryTracker())
    assert marks(view.widget) == []  # opening a page moves nothing
    seen = Marks(view.widget)
    for i, item in enumerate(MYTHS):
        view.answer(not item.is_myth)
        assert "msp-feedback" in seen.new()
        view.next()
        after = seen.new()
        assert ("Is this a myth, or is it true?" in after if i < len(MYTHS) - 1
                else "Your score" in after)
    view.retry()
    assert "Is this a myth, or is it true?" in seen.new()
    view.restart()
    assert "Is this a myth, or is it true?" in seen.new()


def test_a_restored_quiz_or_case_study_does_not_move_focus(tmp_path):
    """Does a page opened again (restored from the store) carry no focus mark, so that a
    reload does not make the page jump?"""
    with Store(f"sqlite:///{tmp_path / 'k.sqlite'}") as store:
        quiz = QuizView(MYTHS, tracker=StoreTracker(store, "Flo"))
        quiz.answer(True)
        case = CaseStudyView(CASE, reflection=REFLECTION, tracker=StoreTracker(store, "Flo"))
        case.start()
        case.choose(CASE.nodes[0].choices[0].id)
        assert marks(quiz.widget) and marks(case.widget)
        assert marks(QuizView(MYTHS, tracker=StoreTracker(store, "Flo")).widget) == []
        assert marks(CaseStudyView(CASE, reflection=REFLECTION,
                                   tracker=StoreTracker(store, "Flo")).widget) == []


def test_the_case_study_moves_focus_to_each_next_step():
    """Is focus sent, after each action, to what the learner needs next: the step, the
    feedback on a choice, the ending, the pause and skip notes, and the saved status?"""
    view = CaseStudyView(CASE, reflection=REFLECTION, tracker=MemoryTracker())
    seen = Marks(view.widget)
    view.start()
    assert CASE.nodes[0].title in seen.new()
    view.choose(CASE.nodes[0].choices[0].id)
    assert "Your choice" in seen.new()
    view.back()
    assert CASE.nodes[0].title in seen.new()
    view.pause()
    assert "Paused" in seen.new()
    view.resume()
    seen.new()
    while not view.session.finished:
        view.choose(view.session.available_choices()[0].id)
        assert "Your choice" in seen.new()
        view.carry_on()
        after = seen.new()
    assert "Ending:" in after
    view.form.save()  # nothing written: the learner is told, and focus goes there
    assert "Write something in at least one box" in seen.new()
    next(iter(view.form.boxes.values())).value = "I asked first."
    view.form.save()
    assert "Reflection saved" in seen.new()
    view.play_again()
    assert CASE.nodes[0].title in seen.new()
    view.skip()
    assert "Skipped" in seen.new()


def _downloads(page: str) -> dict[str, bytes]:
    return {fmt: base64.b64decode(data) for fmt, data in re.findall(
        r"download='cpd-record\.(\w+)' class='msp-download-\w+' href='data:[^;]+(?:;[^;]+)?"
        r";base64,([A-Za-z0-9+/=]+)'", page)}


def test_the_journal_offers_the_record_as_docx_html_and_md_and_moves_focus_there(tmp_path):
    """Does "Prepare my CPD record" offer the record as a Word document, a web page and
    Markdown (as `cpd-record --format` does), each the learner's record, with focus moved
    to the links?"""
    with Store(f"sqlite:///{tmp_path / 'k.sqlite'}") as store:
        view = JournalView(CAT.items("reflection-set"), tracker=StoreTracker(store, "Gus"),
                           catalogue=CAT)
        seen = Marks(view.widget)
        view.prepare_download()
        assert "Nothing to put in a CPD record yet" in seen.new()
        next(iter(view.form.boxes.values())).value = "A thought about asking first."
        view.form.save()
        assert "Reflection saved" in seen.new()
        view.prepare_download()
        assert "Your CPD record is ready" in seen.new()
        files = _downloads(view.download.value)
        assert sorted(files) == ["docx", "html", "md"]
        document = docx.Document(io.BytesIO(files["docx"]))
        assert document.paragraphs[0].text == "CPD record: Gus"
        assert files["html"].decode().startswith("<!DOCTYPE html>")
        assert files["md"].decode().startswith("# CPD record: Gus")
        assert "A thought about asking first." in files["md"].decode()
        links = re.findall(r"<a [^>]*>([^<]+)</a>", view.download.value)
        assert links == ["Download my CPD record as a Word document (.docx)",
                         "Download my CPD record as a web page (.html)",
                         "Download my CPD record as Markdown text (.md)"]


def test_a_reflection_on_an_activity_keeps_its_title_not_the_list_label(tmp_path):
    """Is a journal reflection on a risk scenario kept under the scenario's title (not
    'Title (risk scenario)', the list's label), so the CPD record does not repeat its kind?"""
    risk = CAT.items("risk-scenario")[0]
    option = (f"{risk.title} (risk scenario)", f"risk-scenario:{risk.id}")
    for catalogue in (CAT, None):
        with Store(f"sqlite:///{tmp_path / f'{catalogue is None}.sqlite'}") as store:
            view = JournalView(CAT.items("reflection-set"), tracker=StoreTracker(store, "Hal"),
                               activities=[option], catalogue=catalogue)
            view.activity.value = option[1]
            next(iter(view.form.boxes.values())).value = "On the risk."
            view.form.save()
            (saved,) = store.reflections("Hal")
            assert saved.context["title"] == risk.title
