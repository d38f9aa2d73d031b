"""A form for one reflection prompt set: drafts kept as they are typed, then saved."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from msp_learn.schemas import ReflectionSet
from msp_learn.vocab import vocabulary
from msp_learn.widgets._common import box, button, esc


class ReflectionForm:
    """Text boxes for each prompt of ``prompt_set``.

    ``on_draft(answers)`` is called whenever an answer changes (when the box loses focus), so a
    draft is never lost; ``on_save(answers)`` when the learner presses Save and returns a status.
    """

    def __init__(self, prompt_set: ReflectionSet, *, answers: dict[str, str] | None = None,
                 on_draft: Callable[[dict], None] | None = None,
                 on_save: Callable[[dict], str] | None = None) -> None:
        self.prompt_set = prompt_set
        self.on_draft, self.on_save = on_draft, on_save
        answers = answers or {}
        model = vocabulary("reflection_models").label(prompt_set.model)
        self.header = box(f"<h2>Reflect: {esc(prompt_set.title)}</h2>"
                          f"<p>{esc(prompt_set.description)} <em>({esc(model)})</em></p>")
        self.boxes: dict[str, W.Textarea] = {}
        for prompt in prompt_set.prompts:
            area = W.Textarea(value=answers.get(prompt.id, ""), description=prompt.text,
                              placeholder=prompt.hint or "", continuous_update=False,
                              style={"description_width": "initial"},
                              layout=W.Layout(width="100%"))
            area.add_class("msp-prompt")
            area.add_class(f"msp-prompt-{prompt.id}")
            area.observe(self._changed, names="value")
            self.boxes[prompt.id] = area
        self.save_button = button("Save my reflection", "msp-save-reflection", style="primary")
        self.save_button.on_click(lambda _: self.save())
        self.status = box("", "msp-status", "msp-reflection-status")
        self.widget = W.VBox([self.header, *self.boxes.values(), self.save_button, self.status])

    @property
    def answers(self) -> dict[str, str]:
        return {pid: area.value for pid, area in self.boxes.items()}

    def _changed(self, _change) -> None:
        if self.on_draft:
            self.on_draft(self.answers)
            self.status.value = "<p role='status'>Draft kept.</p>"

    def save(self) -> None:
        if not any(text.strip() for text in self.answers.values()):
            self.status.value = ("<p role='status'>Write something in at least one box "
                                 "before saving.</p>")
            return
        message = self.on_save(self.answers) if self.on_save else "Saved."
        self.status.value = f"<p role='status'>{esc(message)}</p>"
