"""A form for one reflection prompt set: drafts kept while typing, then saved."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from msp_learn.html import error_summary, status
from msp_learn.html import reflection as render
from msp_learn.schemas import ReflectionSet
from msp_learn.widgets._common import box, button, focus_mark

#: Seconds after the last keystroke before a draft is kept.
DRAFT_DELAY = 1.0

Schedule = Callable[[float, Callable[[], None]], Any]


def call_later(delay: float, action: Callable[[], None]) -> Any:
    """Run ``action`` after ``delay`` seconds on the kernel's event loop (the loop that runs
    widget callbacks, so the action may touch widgets); returns a handle with ``cancel()``.
    Outside a kernel (plain Python, tests, where another library's loop may be running
    that nobody will spin for us) there is no pause to time: returns None after running
    ``action`` at once."""
    loop = _kernel_loop()
    if loop is None:
        action()
        return None
    return loop.call_later(delay, action)


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop, when it is an IPython kernel's; else None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Debounce:
    """Runs ``action`` once, ``delay`` seconds after the last :meth:`poke`."""

    def __init__(self, action: Callable[[], None], delay: float = DRAFT_DELAY,
                 schedule: Schedule | None = None) -> None:
        self.action, self.delay, self.schedule = action, delay, schedule
        self._pending: Any = None

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def poke(self) -> None:
        self.cancel()
        self._pending = (self.schedule or call_later)(self.delay, self._fire)

    def _fire(self) -> None:
        self._pending = None
        self.action()

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def flush(self) -> None:
        """Run a pending action now."""
        if self._pending is not None:
            self.cancel()
            self.action()


class ReflectionForm:
    """Text boxes for each prompt of ``prompt_set``.

    ``on_draft(answers)`` is called about ``delay`` seconds after the learner stops typing
    (the boxes send every change to the kernel), so a draft is kept without leaving the box;
    ``on_save(answers)`` when the learner presses Save, and returns a status.
    """

    def __init__(self, prompt_set: ReflectionSet, *, answers: dict[str, str] | None = None,
                 on_draft: Callable[[dict], None] | None = None,
                 on_save: Callable[[dict], str] | None = None, delay: float = DRAFT_DELAY,
                 schedule: Schedule | None = None) -> None:
        self.prompt_set = prompt_set
        self.on_draft, self.on_save = on_draft, on_save
        self.drafts = Debounce(self._keep, delay, schedule)
        answers = answers or {}
        self.header = box(render.form_header(prompt_set))
        self.boxes: dict[str, W.Textarea] = {}
        for prompt in prompt_set.prompts:
            area = W.Textarea(value=answers.get(prompt.id, ""), description=prompt.text,
                              placeholder=prompt.hint or "", continuous_update=True,
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
            self.drafts.poke()

    def _keep(self) -> None:
        self.on_draft(self.answers)
        self.status.value = status("Draft kept.")

    def save(self) -> None:
        if not any(text.strip() for text in self.answers.values()):
            self.drafts.flush()
            self.status.value = focus_mark(error_summary(
                "Write something in at least one box before saving."))
            return
        self.drafts.cancel()
        message = self.on_save(self.answers) if self.on_save else "Saved."
        self.status.value = focus_mark(status(message))
