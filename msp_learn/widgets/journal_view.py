"""Reflection journal: prompts from a chosen model, linked to an activity, and a CPD download."""

from __future__ import annotations

import base64

import ipywidgets as W

from msp_learn.schemas import ReflectionSet
from msp_learn.widgets._common import MemoryTracker, StoreTracker, Tracker, app_root, box, button
from msp_learn.widgets.reflection_form import ReflectionForm

KIND = "journal"
GENERAL = "general"


class JournalView:
    """Write reflections against any model; link each to an activity the learner has done."""

    def __init__(self, prompt_sets: list[ReflectionSet], *, tracker: Tracker | None = None,
                 activities: list[tuple[str, str]] | None = None, catalogue=None) -> None:
        if not prompt_sets:
            raise ValueError("the journal needs at least one reflection prompt set")
        self.sets = {p.id: p for p in prompt_sets}
        self.tracker = tracker or MemoryTracker()
        self.catalogue = catalogue
        options = [("A general reflection", GENERAL)] + list(activities or [])
        state = self.tracker.load(KIND, "journal") or {}
        field = dict(style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        self.model = W.Dropdown(options=[(p.title, p.id) for p in prompt_sets],
                                value=state.get("model") if state.get("model") in self.sets
                                else prompt_sets[0].id, description="Model of reflection", **field)
        self.activity = W.Dropdown(options=options, value=state.get("activity") if state.get(
            "activity") in dict(map(reversed, options)) else GENERAL,
            description="What are you reflecting on?", **field)
        self.drafts: dict[str, dict] = state.get("drafts", {})
        self.saved_ids: dict[str, int] = state.get("saved_ids", {})
        self.form_area = W.VBox()
        self.download = box("", "msp-download")
        self.download_button = button("Prepare my CPD record (HTML)", "msp-cpd")
        self.download_button.on_click(lambda _: self.prepare_download())
        self.model.observe(lambda _: self._switch(), names="value")
        self.activity.observe(lambda _: self._switch(), names="value")
        header = box("<h1>Reflection journal</h1><p>Choose a model of reflection and what you "
                     "are reflecting on. Your words are kept as you write them.</p>")
        cpd = box("<h2>Your CPD record</h2><p>A record of your activities and reflections, set "
                  "out the way social workers record CPD, with space for peer reflection.</p>")
        self.widget = app_root(header, self.model, self.activity, self.form_area, cpd,
                               self.download_button, self.download, name="journal")
        self._switch(record=False)

    @property
    def key(self) -> str:
        return f"{self.model.value}|{self.activity.value}"

    def _state(self) -> dict:
        return {"model": self.model.value, "activity": self.activity.value,
                "drafts": self.drafts, "saved_ids": self.saved_ids}

    def _switch(self, record: bool = True) -> None:
        prompt_set = self.sets[self.model.value]
        self.form = ReflectionForm(prompt_set, answers=self.drafts.get(self.key, {}),
                                   on_draft=self._keep_draft, on_save=self._save_reflection)
        self.form_area.children = [self.form.widget]
        if record:
            self.tracker.save(KIND, "journal", self._state())

    def _keep_draft(self, answers: dict) -> None:
        self.drafts[self.key] = answers
        self.tracker.save(KIND, "journal", self._state())

    def _save_reflection(self, answers: dict) -> str:
        kind, _, ident = self.activity.value.partition(":")
        if self.activity.value == GENERAL:
            kind, ident = KIND, GENERAL
        label = dict((v, k) for k, v in self.activity.options)[self.activity.value]
        reflection_id = self.tracker.save_reflection(
            kind, ident, self.model.value, answers, {"title": label}, self.saved_ids.get(self.key))
        self.saved_ids[self.key] = reflection_id
        self.drafts[self.key] = answers
        self.tracker.save(KIND, "journal", self._state())
        return "Reflection saved to your journal."

    def prepare_download(self) -> str:
        """Build the CPD record and offer it as a download link (a data: URL, no network)."""
        if not isinstance(self.tracker, StoreTracker):
            self.download.value = ("<p role='status'>The CPD record needs a saved learner "
                                   "(open the journal from the gallery with your name).</p>")
            return ""
        from msp_learn.cpd import cpd_record
        from msp_learn.store import NotFoundError

        try:
            html = cpd_record(self.tracker.store, self.tracker.learner.name, fmt="html",
                              catalogue=self.catalogue)
        except NotFoundError:
            self.download.value = ("<p role='status'>Nothing to put in a CPD record yet: finish "
                                   "an activity or save a reflection first.</p>")
            return ""
        data = base64.b64encode(html.encode("utf-8")).decode("ascii")
        self.download.value = (
            "<p role='status'>Your CPD record is ready. "
            f"<a download='cpd-record.html' href='data:text/html;charset=utf-8;base64,{data}'>"
            "Download my CPD record (HTML)</a></p>")
        return html


def activity_options(store_progress) -> list[tuple[str, str]]:
    """(label, 'kind:id') for each activity the learner has progress on."""
    return [(f"{p.state.get('title') or p.activity_id} ({p.activity_kind.replace('-', ' ')})",
             f"{p.activity_kind}:{p.activity_id}") for p in store_progress
            if p.activity_kind != KIND]


