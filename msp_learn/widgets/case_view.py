"""Case-study player: content note, narrative, choices with feedback, go back, ending, reflection."""

from __future__ import annotations

import ipywidgets as W

from msp_learn.activities import ACTIVITIES
from msp_learn.engine import InvalidChoice, ScenarioSession, Step
from msp_learn.events import (
    ChoiceMade,
    Continued,
    DraftKept,
    EndingReached,
    Paused,
    Restarted,
    Resumed,
    Skipped,
    Started,
    WentBack,
)
from msp_learn.html import Markup, el
from msp_learn.html import case as render
from msp_learn.schemas import CaseStudy, ReflectionSet
from msp_learn.tracking import Tracker
from msp_learn.widgets._common import Saver, app_root, box, button, focus_mark
from msp_learn.widgets.reflection_form import ReflectionForm

KIND = ACTIVITIES["case-study"].kind
STAGES = ("note", "play", "feedback", "ending", "paused", "skipped")


class CaseStudyView:
    """Draws a :class:`ScenarioSession`; every choice is saved the moment it is made."""

    def __init__(self, case: CaseStudy, *, reflection: ReflectionSet | None = None,
                 tracker: Tracker | None = None) -> None:
        self.case, self.reflection = case, reflection
        self.saver = Saver(tracker, KIND, case.id)
        self.tracker = self.saver.tracker
        self.header = box(el("h1", case.title))
        self.body = W.VBox()
        self.widget = app_root(self.saver.alert, self.header, self.body, name="case-study")
        state = self.saver.load()
        try:
            self.session = ScenarioSession.replay(case, state.get("choices", []))
        except InvalidChoice:  # the case study changed since: start again, keep the log
            self.session, state = ScenarioSession(case), {}
        self.stage = state.get("stage") if state.get("stage") in STAGES else "note"
        self.resume_stage = state.get("resume_stage", "play")
        self.draft = state.get("draft", {})
        self.reflection_id = state.get("reflection_id")
        attempt = state.get("attempt")
        self.attempt = attempt if isinstance(attempt, int) and attempt > 0 else 1
        if self.stage == "ending" and not self.session.finished:
            self.stage = "play"
        self._focus = False  # True while drawing in answer to an action: see _mark
        self.render()

    # state

    def _state(self) -> dict:
        ending = self.session.ending
        return {"choices": self.session.choice_ids, "stage": self.stage,
                "resume_stage": self.resume_stage, "draft": self.draft,
                "reflection_id": self.reflection_id, "title": self.case.title,
                "attempt": self.attempt,
                "ending": ending.id if ending else None, "completed": ending is not None}

    def _go(self, stage: str, event) -> None:
        self.stage = stage
        self.saver.commit(event, self._state())
        self._focus = True
        try:
            self.render()
        finally:
            self._focus = False

    def _mark(self, markup):
        """``markup``, marked for focus when drawn in answer to an action (the learner's
        next step: the narrative, the feedback, the ending), as it is when restored."""
        return focus_mark(markup) if self._focus else markup

    # actions (also used by tests and notebooks)

    def start(self) -> None:
        self._go("play", Started(attempt=self.attempt))

    def skip(self) -> None:
        self._go("skipped", Skipped(attempt=self.attempt))

    def pause(self) -> None:
        self.resume_stage = self.stage if self.stage in ("play", "feedback") else "play"
        self._go("paused", Paused(attempt=self.attempt))

    def resume(self) -> None:
        self._go(self.resume_stage, Resumed(attempt=self.attempt))

    def choose(self, choice_id: str) -> Step:
        node_id = self.session.position
        step = self.session.choose(choice_id)
        self._go("feedback", ChoiceMade(node=node_id, choice=choice_id,
                                        honours=tuple(step.choice.honours),
                                        breaks=tuple(step.choice.breaks), attempt=self.attempt))
        return step

    def carry_on(self) -> None:
        if self.session.finished:
            self._go("ending", EndingReached(ending=self.session.ending.id,
                                             choices=tuple(self.session.choice_ids),
                                             attempt=self.attempt))
        else:
            self._go("play", Continued(attempt=self.attempt))

    def back(self) -> None:
        step = self.session.back()
        self._go("play", WentBack(choice=step.choice_id if step else None,
                                  attempt=self.attempt))

    def play_again(self) -> None:
        if getattr(self, "form", None) is not None:
            self.form.drafts.cancel()
        self.session.restart()
        self.attempt += 1
        self.reflection_id, self.draft = None, {}
        self._go("play", Restarted(attempt=self.attempt))

    def _keep_draft(self, answers: dict) -> None:
        self.draft = answers
        self.saver.commit(DraftKept(prompt_set=self.reflection.id, answers=answers,
                                    attempt=self.attempt), self._state())

    def _save_reflection(self, answers: dict) -> str:
        ending = self.session.ending
        context = {"title": self.case.title, "choices": [
            {"node": s.node_id, "choice": s.choice.label} for s in self.session.history],
            "ending": ending.title if ending else None,
            "summary": ending.measure_text() if ending else None}
        self.reflection_id = self.tracker.save_reflection(
            self.reflection.id, answers, context, self.reflection_id)
        self.draft = answers
        self.saver.commit(DraftKept(prompt_set=self.reflection.id, answers=answers,
                                    attempt=self.attempt), self._state())
        return "Reflection saved. You can change it and save again at any time."

    # drawing

    def render(self) -> None:
        getattr(self, f"_draw_{self.stage}")()

    def _toolbar(self, *, back: bool = True) -> W.HBox:
        items = []
        if back:
            back_button = button("Go back a step", "msp-back")
            back_button.disabled = not self.session.history
            back_button.on_click(lambda _: self.back())
            items.append(back_button)
        pause = button("Pause (your place is saved)", "msp-pause")
        pause.on_click(lambda _: self.pause())
        items.append(pause)
        bar = W.HBox(items)
        bar.add_class("msp-toolbar")
        return bar

    def _draw_note(self) -> None:
        start = button("Start the case study", "msp-start", style="primary")
        start.on_click(lambda _: self.start())
        skip = button("Skip this case study", "msp-skip")
        skip.on_click(lambda _: self.skip())
        self.body.children = [box(self._mark(render.intro(self.case)), "msp-intro"),
                              W.HBox([start, skip])]

    def _draw_play(self) -> None:
        node = self.session.node
        if node is None:  # reached an ending without seeing it (e.g. restored state)
            return self._draw_ending()
        choices = []
        for choice in node.choices:
            b = button(choice.label, "msp-choice", f"msp-choice-{choice.id}")
            b.on_click(lambda _, cid=choice.id: self.choose(cid))
            choices.append(b)
        step_no = len(self.session.history) + 1
        self.body.children = [box(self._mark(render.narrative(node, step_no)), "msp-narrative"),
                              box("<h3>What do you do?</h3>"), W.VBox(choices),
                              self._toolbar()]

    def _draw_feedback(self) -> None:
        choice = self.session.history[-1].choice
        go = button("See how it ends" if self.session.finished else "Continue", "msp-continue",
                    style="primary")
        go.on_click(lambda _: self.carry_on())
        again = button("Go back and choose again", "msp-back")
        again.on_click(lambda _: self.back())
        self.body.children = [box(self._mark(render.choice_feedback(choice)),
                                  "msp-choice-feedback"),
                              W.HBox([go, again])]

    def _draw_ending(self) -> None:
        again = button("Play again from the start", "msp-restart")
        again.on_click(lambda _: self.play_again())
        children = [box(self._mark(render.ending(self.case, self.session.ending,
                                                 self.session.summary())), "msp-ending")]
        if self.reflection is not None:
            self.form = ReflectionForm(self.reflection, answers=self.draft,
                                       on_draft=self._keep_draft, on_save=self._save_reflection)
            children.append(self.form.widget)
        self.body.children = [*children, again]

    def _draw_paused(self) -> None:
        resume = button("Resume the case study", "msp-resume", style="primary")
        resume.on_click(lambda _: self.resume())
        self.body.children = [box(self._mark(Markup(
            "<h2>Paused</h2><p role='status'>Your place is saved. Take the time you need; come "
            "back to this page whenever you are ready.</p>")), "msp-paused"), resume]

    def _draw_skipped(self) -> None:
        start = button("Start it after all", "msp-start")
        start.on_click(lambda _: self.start())
        self.body.children = [box(self._mark(Markup(
            "<h2>Skipped</h2><p role='status'>You chose to skip this case study. That is fine: "
            "look after yourself, and talk to your supervisor or trainer if it raised "
            "something for you.</p>")), "msp-skipped"), start]
