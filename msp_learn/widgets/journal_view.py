"""Reflection journal: prompts from a chosen model, linked to an activity, and the CPD record to
download as a Word document, a web page or Markdown (the formats of ``msp-learn cpd-record``)."""

from __future__ import annotations

import ipywidgets as W

from msp_learn.activities import ACTIVITIES, activity
from msp_learn.events import DraftKept, Edited
from msp_learn.html import reflection as render
from msp_learn.html import status
from msp_learn.schemas import ReflectionSet
from msp_learn.tracking import Tracker
from msp_learn.widgets._common import Saver, app_root, box, button, focus_mark
from msp_learn.widgets.reflection_form import ReflectionForm

JOURNAL = ACTIVITIES["journal"]
KIND = JOURNAL.kind
GENERAL = "general"


class JournalView:
    """Write reflections against any model; link each to an activity the learner has done."""

    def __init__(self, prompt_sets: list[ReflectionSet], *, tracker: Tracker | None = None,
                 activities: list[tuple[str, str]] | None = None, catalogue=None) -> None:
        if not prompt_sets:
            raise ValueError("the journal needs at least one reflection prompt set")
        self.sets = {p.id: p for p in prompt_sets}
        self.saver = Saver(tracker, KIND, JOURNAL.default_id)
        self.tracker = self.saver.tracker
        self.catalogue = catalogue
        options = [("A general reflection", GENERAL)] + list(activities or [])
        state = self.saver.load()
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
        self.download_button = button("Prepare my CPD record", "msp-cpd")
        self.download_button.on_click(lambda _: self.prepare_download())
        self.model.observe(lambda c: self._switch(Edited(field_name="model", value=c["new"])),
                           names="value")
        self.activity.observe(
            lambda c: self._switch(Edited(field_name="activity", value=c["new"])), names="value")
        header = box("<h1>Reflection journal</h1><p>Choose a model of reflection and what you "
                     "are reflecting on. Your words are kept as you write them.</p>")
        cpd = box("<h2>Your CPD record</h2><p>A record of your activities and reflections, set "
                  "out the way social workers record CPD, with space for peer reflection. "
                  "Download it as a Word document, a web page or Markdown text.</p>")
        self.widget = app_root(self.saver.alert, header, self.model, self.activity,
                               self.form_area, cpd, self.download_button, self.download,
                               name="journal")
        self._switch()

    @property
    def key(self) -> str:
        return f"{self.model.value}|{self.activity.value}"

    def _state(self) -> dict:
        return {"model": self.model.value, "activity": self.activity.value,
                "drafts": self.drafts, "saved_ids": self.saved_ids}

    def _switch(self, event: Edited | None = None) -> None:
        old = getattr(self, "form", None)
        if old is not None and old.drafts.pending:  # a draft typed just before switching
            old.drafts.cancel()
            self.drafts[self._shown] = old.answers
        prompt_set = self.sets[self.model.value]
        self._shown = self.key
        self.form = ReflectionForm(prompt_set, answers=self.drafts.get(self.key, {}),
                                   on_draft=self._keep_draft, on_save=self._save_reflection)
        self.form_area.children = [self.form.widget]
        if event is not None:
            self.saver.commit(event, self._state())

    def _keep_draft(self, answers: dict) -> None:
        self.drafts[self.key] = answers
        self.saver.commit(DraftKept(prompt_set=self.model.value, answers=answers),
                          self._state())

    def _save_reflection(self, answers: dict) -> str:
        kind, _, ident = self.activity.value.partition(":")
        if self.activity.value == GENERAL:
            kind, ident = KIND, GENERAL
        reflection_id = self.tracker.for_activity(kind, ident).save_reflection(
            self.model.value, answers, {"title": self._title(kind, ident)},
            self.saved_ids.get(self.key))
        self.saved_ids[self.key] = reflection_id
        self.drafts[self.key] = answers
        self.saver.commit(DraftKept(prompt_set=self.model.value, answers=answers),
                          self._state())
        return "Reflection saved to your journal."

    def _title(self, kind: str, ident: str) -> str:
        """The title of what the reflection is on, as the CPD record heads it: the content's
        own title, not the list's label with its kind ('... (risk scenario)')."""
        label = dict((v, k) for k, v in self.activity.options)[self.activity.value]
        if self.activity.value == GENERAL:
            return label
        try:
            return str(self.catalogue.get(kind, ident).title)
        except (AttributeError, KeyError):
            return label.removesuffix(f" ({activity(kind).label})")

    def prepare_download(self) -> str:
        """Build the CPD record and offer it to download as docx, html and md (data: URLs, no
        network); focus moves to the links. Returns the HTML record ('' when there is none)."""
        if not self.tracker.keeps_work:
            self.download.value = focus_mark(status(
                "The CPD record needs a saved learner (open the journal from the gallery "
                "with your name)."))
            return ""
        records = {fmt: self.tracker.cpd_record(self.catalogue, fmt)
                   for fmt in ("docx", "html", "md")}
        if records["html"] is None:
            self.download.value = focus_mark(render.nothing_yet())
            return ""
        self.download.value = focus_mark(render.downloads(records))
        return records["html"]


def activity_options(store_progress) -> list[tuple[str, str]]:
    """(label, 'kind:id') for each activity the learner has progress on."""
    return [(f"{p.state.get('title') or p.activity_id} ({activity(p.activity_kind).label})",
             f"{p.activity_kind}:{p.activity_id}") for p in store_progress
            if p.activity_kind != KIND]


