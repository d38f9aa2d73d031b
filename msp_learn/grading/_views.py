"""Assessment-mode views: the kit's widgets with no feedback, answers saved to the answers file.

Each view reads its saved answer when it is built (so running the cell again restores it) and
writes only when the learner acts; it never raises into the notebook (a problem becomes a
plain message in the view), so "Run All" never stops.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from msp_learn.grading._answers import AnswersFileTracker, Event, StaleError
from msp_learn.grading._widgets import app_root, box, button, esc
from msp_learn.html import bullets, paras

SAVED = "Saved. You will see how you did when your work is returned."
NOT_SAVED = ("Kept while this notebook runs, not saved: this is the course's own copy of the "
             "assignment.")


class _AssessedView:
    """Shared saving: commit the state, show 'Saved' or a plain message."""

    def __init__(self, tracker: AnswersFileTracker) -> None:
        self.tracker = tracker
        self.status = box("", "msp-assessed-status")
        self.status.layout = W.Layout(min_height="1.5em")
        try:
            self.state = dict(tracker.load().state or {})
        except OSError as exc:  # an unreadable folder: the learner can still see the task
            self.state = {}
            self._say(f"Your earlier answers could not be read ({exc.strerror}).")

    def _say(self, text: str) -> None:
        self.status.value = f'<p role="status">{esc(text)}</p>'

    def _said_saved(self) -> None:
        self._say(SAVED if getattr(self.tracker, "keeps_work", True) else NOT_SAVED)

    def _save(self, event: str, **changes) -> bool:
        state = {**self.state, **changes}
        try:
            self.tracker.commit(Event(event, dict(changes)), state)
        except StaleError as exc:
            self._say(str(exc))
            return False
        except OSError as exc:
            self._say(f"Your answer could not be saved ({exc.strerror}). Check that the "
                      "assignment folder can be written to, then answer again.")
            return False
        self.state = state
        self._said_saved()
        return True


class MythAnswerView(_AssessedView):
    """A statement and two buttons: 'It's a myth' / 'It's true'."""

    CHOICES = (("myth", "It's a myth"), ("reality", "It's true"))

    def __init__(self, item_id: str, statement: str, tracker: AnswersFileTracker) -> None:
        super().__init__(tracker)
        self.item_id = item_id
        self.buttons = {}
        for value, label in self.CHOICES:
            b = button(label, f"msp-answer-{value}")
            b.on_click(lambda _b, v=value: self.choose(v))
            self.buttons[value] = b
        self._paint()
        self.widget = app_root(box(f'<p class="msp-statement">{esc(statement)}</p>'),
                               W.HBox(list(self.buttons.values())), self.status, name="assessed")

    def _paint(self) -> None:
        said = self.state.get("said")
        for value, b in self.buttons.items():
            b.button_style = "info" if value == said else ""
            b.icon = "check" if value == said else ""
        if said in dict(self.CHOICES):
            self._say(f"Your answer: {dict(self.CHOICES)[said]}. You can change it until you "
                      "submit.")

    def choose(self, said: str) -> None:
        if said not in dict(self.CHOICES):
            return self._say("That is not one of the answers.")
        if self._save("answer", said=said):
            self._paint()
            self._said_saved()


def _dropdown(label: str, options: Sequence[tuple[str, object]], value) -> W.Dropdown:
    known = [v for _, v in options]
    return W.Dropdown(options=[("Choose...", None), *options], description=label,
                      value=value if value in known else None,
                      style={"description_width": "initial"}, layout=W.Layout(width="auto"))


class RiskAnswerView(_AssessedView):
    """The facts of a scenario and three ratings: likelihood, impact, overall level."""

    LIKELIHOOD = ("rare", "unlikely", "possible", "likely", "almost certain")
    IMPACT = ("minimal", "minor", "moderate", "major", "severe")
    LEVELS = (("Low", "low"), ("Medium", "medium"), ("High", "high"),
              ("Very high", "very-high"))

    def __init__(self, scenario_id: str, title: str, facts: Sequence[str],
                 tracker: AnswersFileTracker) -> None:
        super().__init__(tracker)
        self.scenario_id = scenario_id
        scale = lambda names: [(f"{i} ({n})", i) for i, n in enumerate(names, 1)]  # noqa: E731
        self.likelihood = _dropdown("How likely is harm?", scale(self.LIKELIHOOD),
                                    self.state.get("likelihood"))
        self.impact = _dropdown("How serious would it be?", scale(self.IMPACT),
                                self.state.get("impact"))
        self.level = _dropdown("Overall level of risk", self.LEVELS, self.state.get("level"))
        for field, widget in (("likelihood", self.likelihood), ("impact", self.impact),
                              ("level", self.level)):
            # observers go on after the saved values are set: building the view never writes
            widget.observe(lambda ch, f=field: self.rate(**{f: ch["new"]}), names="value")
        self.widget = app_root(
            box(f"<h3>{esc(title)}</h3><p>What you know:</p>{bullets(facts)}"),
            self.likelihood, self.impact, self.level, self.status, name="assessed")

    def rate(self, **ratings) -> None:
        """Record one or more ratings (likelihood=1..5, impact=1..5, level=low..very-high)."""
        self._save("rate", **ratings)
        for field, value in ratings.items():  # keep the controls in step when called directly
            widget = getattr(self, field)
            if widget.value != value:
                with widget.hold_trait_notifications():
                    widget.unobserve_all("value")
                    widget.value = value
                    widget.observe(lambda ch, f=field: self.rate(**{f: ch["new"]}),
                                   names="value")


class CaseWalkView(_AssessedView):
    """A branching case study walked without feedback; the path taken is recorded."""

    def __init__(self, case: dict, tracker: AnswersFileTracker) -> None:
        super().__init__(tracker)
        self.case = case
        self.nodes = {n["id"]: n for n in case["nodes"]}
        self.endings = {e["id"]: e for e in case["endings"]}
        self.body = W.VBox()
        self.widget = app_root(box(f"<h3>{esc(case['title'])}</h3>{paras(case['setting'])}"),
                               self.body, self.status, name="assessed")
        self._draw()

    @property
    def path(self) -> list[str]:
        return list(self.state.get("path") or [])

    def _where(self) -> tuple[dict | None, dict | None]:
        """The node the learner is at (or the ending reached), replaying the saved path."""
        node, ending = self.nodes.get(self.case["start"]), None
        for choice_id in self.path:
            choice = next((c for c in (node or {}).get("choices", []) if c["id"] == choice_id),
                          None)
            if choice is None:
                break
            node, ending = self.nodes.get(choice["next"]), self.endings.get(choice["next"])
            if ending:
                break
        return node, ending

    def _draw(self) -> None:
        node, ending = self._where()
        restart = button("Start again", "msp-restart")
        restart.on_click(lambda _: self.restart())
        if ending is not None:
            self.body.children = [box(f"<h4>{esc(ending['title'])}</h4>{paras(ending['text'])}"
                                      "<p>You have reached an ending. Now write your analysis "
                                      "below.</p>"), restart]
            return
        if node is None:
            self.body.children = [box("<p>This case study could not be shown. Tell your "
                                      "assessor.</p>")]
            return
        buttons = []
        for choice in node["choices"]:
            b = button(choice["label"], f"msp-choice-{choice['id']}")
            b.on_click(lambda _b, c=choice["id"]: self.choose(c))
            buttons.append(b)
        heading = f"<h4>{esc(node['title'])}</h4>" if node.get("title") else ""
        self.body.children = [box(heading + paras(node["text"])), W.VBox(buttons)] + (
            [restart] if self.path else [])

    def choose(self, choice_id: str) -> None:
        node, ending = self._where()
        if ending is not None or node is None or choice_id not in {
                c["id"] for c in node["choices"]}:
            return self._say("That choice is not available here.")
        if self._save("choose", path=[*self.path, choice_id]):
            self._draw()

    def restart(self) -> None:
        if self._save("restart", path=[]):
            self._draw()


class WrittenAnswersView(_AssessedView):
    """Written answers to a list of prompts (a reflection, or a case-study analysis)."""

    def __init__(self, prompts: Sequence[dict], tracker: AnswersFileTracker,
                 title: str = "Your reflection") -> None:
        super().__init__(tracker)
        saved = self.state.get("answers") if isinstance(self.state.get("answers"), dict) else {}
        self.areas: dict[str, W.Textarea] = {}
        rows = [box(f"<h3>{esc(title)}</h3>")]
        for p in prompts:
            area = W.Textarea(value=str(saved.get(p["id"], "")), continuous_update=False,
                              placeholder=p.get("hint") or "", description="Your answer",
                              layout=W.Layout(width="100%", height="8em"))
            area.observe(lambda ch, pid=p["id"]: self.write(pid, ch["new"]), names="value")
            self.areas[p["id"]] = area
            rows += [box(f'<p class="msp-prompt">{esc(p["text"])}</p>'), area]
        self.widget = app_root(*rows, self.status, name="assessed")

    def write(self, prompt_id: str, text: str) -> None:
        answers = dict(self.state.get("answers") or {})
        answers[prompt_id] = str(text)
        self._save("write", answers=answers)
