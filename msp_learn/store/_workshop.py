"""The live workshop's tables: sessions, participants, their answers and answer keys.

Every answer arrives with an idempotency key made on the learner's device. A key seen before
for that participant writes nothing (``duplicate``); otherwise the answer replaces the
participant's previous answer to the same run, so each person counts once per activity.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from msp_learn.store import _records as r
from msp_learn.store._engine import insert_ignoring_conflict, upsert
from msp_learn.store._schema import (
    learners,
    progress,
    workshop_answer_keys,
    workshop_answers,
    workshop_participants,
    workshop_sessions,
)


class CodeTakenError(ValueError):
    """Another workshop already uses this join code (make a new one)."""


class AliasTakenError(ValueError):
    """Someone in this workshop already joined under this alias."""


@dataclass(frozen=True)
class WorkshopRow:
    id: int
    code: str
    title: str
    state: dict[str, Any]
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class AnswerRow:
    participant_id: int
    alias: str
    run: int
    value: Any
    status: str
    flagged: bool
    answered_at: datetime


@dataclass(frozen=True)
class AnswerWrite:
    """What :meth:`WorkshopStore.answer` did: ``duplicate`` (key seen before, nothing
    written) or ``replaced`` (an earlier answer to the same run was overwritten)."""

    duplicate: bool = False
    replaced: bool = False


def secret_hash(secret: str) -> str:
    """What is stored for a participant's secret (never the secret itself)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class WorkshopStore:
    """Workshop reads and writes through a :class:`~msp_learn.store.Store`'s engine."""

    def __init__(self, store) -> None:
        self._store = store

    # sessions

    def create_session(self, code: str, title: str, state: dict[str, Any]) -> int:
        stamp = r.now()
        try:
            with self._store._write() as conn:
                return conn.execute(insert(workshop_sessions).values(
                    code=code, title=r.check_id(title, "title"), state=r.dump(state, "state"),
                    created_at=stamp, updated_at=stamp).returning(workshop_sessions.c.id)
                ).scalar_one()
        except IntegrityError:
            raise CodeTakenError(f"join code {code} is in use") from None

    def save_session(self, session_id: int, state: dict[str, Any], *, ended: bool = False) -> None:
        stamp = r.now()
        values = dict(state=r.dump(state, "state"), updated_at=stamp)
        if ended:
            values["ended_at"] = stamp
        with self._store._write() as conn:
            conn.execute(update(workshop_sessions).where(workshop_sessions.c.id == session_id)
                         .values(**values))

    def session(self, code: str) -> WorkshopRow | None:
        with self._store._read() as conn:
            row = conn.execute(select(workshop_sessions).where(
                workshop_sessions.c.code == code)).one_or_none()
        return _session_row(row) if row is not None else None

    def sessions(self) -> list[WorkshopRow]:
        """Every workshop, newest first."""
        with self._store._read() as conn:
            rows = conn.execute(select(workshop_sessions).order_by(
                workshop_sessions.c.id.desc())).all()
        return [_session_row(row) for row in rows]

    # participants

    def join(self, session_id: int, alias: str, secret: str) -> int:
        """Add a participant; AliasTakenError if the alias is used in this session."""
        try:
            with self._store._write() as conn:
                return conn.execute(insert(workshop_participants).values(
                    session_id=session_id, alias=alias, alias_key=alias.casefold(),
                    secret_hash=secret_hash(secret), joined_at=r.now())
                    .returning(workshop_participants.c.id)).scalar_one()
        except IntegrityError:
            raise AliasTakenError(alias) from None

    def join_many(self, session_id: int, joins: list[tuple[str, str]]) -> list[int | None]:
        """Add several participants ``(alias, secret)`` in one transaction (one disk flush
        for a room joining at once); each result is the new id, or None where the alias is
        already used in this session."""
        stamp = r.now()
        ids: list[int | None] = []
        with self._store._write() as conn:
            for alias, secret in joins:
                ids.append(conn.execute(
                    insert_ignoring_conflict(conn, workshop_participants,
                                             ["session_id", "alias_key"])
                    .values(session_id=session_id, alias=alias, alias_key=alias.casefold(),
                            secret_hash=secret_hash(secret), joined_at=stamp)
                    .returning(workshop_participants.c.id)).scalar())
        return ids

    def participant(self, session_id: int, secret: str) -> tuple[int, str] | None:
        """``(id, alias)`` of the participant holding ``secret`` in this session, or None."""
        with self._store._read() as conn:
            row = conn.execute(select(workshop_participants.c.id, workshop_participants.c.alias)
                               .where(workshop_participants.c.session_id == session_id,
                                      workshop_participants.c.secret_hash == secret_hash(secret))
                               ).one_or_none()
        return (row.id, row.alias) if row is not None else None

    def participants(self, session_id: int) -> list[tuple[int, str]]:
        with self._store._read() as conn:
            rows = conn.execute(select(workshop_participants.c.id, workshop_participants.c.alias)
                                .where(workshop_participants.c.session_id == session_id)
                                .order_by(workshop_participants.c.id)).all()
        return [(row.id, row.alias) for row in rows]

    # linking an alias to the learner's own account (only when the learner chooses to)

    def link(self, participant_id: int, learner: r.Learner | None) -> None:
        """Link the participant to ``learner``'s account, or unlink with None."""
        with self._store._write() as conn:
            conn.execute(update(workshop_participants)
                         .where(workshop_participants.c.id == participant_id)
                         .values(learner_id=learner.id if learner is not None else None))

    def find_learner(self, name: str) -> r.Learner | None:
        return self._store.find_learner(name)

    def linked(self, session_id: int) -> dict[int, str]:
        """Participant id -> the learner's name, for participants linked to an account."""
        query = (select(workshop_participants.c.id, learners.c.name)
                 .join(learners, learners.c.id == workshop_participants.c.learner_id)
                 .where(workshop_participants.c.session_id == session_id))
        with self._store._read() as conn:
            return {row.id: row.name for row in conn.execute(query).all()}

    def save_progress_many(self, activity_kind: str, activity_id: str,
                           states: dict[str, dict[str, Any] | None]) -> None:
        """Write (or, for None, delete) each named learner's progress on one activity, in one
        transaction: a burst of linked answers costs one commit, not one per learner."""
        if not states:
            return
        stamp = r.now()
        with self._store._write() as conn:
            for name, state in states.items():
                learner_id = conn.scalar(select(learners.c.id).where(
                    learners.c.name_key == r.name_key(name)))
                if learner_id is None:  # forgotten meanwhile: nothing to keep
                    continue
                where = (progress.c.learner_id == learner_id,
                         progress.c.activity_kind == activity_kind,
                         progress.c.activity_id == activity_id)
                if state is None:
                    conn.execute(delete(progress).where(*where))
                    continue
                current = conn.scalar(select(progress.c.version).where(*where)) or 0
                upsert(conn, progress, dict(
                    learner_id=learner_id, activity_kind=activity_kind, activity_id=activity_id,
                    state=r.dump(state, "state"), updated_at=stamp, version=current + 1),
                    keys=["learner_id", "activity_kind", "activity_id"])

    # answers

    def answer(self, session_id: int, participant_id: int, run: int, value: Any, *, key: str,
               status: str = "shown", flagged: bool = False) -> AnswerWrite:
        """Record one answer once, replacing the participant's earlier answer to ``run``."""
        return self.answer_many(session_id, [(participant_id, run, value, key, status,
                                              flagged)])[0]

    def answer_many(self, session_id: int,
                    answers: list[tuple[int, int, Any, str, str, bool]]) -> list[AnswerWrite]:
        """Record several answers ``(participant, run, value, key, status, flagged)`` in one
        transaction (one disk flush for a burst), in order; each as :meth:`answer` would."""
        rows = []
        for participant_id, run, value, key, status, flagged in answers:
            if r.check_key(key) is None:
                raise ValueError("an answer needs a key made on the learner's device")
            rows.append((participant_id, run, json.dumps({"value": value}, ensure_ascii=False),
                         key, status, int(flagged)))
        stamp = r.now()
        results = []
        with self._store._write() as conn:
            for participant_id, run, encoded, key, status, flagged in rows:
                fresh = conn.execute(
                    insert_ignoring_conflict(conn, workshop_answer_keys, ["participant_id", "key"])
                    .values(participant_id=participant_id, key=key, received_at=stamp)
                    .returning(workshop_answer_keys.c.id)).first()  # no row: the key was seen
                if fresh is None:
                    results.append(AnswerWrite(duplicate=True))
                    continue
                replaced = conn.scalar(select(workshop_answers.c.id).where(
                    workshop_answers.c.participant_id == participant_id,
                    workshop_answers.c.run == run)) is not None
                upsert(conn, workshop_answers, dict(
                    session_id=session_id, participant_id=participant_id, run=run,
                    answer=encoded, status=status, flagged=flagged, key=key, answered_at=stamp),
                    keys=["participant_id", "run"])
                results.append(AnswerWrite(replaced=replaced))
        return results

    def set_status(self, participant_id: int, run: int, status: str) -> None:
        with self._store._write() as conn:
            conn.execute(update(workshop_answers).where(
                workshop_answers.c.participant_id == participant_id,
                workshop_answers.c.run == run).values(status=status))

    def reset(self, session_id: int, run: int) -> int:
        """Delete every answer to ``run`` (their keys stay, so late resends stay out)."""
        with self._store._write() as conn:
            return conn.execute(delete(workshop_answers).where(
                workshop_answers.c.session_id == session_id,
                workshop_answers.c.run == run)).rowcount

    def answers(self, session_id: int) -> list[AnswerRow]:
        """Every current answer in the session, by run then by when it was given."""
        query = (select(workshop_answers, workshop_participants.c.alias)
                 .join(workshop_participants)
                 .where(workshop_answers.c.session_id == session_id)
                 .order_by(workshop_answers.c.run, workshop_answers.c.id))
        with self._store._read() as conn:
            rows = conn.execute(query).all()
        return [AnswerRow(row.participant_id, row.alias, row.run, json.loads(row.answer)["value"],
                          row.status, bool(row.flagged), r.utc(row.answered_at)) for row in rows]


def _session_row(row) -> WorkshopRow:
    return WorkshopRow(row.id, row.code, row.title, json.loads(row.state), r.utc(row.created_at),
                       r.utc(row.ended_at) if row.ended_at is not None else None)
