"""Case-study player: content note, narrative, choices with feedback, go back, ending, reflection."""

from __future__ import annotations

import ipywidgets as W

from msp_learn.engine import InvalidChoice, ScenarioSession, Step
from msp_learn.schemas import CaseStudy, ReflectionSet
from msp_learn.vocab import vocabulary
from msp_learn.widgets._common import (
    MemoryTracker,
    Tracker,
    app_root,
    box,
    bullets,
    button,
    esc,
    paras,
)
from msp_learn.widgets.reflection_form import ReflectionForm

KIND = "case-study"
STAGES = ("note", "play", "feedback", "ending", "paused", "skipped")


def _labels(vocab: str, ids) -> str:
    v = vocabulary(vocab)
    return ", ".join(v.label(i) for i in ids)


class CaseStudyView:
    """Draws a :class:`ScenarioSession`; every choice is saved the moment it is made."""

    def __init__(self, case: CaseStudy, *, reflection: ReflectionSet | None = None,
                 tracker: Tracker | None = None) -> None:
        self.case, self.reflection = case, reflection
        self.tracker = tracker or MemoryTracker()
        self.header = box(f"<h1>{esc(case.title)}</h1>")
        self.body = W.VBox()
        self.widget = app_root(self.header, self.body, name="case-study")
        state = self.tracker.load(KIND, case.id) or {}
        try:
            self.session = ScenarioSession.replay(case, state.get("choices", []))
        except InvalidChoice:  # the case study changed since: start again, keep the log
            self.session, state = ScenarioSession(case), {}
        self.stage = state.get("stage") if state.get("stage") in STAGES else "note"
        self.resume_stage = state.get("resume_stage", "play")
        self.draft = state.get("draft", {})
        self.reflection_id = state.get("reflection_id")
        if self.stage == "ending" and not self.session.finished:
            self.stage = "play"
        self.render()

    # state

    def _save(self) -> None:
        ending = self.session.ending
        self.tracker.save(KIND, self.case.id, {
            "choices": self.session.choice_ids, "stage": self.stage,
            "resume_stage": self.resume_stage, "draft": self.draft,
            "reflection_id": self.reflection_id, "title": self.case.title,
            "ending": ending.id if ending else None, "completed": ending is not None})

    def _go(self, stage: str) -> None:
        self.stage = stage
        self._save()
        self.render()

    # actions (also used by tests and notebooks)

    def start(self) -> None:
        self.tracker.record(KIND, self.case.id, "start", {})
        self._go("play")

    def skip(self) -> None:
        self.tracker.record(KIND, self.case.id, "skip", {})
        self._go("skipped")

    def pause(self) -> None:
        self.resume_stage = self.stage if self.stage in ("play", "feedback") else "play"
        self.tracker.record(KIND, self.case.id, "pause", {})
        self._go("paused")

    def resume(self) -> None:
        self._go(self.resume_stage)

    def choose(self, choice_id: str) -> Step:
        node_id = self.session.position
        step = self.session.choose(choice_id)
        self.tracker.record(KIND, self.case.id, "choice", {
            "node": node_id, "choice": choice_id, "honours": list(step.choice.honours),
            "breaks": list(step.choice.breaks)})
        self._go("feedback")
        return step

    def carry_on(self) -> None:
        if self.session.finished:
            self.tracker.record(KIND, self.case.id, "ending", {
                "ending": self.session.ending.id, "choices": self.session.choice_ids})
            self._go("ending")
        else:
            self._go("play")

    def back(self) -> None:
        step = self.session.back()
        if step is not None:
            self.tracker.record(KIND, self.case.id, "back", {"choice": step.choice_id})
        self._go("play")

    def play_again(self) -> None:
        self.session.restart()
        self.tracker.record(KIND, self.case.id, "restart", {})
        self.reflection_id, self.draft = None, {}
        self._go("play")

    def _keep_draft(self, answers: dict) -> None:
        self.draft = answers
        self._save()

    def _save_reflection(self, answers: dict) -> str:
        ending = self.session.ending
        context = {"title": self.case.title, "choices": [
            {"node": s.node_id, "choice": s.choice.label} for s in self.session.history],
            "ending": ending.title if ending else None,
            "summary": ending.measure_text() if ending else None}
        self.reflection_id = self.tracker.save_reflection(
            KIND, self.case.id, self.reflection.id, answers, context, self.reflection_id)
        self.draft = answers
        self._save()
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
        c, p = self.case, self.case.person
        start = button("Start the case study", "msp-start", style="primary")
        start.on_click(lambda _: self.start())
        skip = button("Skip this case study", "msp-skip")
        skip.on_click(lambda _: self.skip())
        self.body.children = [box(
            f"<p>{esc(c.summary)}</p>"
            f"<div class='msp-note' role='note'><h2>Content note</h2>{paras(c.content_note)}"
            "<p>You can pause or leave at any point; your place is kept.</p></div>"
            f"<h2>Meet {esc(p.name)}</h2><p>{esc(p.name)}, {p.age}. {esc(p.about)}</p>"
            + (f"<p><strong>Strengths:</strong> {esc(', '.join(p.strengths))}</p>"
               if p.strengths else "")
            + f"<p><strong>Your role:</strong> {esc(c.practitioner_role)}. {esc(c.setting)}</p>"
            f"<p>About {c.minutes} minutes.</p>", "msp-intro"), W.HBox([start, skip])]

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
        title = f"<h2>{esc(node.title)}</h2>" if node.title else f"<h2>Step {step_no}</h2>"
        self.body.children = [box(title + paras(node.text), "msp-narrative"),
                              box("<h3>What do you do?</h3>"), W.VBox(choices),
                              self._toolbar()]

    def _draw_feedback(self) -> None:
        step = self.session.history[-1]
        c = step.choice
        lines = ["<div class='msp-feedback' role='status' aria-live='polite'>",
                 f"<h2>Your choice</h2><p><strong>{esc(c.label)}</strong></p>",
                 f"<h3>Feedback</h3>{paras(c.feedback)}"]
        if c.honours:
            lines.append(f"<p><strong>Principles honoured:</strong> "
                         f"{esc(_labels('principles', c.honours))}</p>")
        if c.breaks:
            lines.append(f"<p><strong>Principles at risk:</strong> "
                         f"{esc(_labels('principles', c.breaks))}</p>")
        if c.mca:
            lines.append(f"<p><strong>Mental Capacity Act:</strong> "
                         f"{esc(_labels('mca_principles', c.mca))}</p>")
        lines.append("</div>")
        go = button("See how it ends" if self.session.finished else "Continue", "msp-continue",
                    style="primary")
        go.on_click(lambda _: self.carry_on())
        again = button("Go back and choose again", "msp-back")
        again.on_click(lambda _: self.back())
        self.body.children = [box("".join(lines), "msp-choice-feedback"), W.HBox([go, again])]

    def _draw_ending(self) -> None:
        e, summary = self.session.ending, self.session.summary()
        name, first = esc(self.case.person.name), esc(self.case.person.name.split()[0])
        unasked = {
            "not-asked": f"On this path nobody asked {first} what they wanted, so these outcomes "
                         "were never recorded and cannot be rated.",
            "dont-know": f"No one knows whether {first} was asked what they wanted, so these "
                         "outcomes cannot be rated."}.get(e.outcomes_asked)
        unasked = f"<p class='msp-unasked'>{unasked}</p>" if unasked else ""
        measure = " ".join(f"<strong>{esc(step)}:</strong> {esc(answer)}."
                           for step, answer in e.measure())
        principles = ""
        if summary.honoured:
            principles += (f"<p><strong>Principles you honoured:</strong> "
                           f"{esc(_labels('principles', summary.honoured))}</p>")
        if summary.broken:
            principles += (f"<p><strong>Principles put at risk:</strong> "
                           f"{esc(_labels('principles', summary.broken))}</p>")
        html = (f"<h2>Ending: {esc(e.title)}</h2>{paras(e.text)}"
                f"<h3>What {name} wants</h3>{bullets(self.case.desired_outcomes)}{unasked}"
                f"<p class='msp-outcome'>{measure}</p>"
                f"<h3>Learning</h3>{paras(e.learning)}{principles}")
        again = button("Play again from the start", "msp-restart")
        again.on_click(lambda _: self.play_again())
        children = [box(html, "msp-ending")]
        if self.reflection is not None:
            self.form = ReflectionForm(self.reflection, answers=self.draft,
                                       on_draft=self._keep_draft, on_save=self._save_reflection)
            children.append(self.form.widget)
        self.body.children = [*children, again]

    def _draw_paused(self) -> None:
        resume = button("Resume the case study", "msp-resume", style="primary")
        resume.on_click(lambda _: self.resume())
        self.body.children = [box("<h2>Paused</h2><p role='status'>Your place is saved. Take the "
                                  "time you need; come back to this page whenever you are "
                                  "ready.</p>", "msp-paused"), resume]

    def _draw_skipped(self) -> None:
        start = button("Start it after all", "msp-start")
        start.on_click(lambda _: self.start())
        self.body.children = [box("<h2>Skipped</h2><p role='status'>You chose to skip this case "
                                  "study. That is fine: look after yourself, and talk to your "
                                  "supervisor or trainer if it raised something for you.</p>",
                                  "msp-skipped"), start]
