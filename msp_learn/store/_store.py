"""The Store: learners, their event log, progress and reflections, over SQLAlchemy Core."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import (
    Connection,
    create_engine,
    delete,
    func,
    insert,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from msp_learn import identity
from msp_learn.store import _records as r
from msp_learn.store._engine import (
    default_url,
    insert_ignoring_conflict,
    sqlite_engine,
    upsert,
    writer_queue,
)
from msp_learn.store._schema import (
    events,
    learners,
    migrate,
    progress,
    reflection_revisions,
    reflections,
    workshop_participants,
)

_PG_COMMIT_LOCK = 0x6D737063  # advisory lock namespace for per-learner commits


class NotFoundError(LookupError):
    """A learner or reflection the store does not hold."""


class NameTakenError(ValueError):
    """The name belongs to a learner who already has a secret."""


class StaleVersionError(RuntimeError):
    """A write was based on an older state of the activity than the one stored (another tab
    or device wrote since): nothing was written; reload and try again."""

    def __init__(self, activity: str, expected: int, current: int) -> None:
        super().__init__(f"{activity} was changed elsewhere (version {current}, this page has "
                         f"{expected}): reload to see the latest")
        self.expected = expected
        self.current = current


class Store:
    """Everything the kit keeps about learners. Every write is committed at once.

    Args:
        url: any SQLAlchemy database URL; default :func:`default_url`.
        create: when False, a missing SQLite file raises FileNotFoundError instead of
            being created.
    """

    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        url = url or default_url()
        self._queue = None
        if make_url(url).get_backend_name() == "sqlite":
            self._engine = sqlite_engine(url, create=create)
            self._queue = writer_queue(url)
        else:
            self._engine = create_engine(url)
        self.url = make_url(url).render_as_string(hide_password=True)
        try:
            with self._write() as conn:
                migrate(conn)
        except BaseException:
            self._engine.dispose()
            raise

    def close(self) -> None:
        """Release every connection."""
        self._engine.dispose()
        if self._queue:
            self._queue.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(msp_write=True)
            with self._queue.turn() if self._queue else nullcontext(), conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    # learners

    def learner(self, name: str) -> r.Learner:
        """The learner called ``name`` (created if new). Names match ignoring case and
        surrounding spaces. Raises ValueError for an empty name or one over 80 characters."""
        name = r.clean_name(name)
        with self._write() as conn:
            conn.execute(insert_ignoring_conflict(conn, learners, ["name_key"]).values(
                name=name, name_key=r.name_key(name), created_at=r.now()))
        found = self.find_learner(name)
        assert found is not None
        return found

    def find_learner(self, name: str) -> r.Learner | None:
        """The learner called ``name``, or None; never creates one."""
        with self._read() as conn:
            row = conn.execute(select(learners).where(
                learners.c.name_key == r.name_key(name))).one_or_none()
        return _learner(row) if row else None

    def learners(self) -> list[r.Learner]:
        """Every learner, oldest first."""
        with self._read() as conn:
            rows = conn.execute(select(learners).order_by(learners.c.id)).all()
        return [_learner(row) for row in rows]

    # secrets and roles (the rules and hashing are identity's)

    def claim(self, name: str, secret: str) -> r.Learner:
        """Give the learner called ``name`` the secret ``secret`` if they have none yet
        (creating the learner if new). Two people claiming one name at once: one wins, the
        other gets :class:`NameTakenError`, which is also raised when the name has a secret.
        """
        hashed = identity.hash_secret(secret)
        name = r.clean_name(name)
        key = r.name_key(name)
        with self._write() as conn:
            conn.execute(insert_ignoring_conflict(conn, learners, ["name_key"]).values(
                name=name, name_key=key, created_at=r.now()))
            done = conn.execute(update(learners).where(
                learners.c.name_key == key, learners.c.secret_hash.is_(None)).values(
                secret_hash=hashed)).rowcount
        if not done:
            raise NameTakenError(f"the name {name!r} is taken: sign in with its secret")
        found = self.find_learner(name)
        assert found is not None
        return found

    def set_secret(self, name: str, secret: str) -> r.Learner:
        """Replace the secret of the learner called ``name`` (NotFoundError if unknown).
        Cookies signed before stop working; nothing of the learner's work changes."""
        return self._update_learner(name, secret_hash=identity.hash_secret(secret))

    def secret_hash(self, name: str) -> str | None:
        """The stored hash of the learner's secret; None if unknown or none set yet."""
        with self._read() as conn:
            return conn.scalar(select(learners.c.secret_hash).where(
                learners.c.name_key == r.name_key(name)))

    def check_secret(self, name: str, secret: str) -> bool:
        """True when ``secret`` is the learner's secret (False if unknown or none set)."""
        return identity.verify_secret(secret, self.secret_hash(name))

    def set_role(self, name: str, role: str) -> r.Learner:
        """Make the learner called ``name`` a ``learner``, ``trainer`` or ``lead``."""
        return self._update_learner(name, role=identity.check_role(role))

    def _update_learner(self, name: str, **values: str) -> r.Learner:
        """Set ``values`` on the learner called ``name``; NotFoundError if unknown."""
        with self._write() as conn:
            done = conn.execute(update(learners).where(learners.c.name_key == r.name_key(name))
                                .values(**values)).rowcount
        if not done:
            raise NotFoundError(f"there is no learner called {name!r} in {self.url}")
        found = self.find_learner(name)
        assert found is not None
        return found

    def role(self, name: str) -> str:
        """The learner's role (NotFoundError if there is no such learner)."""
        found = self.find_learner(name)
        if found is None:
            raise NotFoundError(f"there is no learner called {name!r} in {self.url}")
        return found.role

    @staticmethod
    def _learner_id_in(conn: Connection, learner: r.Learner | str) -> int:
        """The id of ``learner`` (a Learner, or a cleaned name, created if new)."""
        if isinstance(learner, r.Learner):
            return learner.id
        key = r.name_key(learner)  # identity's matching key (NFKC, casefold)
        query = select(learners.c.id).where(learners.c.name_key == key)
        found = conn.scalar(query)  # most writes are by a learner already known
        if found is None:
            conn.execute(insert_ignoring_conflict(conn, learners, ["name_key"]).values(
                name=learner, name_key=key, created_at=r.now()))
            found = conn.scalar(query)
        return found

    def _learner_id(self, learner: r.Learner | str, *, create: bool) -> int | None:
        if isinstance(learner, r.Learner):
            return learner.id
        found = self.learner(learner) if create else self.find_learner(learner)
        return found.id if found else None

    @contextmanager
    def _write_for(self, learner: r.Learner | str) -> Iterator[tuple[Connection, int]]:
        """A write transaction and the learner's id, the learner created (by name) in the
        same transaction: one round of locking and commit per write, not three."""
        name = learner if isinstance(learner, r.Learner) else r.clean_name(learner)
        try:
            with self._write() as conn:
                yield conn, self._learner_id_in(conn, name)
        except IntegrityError as exc:
            raise NotFoundError(f"learner {learner!r} is not in this store (forgotten?)") from exc

    # the event log

    def record(self, learner: r.Learner | str, *, activity_kind: str, activity_id: str,
               event: str, payload: dict[str, Any]) -> None:
        """Append one event (an answer, a choice, a reflection...) to the learner's log."""
        values = dict(activity_kind=r.check_id(activity_kind, "activity_kind"),
                      activity_id=r.check_id(activity_id, "activity_id"),
                      event=r.check_id(event, "event"), payload=r.dump(payload, "payload"),
                      recorded_at=r.now())
        with self._write_for(learner) as (conn, learner_id):
            conn.execute(insert(events).values(learner_id=learner_id, **values))

    def events(self, learner: r.Learner | str | None = None, *, activity_kind: str | None = None,
               activity_id: str | None = None) -> list[r.Event]:
        """Logged events in the order they were recorded, optionally filtered."""
        query = (select(events, learners.c.name).join(learners)
                 .order_by(events.c.id))
        if learner is not None:
            learner_id = self._learner_id(learner, create=False)
            if learner_id is None:
                return []
            query = query.where(events.c.learner_id == learner_id)
        if activity_kind is not None:
            query = query.where(events.c.activity_kind == activity_kind)
        if activity_id is not None:
            query = query.where(events.c.activity_id == activity_id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [r.Event(row.id, row.name, row.activity_kind, row.activity_id, row.event,
                        json.loads(row.payload), r.utc(row.recorded_at)) for row in rows]

    def commit(self, learner: r.Learner | str, *, activity_kind: str, activity_id: str,
               event: str, payload: dict[str, Any], state: dict[str, Any] | None = None,
               key: str | None = None, expected_version: int | None = None) -> r.Commit:
        """Append one event and, with ``state``, replace the activity's state, in one
        transaction: both are written or neither is.

        Args:
            key: an id made where the answer was given (an idempotency key). If the learner
                already has an event with this key, nothing is written and the result says
                ``duplicate=True``: a retry after a lost acknowledgement is recorded once.
            expected_version: the state version the writer last saw (0 for none saved). If
                the stored version differs, :class:`StaleVersionError` is raised and nothing
                is written. None skips the check.
        Returns the activity's state version after the write.
        """
        values = dict(activity_kind=r.check_id(activity_kind, "activity_kind"),
                      activity_id=r.check_id(activity_id, "activity_id"),
                      event=r.check_id(event, "event"), payload=r.dump(payload, "payload"),
                      key=r.check_key(key), recorded_at=r.now())
        dumped = r.dump(state, "state") if state is not None else None
        try:
            with self._write_for(learner) as (conn, learner_id):
                if conn.dialect.name == "postgresql":  # one writer per learner at a time
                    conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                                 {"a": _PG_COMMIT_LOCK, "b": learner_id})
                version = select(progress.c.version).where(
                    progress.c.learner_id == learner_id,
                    progress.c.activity_kind == activity_kind,
                    progress.c.activity_id == activity_id).scalar_subquery()
                seen = select(events.c.id).where(events.c.learner_id == learner_id,
                                                 events.c.key == key).limit(1).scalar_subquery()
                # one round trip for both: the state's version, and whether the key is known
                found = conn.execute(select(version, seen) if key is not None
                                     else select(version)).one()
                current = found[0] or 0
                if key is not None and found[1] is not None:
                    return r.Commit(current, duplicate=True)
                if expected_version is not None and expected_version != current:
                    raise StaleVersionError(f"{activity_kind} '{activity_id}'",
                                            expected_version, current)
                conn.execute(insert(events).values(learner_id=learner_id, **values))
                if dumped is None:
                    return r.Commit(current)
                upsert(conn, progress, dict(
                    learner_id=learner_id, activity_kind=activity_kind, activity_id=activity_id,
                    state=dumped, updated_at=values["recorded_at"], version=current + 1),
                    keys=["learner_id", "activity_kind", "activity_id"])
                return r.Commit(current + 1)
        except NotFoundError:
            if key is not None:  # a concurrent retry of the same answer won the race
                found = self._key_version(learner, activity_kind, activity_id, key)
                if found is not None:
                    return r.Commit(found, duplicate=True)
            raise

    def _key_version(self, learner, activity_kind: str, activity_id: str,
                     key: str) -> int | None:
        learner_id = self._learner_id(learner, create=False)
        with self._read() as conn:
            if conn.scalar(select(events.c.id).where(events.c.learner_id == learner_id,
                                                     events.c.key == key)) is None:
                return None
            return conn.scalar(select(progress.c.version).where(
                progress.c.learner_id == learner_id, progress.c.activity_kind == activity_kind,
                progress.c.activity_id == activity_id)) or 0

    def load_state(self, learner: r.Learner | str, *, activity_kind: str,
                   activity_id: str) -> tuple[dict[str, Any] | None, int]:
        """The saved state of one activity and its version: ``(None, 0)`` if none saved."""
        learner_id = self._learner_id(learner, create=False)
        with self._read() as conn:
            row = conn.execute(select(progress.c.state, progress.c.version).where(
                progress.c.learner_id == learner_id, progress.c.activity_kind == activity_kind,
                progress.c.activity_id == activity_id)).one_or_none()
        return (json.loads(row.state), row.version) if row is not None else (None, 0)

    # progress

    def save_progress(self, learner: r.Learner | str, *, activity_kind: str, activity_id: str,
                      state: dict[str, Any]) -> None:
        """Replace the saved state of one activity (``"completed": True`` marks it done)."""
        values = dict(activity_kind=r.check_id(activity_kind, "activity_kind"),
                      activity_id=r.check_id(activity_id, "activity_id"),
                      state=r.dump(state, "state"), updated_at=r.now())
        with self._write_for(learner) as (conn, learner_id):
            current = conn.scalar(select(progress.c.version).where(
                progress.c.learner_id == learner_id,
                progress.c.activity_kind == values["activity_kind"],
                progress.c.activity_id == values["activity_id"])) or 0
            upsert(conn, progress, dict(learner_id=learner_id, version=current + 1, **values),
                   keys=["learner_id", "activity_kind", "activity_id"])

    def load_progress(self, learner: r.Learner | str, *, activity_kind: str,
                      activity_id: str) -> dict[str, Any] | None:
        """The saved state of one activity, or None if nothing was saved."""
        learner_id = self._learner_id(learner, create=False)
        with self._read() as conn:
            state = conn.scalar(select(progress.c.state).where(
                progress.c.learner_id == learner_id, progress.c.activity_kind == activity_kind,
                progress.c.activity_id == activity_id))
        return json.loads(state) if state is not None else None

    def progress(self, learner: r.Learner | str) -> list[r.Progress]:
        """Every activity the learner has saved progress on, in the order first saved."""
        learner_id = self._learner_id(learner, create=False)
        with self._read() as conn:
            rows = conn.execute(select(progress).where(progress.c.learner_id == learner_id)
                                .order_by(progress.c.id)).all()
        return [r.Progress(row.activity_kind, row.activity_id, json.loads(row.state),
                           r.utc(row.updated_at)) for row in rows]

    # reflections

    def save_reflection(self, learner: r.Learner | str, *, activity_kind: str, activity_id: str,
                        prompt_set: str, answers: dict[str, str],
                        context: dict[str, Any] | None = None) -> int:
        """Keep a new reflection and return its id.

        Args:
            answers: prompt id -> the learner's text, in the order asked.
            context: what the reflection is about, e.g. ``{"title": ..., "choices": [...],
                "ending": ...}``; the CPD record shows ``title``, ``ending``, ``choices``,
                ``score`` and ``summary`` when present.
        """
        stamp = r.now()
        values = dict(activity_kind=r.check_id(activity_kind, "activity_kind"),
                      activity_id=r.check_id(activity_id, "activity_id"),
                      prompt_set=r.check_id(prompt_set, "prompt_set"),
                      answers=r.dump(r.check_answers(answers), "answers"),
                      context=r.dump(context or {}, "context"), created_at=stamp, updated_at=stamp)
        with self._write_for(learner) as (conn, learner_id):
            return conn.execute(insert(reflections).values(learner_id=learner_id, **values)
                                .returning(reflections.c.id)).scalar_one()

    def update_reflection(self, learner: r.Learner | str, reflection_id: int, *,
                          answers: dict[str, str], context: dict[str, Any] | None = None) -> None:
        """Edit a reflection: each answer given replaces that prompt's answer; answers to
        prompts not given are kept. The previous version is kept as a :class:`Revision`.

        Raises NotFoundError if the learner has no reflection with that id.
        """
        answers = r.check_answers(answers)
        learner_id = self._learner_id(learner, create=False)
        with self._write() as conn:
            old = conn.execute(select(reflections).where(
                reflections.c.id == reflection_id, reflections.c.learner_id == learner_id)
            ).one_or_none()
            if old is None:
                raise NotFoundError(f"{learner!r} has no reflection {reflection_id}")
            merged = r.dump({**json.loads(old.answers), **answers}, "answers")
            new_context = old.context if context is None else r.dump(context, "context")
            if (merged, new_context) == (old.answers, old.context):
                return
            conn.execute(insert(reflection_revisions).values(
                reflection_id=old.id, answers=old.answers, context=old.context,
                saved_at=old.updated_at))
            conn.execute(update(reflections).where(reflections.c.id == old.id).values(
                answers=merged, context=new_context, updated_at=r.now()))

    def reflections(self, learner: r.Learner | str) -> list[r.Reflection]:
        """The learner's reflections, oldest first."""
        learner_id = self._learner_id(learner, create=False)
        with self._read() as conn:
            rows = conn.execute(select(reflections).where(
                reflections.c.learner_id == learner_id).order_by(reflections.c.id)).all()
        return [r.Reflection(row.id, row.activity_kind, row.activity_id, row.prompt_set,
                             json.loads(row.answers), json.loads(row.context),
                             r.utc(row.created_at), r.utc(row.updated_at)) for row in rows]

    def revisions(self, learner: r.Learner | str, reflection_id: int) -> list[r.Revision]:
        """Earlier versions of one of the learner's reflections, oldest first."""
        learner_id = self._learner_id(learner, create=False)
        query = (select(reflection_revisions).join(reflections)
                 .where(reflections.c.id == reflection_id, reflections.c.learner_id == learner_id)
                 .order_by(reflection_revisions.c.id))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [r.Revision(json.loads(row.answers), json.loads(row.context), r.utc(row.saved_at))
                for row in rows]

    # what is held, and forgetting it

    def held(self, name: str) -> dict[str, int]:
        """How many rows each table holds about the learner called ``name``."""
        with self._read() as conn:
            return _count(conn, r.name_key(name))

    def forget(self, name: str) -> dict[str, int]:
        """Delete everything held about the learner called ``name``; return rows deleted per
        table (all 0 for an unknown name)."""
        key = r.name_key(name)
        with self._write() as conn:
            counts = _count(conn, key)
            learner_id = select(learners.c.id).where(learners.c.name_key == key).scalar_subquery()
            mine = select(reflections.c.id).where(reflections.c.learner_id == learner_id)
            conn.execute(delete(reflection_revisions).where(
                reflection_revisions.c.reflection_id.in_(mine)))
            for table in (reflections, progress, events):
                conn.execute(delete(table).where(table.c.learner_id == learner_id))
            # a workshop alias the learner linked goes back to being anonymous
            conn.execute(update(workshop_participants).where(
                workshop_participants.c.learner_id == learner_id).values(learner_id=None))
            conn.execute(delete(learners).where(learners.c.name_key == key))
        if self._engine.dialect.name == "sqlite" and counts["learners"]:
            with self._engine.connect() as conn:  # move the zeroed pages out of the WAL file
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return counts


def _learner(row: Any) -> r.Learner:
    return r.Learner(row.id, row.name, r.utc(row.created_at), row.role)


def _count(conn: Connection, key: str) -> dict[str, int]:
    learner_id = conn.scalar(select(learners.c.id).where(learners.c.name_key == key))
    counts = {"learners": int(learner_id is not None)}
    for table in (events, progress, reflections):
        counts[table.name] = conn.scalar(select(func.count()).select_from(table).where(
            table.c.learner_id == learner_id))
    counts["reflection_revisions"] = conn.scalar(
        select(func.count()).select_from(reflection_revisions.join(reflections))
        .where(reflections.c.learner_id == learner_id))
    return counts
