"""A live room: one :class:`Session` kept in step with the store and with its listeners.

Every change is written to the store before it is applied in memory and announced, so what
the trainer's chart counts is what the store holds. Listeners are plain callables given
``"state"`` (what learners see changed) or ``"tally"`` (only the answers changed); the
server turns those into pushes. Nothing here knows about HTTP.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from msp_learn.store import CodeTakenError, Store, WorkshopStore
from msp_learn.workshop.activities import (
    Activity,
    ActivityError,
    free_text,
    from_case_node,
    from_myth,
    from_risk,
    rating_scale,
)
from msp_learn.workshop.codes import CodeError, clean_code, new_code
from msp_learn.workshop.export import to_csv
from msp_learn.workshop.moderation import WordFilter
from msp_learn.workshop.session import Session, SessionError
from msp_learn.workshop.tally import tally

#: What a trainer gets when they name no activities: one of each kind.
SAMPLE_PLAN = (
    "myth:msp-just-a-chat",
    "myth:nothing-wanted-close-case",
    "case:rosa-ferreira-keeping-paulo",
    "risk:chloe-late-care-visits",
    "scale:How confident are you asking a person what outcomes they want?",
    "cloud:In one word, what does a good outcome look like to the person?",
)
PLAN_KINDS = ("myth", "case", "risk", "scale", "text", "cloud")
#: The activity kind a linked participant's workshop is kept under in their own progress
#: (``msp_learn.activities.LIVE``); the activity id is the join code.
PROGRESS_KIND = "workshop"
Listener = Callable[[str], None]
log = logging.getLogger(__name__)


def parse_plan(items: Iterable[str | dict[str, Any]]) -> list[dict[str, Any]]:
    """Plan items from ``KIND:WHAT`` strings (``myth:ID``, ``case:ID``, ``risk:ID``,
    ``scale:QUESTION``, ``text:QUESTION``, ``cloud:QUESTION``) or dicts as stored."""
    plan = []
    for item in items:
        if isinstance(item, dict):
            plan.append(dict(item))
            continue
        kind, _, what = str(item).partition(":")
        kind, what = kind.strip().lower(), what.strip()
        if kind not in PLAN_KINDS or not what:
            raise ActivityError(f"'{item}' is not an activity: write KIND:WHAT with KIND one of "
                                f"{', '.join(PLAN_KINDS)}, e.g. 'myth:msp-just-a-chat' or "
                                "'scale:How confident are you?'")
        if kind == "cloud":
            plan.append({"text": what, "display": "cloud"})
        elif kind == "text":
            plan.append({"text": what, "display": "list"})
        else:
            plan.append({kind: what})
    if not plan:
        raise ActivityError("a workshop needs at least one activity")
    return plan


def builder(catalogue) -> Callable[[dict[str, Any]], Activity]:
    """Turn plan items into activities using ``catalogue`` (a content Catalogue)."""

    def lookup(kind: str, ident: str):
        try:
            return catalogue.get(kind, ident)
        except KeyError:
            raise ActivityError(f"there is no {kind} '{ident}': 'msp-learn list --kind "
                                f"{kind}' shows the ids") from None

    def build(spec: dict[str, Any]) -> Activity:
        if "myth" in spec:
            return from_myth(lookup("myth", spec["myth"]))
        if "case" in spec:
            case = lookup("case-study", spec["case"])
            return from_case_node(case, spec.get("node") or case.start)
        if "risk" in spec:
            return from_risk(lookup("risk-scenario", spec["risk"]))
        if "scale" in spec:
            return rating_scale(spec["scale"], spec.get("low", 1), spec.get("high", 5),
                                spec.get("low_label", "Not at all"),
                                spec.get("high_label", "Completely"))
        if "text" in spec:
            return free_text(spec["text"], spec.get("display", "list"))
        raise ActivityError(f"unknown plan item {spec!r}")

    return build


class Room:
    """One workshop session, live. Use :meth:`Workshops.start` or :meth:`Workshops.get`."""

    def __init__(self, session: Session, session_id: int, wstore: WorkshopStore,
                 words: WordFilter, linked: dict[int, str] | None = None) -> None:
        self.session = session
        self.id = session_id
        self._wstore = wstore
        self._words = words
        self._secrets: dict[str, int] = {}
        #: participant id -> learner name, for those who chose to link their alias
        self.linked: dict[int, str] = dict(linked or {})
        self.listeners: set[Listener] = set()
        self.versions = {"state": 0, "tally": 0}

    @property
    def code(self) -> str:
        return self.session.code

    def _announce(self, what: str) -> None:
        self.versions[what] += 1
        if what == "state":
            self.versions["tally"] += 1
        for listener in list(self.listeners):
            listener(what)

    def _save(self) -> None:
        self._wstore.save_session(self.id, self.session.to_state(),
                                  ended=self.session.status == "ended")

    # learners

    def join(self, alias: str) -> tuple[int, str]:
        """Add a participant; returns ``(participant id, secret)``. The secret, kept on the
        learner's device, brings them back after a reload. SessionError or CodeError if the
        alias cannot be used."""
        result = self.join_many([alias])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def join_many(self, aliases: list[str]) -> list[tuple[int, str] | Exception]:
        """Add a burst of participants in one store transaction; each result is
        ``(participant id, secret)`` or the SessionError / CodeError saying why that alias
        was refused (the others still join)."""
        results: list[tuple[int, str] | Exception | None] = [None] * len(aliases)
        rows, where, seen = [], [], set()
        for i, alias in enumerate(aliases):
            try:
                clean = self.session.check_alias(alias)
            except (SessionError, CodeError) as exc:
                results[i] = exc
                continue
            if clean.casefold() in seen:
                results[i] = _alias_taken(clean)
                continue
            seen.add(clean.casefold())
            rows.append((clean, secrets.token_urlsafe(24)))
            where.append(i)
        if rows:
            for i, (alias, secret), pid in zip(where, rows, self._wstore.join_many(self.id, rows),
                                               strict=True):
                if pid is None:  # taken meanwhile (another server, or a restart)
                    results[i] = _alias_taken(alias)
                    continue
                self.session.add_participant(pid, alias)
                self._secrets[secret] = pid
                results[i] = (pid, secret)
            self._announce("tally")
        return results  # type: ignore[return-value]

    def who(self, secret: str) -> int | None:
        """The participant holding ``secret``, or None."""
        if not secret:
            return None
        if secret not in self._secrets:
            found = self._wstore.participant(self.id, secret)
            if found is None:
                return None
            self._secrets[secret] = found[0]
        return self._secrets[secret]

    def answer(self, participant_id: int, value: Any, key: str) -> dict[str, Any]:
        """Take one answer (once per key); returns the learner's view with ``duplicate``.
        Raises SessionError when it cannot be taken."""
        result = self.answer_many([(participant_id, value, key)])[0]
        if isinstance(result, SessionError):
            raise result
        return result

    def answer_many(self, answers: list[tuple[int, Any, str]]) -> list[dict | SessionError]:
        """Take a burst of ``(participant, value, key)`` answers in one store transaction.

        Each result is the learner's view (with ``duplicate``) or the SessionError saying
        why that answer was refused; the others are still taken.
        """
        results: list[dict | SessionError | None] = [None] * len(answers)
        rows, where = [], []
        s = self.session
        for i, (participant_id, value, key) in enumerate(answers):
            try:
                clean = s.check_answer(participant_id, value)
            except SessionError as exc:
                results[i] = exc
                continue
            if not isinstance(key, str) or not key:
                results[i] = SessionError("The answer came without its key; reload the page.")
                continue
            text = s.current.kind == "text"
            flagged = text and self._words.flags(clean)
            rows.append((participant_id, s.run, clean, key, "hidden" if text else "shown",
                         flagged))
            where.append(i)
        if rows:
            try:
                writes = self._wstore.answer_many(self.id, rows)
            except ValueError as exc:
                error = SessionError(f"That answer could not be saved: {exc}")
                for i in where:
                    results[i] = error
                return results
            fresh = False
            for row, write in zip(rows, writes, strict=True):
                participant_id, run, clean, _key, status, flagged = row
                if not write.duplicate:
                    s.record(participant_id, run, clean, status=status, flagged=flagged)
                    fresh = True
            for i, row, write in zip(where, rows, writes, strict=True):
                results[i] = {**self.learner_view(row[0]), "duplicate": write.duplicate}
            if fresh:
                self._announce("tally")
                self._sync({row[0] for row, write in zip(rows, writes, strict=True)
                            if not write.duplicate})
        return results

    def learner_view(self, participant_id: int) -> dict[str, Any]:
        return {**self.session.public(), "alias": self.session.participants.get(participant_id),
                "mine": self.session.mine(participant_id),
                "linked": participant_id in self.linked}

    # linking an alias to the learner's own account: only when the learner chooses it

    def link(self, participant_id: int, learner_name: str | None) -> dict[str, Any]:
        """Count this participant's answers in the progress of the learner called
        ``learner_name`` (their own account, as the server signed them in), or stop with
        None (their workshop then leaves their progress). Returns the learner's view."""
        if participant_id not in self.session.participants:
            raise SessionError("You are not in this workshop: join again with the code.")
        if learner_name is None:
            name = self.linked.pop(participant_id, None)
            self._wstore.link(participant_id, None)
            if name is not None:
                self._wstore.save_progress_many(PROGRESS_KIND, self.code, {name: None})
            return self.learner_view(participant_id)
        learner = self._wstore.find_learner(learner_name)
        if learner is None:
            raise SessionError("Your account was not found: sign in to the kit again.")
        other = next((pid for pid, name in self.linked.items()
                      if name == learner.name and pid != participant_id), None)
        if other is not None:
            raise SessionError("Your account is already linked to another name in this "
                               "workshop; unlink that one first.")
        self._wstore.link(participant_id, learner)
        self.linked[participant_id] = learner.name
        self._sync({participant_id})
        return self.learner_view(participant_id)

    def progress_state(self, participant_id: int) -> dict[str, Any]:
        """What a linked participant's own progress keeps of this workshop: each activity
        they answered and their answer (removed free text left out)."""
        s = self.session
        answers = []
        for run in sorted(s.history):
            entry = s.answers.get(run, {}).get(participant_id)
            if entry is None or entry.status == "removed":
                continue
            activity = s.history[run]
            answers.append({"run": run, "kind": activity.kind, "activity": activity.title,
                            "answer": activity.label(entry.value)})
        return {"completed": bool(answers), "title": f"Live workshop: {s.title}",
                "workshop": s.code, "alias": s.participants.get(participant_id),
                "answered": len(answers), "answers": answers}

    def _sync(self, participant_ids) -> None:
        """Bring linked participants' own progress up to date (one transaction). The answers
        are already stored: a failure here is logged and mended by the next sync."""
        names = {self.linked[p]: self.progress_state(p) for p in participant_ids
                 if p in self.linked}
        if not names:
            return
        try:
            self._wstore.save_progress_many(PROGRESS_KIND, self.code, names)
        except Exception:  # noqa: BLE001 - the answer itself was saved
            log.exception("Could not update linked learners' progress for workshop %s",
                          self.code)

    # the trainer

    def control(self, action: str, **options: Any) -> dict[str, Any]:
        """``push`` (with ``index``), ``next`` (optional ``choice``), ``lock``, ``unlock``,
        ``reveal``, ``reset`` or ``end``; returns the trainer's view."""
        s = self.session
        if action == "push":
            try:
                index = int(options.get("index"))
            except (TypeError, ValueError):
                raise SessionError("Say which activity to push (its number).") from None
            s.push(index)
        elif action == "next":
            s.next(options.get("choice") or None)
        elif action in ("lock", "unlock", "reveal", "end"):
            getattr(s, action)()
        elif action == "reset":
            s.reset()
            self._wstore.reset(self.id, s.run)
        else:
            raise SessionError(f"Unknown action '{action}'.")
        self._save()
        self._announce("state")
        if action == "reset":
            self._sync(list(self.linked))
        return self.trainer_view()

    def moderate(self, participant_id: int, status: str) -> dict[str, Any]:
        self.session.moderate(participant_id, status)
        self._wstore.set_status(participant_id, self.session.run, status)
        self._announce("tally")
        self._sync({participant_id})
        return self.trainer_view()

    def trainer_view(self) -> dict[str, Any]:
        """Everything the trainer's screen draws, correct answer included."""
        s = self.session
        view: dict[str, Any] = {**s.public(), "joined": len(s.participants),
                                "plan": [_plan_label(item) for item in s.plan],
                                "position": s.position, "versions": dict(self.versions)}
        current = s.current
        if current is None:
            return {**view, "full": None, "tally": None, "queue": [], "winner": None}
        entries = s.answers.get(s.run, {})
        queue = []
        if current.kind == "text":
            queue = [{"id": pid, "alias": s.participants.get(pid, "?"),
                      "text": self._words.mask(e.value) if e.flagged else e.value,
                      "status": e.status, "flagged": e.flagged}
                     for pid, e in sorted(entries.items()) if e.status != "removed"]
        return {**view, "full": current.to_dict(),
                "tally": tally(current, entries, len(s.participants),
                               revealed=s.revealed).to_dict(),
                "queue": queue, "winner": s.winner() if current.kind == "decision" else None}

    def export_csv(self) -> str:
        """Every current answer in the session, formula-safe (see :mod:`.export`)."""
        rows = []
        for a in self._wstore.answers(self.id):
            activity = self.session.history.get(a.run)
            kind = activity.kind if activity else ""
            rows.append((self.code, a.run, kind, activity.title if activity else "",
                         activity.prompt if activity else "", a.alias, a.value,
                         activity.label(a.value) if activity else a.value,
                         a.status + (" (word filter)" if a.flagged else ""),
                         a.answered_at.isoformat(timespec="seconds")))
        return to_csv(rows)


def _alias_taken(alias: str) -> SessionError:
    return SessionError(f"Someone here is already called '{alias}': add a letter or choose "
                        "another name.")


def _plan_label(spec: dict[str, Any]) -> str:
    for kind in ("myth", "case", "risk", "scale"):
        if kind in spec:
            return f"{kind}: {spec[kind]}"
    if "text" in spec:
        return f"{'word cloud' if spec.get('display') == 'cloud' else 'free text'}: {spec['text']}"
    return str(spec)


class Workshops:
    """Every workshop the server runs, by join code; rooms come back from the store after
    a restart.

    Args:
        store: the kit's one store; catalogue: the content to build activities from.
    """

    def __init__(self, store: Store, catalogue, words: WordFilter | None = None) -> None:
        self._store = store
        self._wstore = WorkshopStore(store)
        self._build = builder(catalogue)
        self._words = words or WordFilter()
        self._rooms: dict[str, Room] = {}

    def start(self, title: str = "Workshop", plan: Iterable[str | dict] = SAMPLE_PLAN) -> Room:
        """A new workshop with a fresh join code. ActivityError if the plan names content
        that does not exist."""
        steps = parse_plan(plan)
        for spec in steps:  # fail now, not in front of the room
            self._build(spec)
        title = " ".join(str(title).split()) or "Workshop"
        if len(title) > 120:
            raise ActivityError("Keep the workshop title under 121 characters.")
        for _ in range(20):
            session = Session(new_code(), title, steps, self._build)
            try:
                session_id = self._wstore.create_session(session.code, title, session.to_state())
            except CodeTakenError:
                continue
            room = Room(session, session_id, self._wstore, self._words)
            self._rooms[session.code] = room
            return room
        raise RuntimeError("could not find a free join code")  # pragma: no cover

    def get(self, typed_code: str) -> Room:
        """The room for a typed code; CodeError when the code is malformed or unknown."""
        code = clean_code(typed_code)
        if code in self._rooms:
            return self._rooms[code]
        row = self._wstore.session(code)
        if row is None:
            raise CodeError(f"There is no workshop with the code {code}: check the trainer's "
                            "screen.")
        session = Session(row.code, row.title, row.state["plan"], self._build)
        session.restore(row.state)
        for pid, alias in self._wstore.participants(row.id):
            session.add_participant(pid, alias)
        for a in self._wstore.answers(row.id):
            session.record(a.participant_id, a.run, a.value, status=a.status, flagged=a.flagged)
        room = self._rooms[code] = Room(session, row.id, self._wstore, self._words,
                                        self._wstore.linked(row.id))
        return room

    def latest(self) -> Room | None:
        """The most recently started workshop that has not ended, or None."""
        for row in self._wstore.sessions():
            if row.ended_at is None:
                return self.get(row.code)
        return None
