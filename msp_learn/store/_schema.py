"""The storage tables and the ordered list of schema migration steps applied on open."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)

from msp_learn.identity import NAME_LENGTH, ROLES, name_key

NAMING = {"ix": "ix_%(table_name)s_%(column_0_N_name)s",
          "uq": "uq_%(table_name)s_%(column_0_N_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}
metadata = MetaData(naming_convention=NAMING)

ID_LENGTH = 200
KEY_LENGTH = 64
SECRET_HASH_LENGTH = 255
ROLE_LENGTH = 16


def _learner_fk() -> Column:
    return Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False)


def _activity() -> list[Column]:
    return [Column("activity_kind", String(ID_LENGTH), nullable=False),
            Column("activity_id", String(ID_LENGTH), nullable=False)]


def _when(name: str) -> Column:
    return Column(name, DateTime(timezone=True), nullable=False)


learners = Table(
    "learners", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False),
    Column("name_key", String(3 * NAME_LENGTH), nullable=False, unique=True),  # casefold grows
    _when("created_at"),
    # The learner's secret (identity.hash_secret); None until they first sign in.
    Column("secret_hash", String(SECRET_HASH_LENGTH), nullable=True),
    Column("role", String(ROLE_LENGTH), nullable=False, server_default="learner"))

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    _learner_fk(), *_activity(),
    Column("event", String(ID_LENGTH), nullable=False),
    Column("payload", Text, nullable=False),
    _when("recorded_at"),
    # An id made where the answer was given: a retry of the same answer is recorded once.
    Column("key", String(KEY_LENGTH), nullable=True),
    Index(None, "learner_id", "activity_kind", "activity_id"),
    UniqueConstraint("learner_id", "key"))

progress = Table(
    "progress", metadata,
    Column("id", Integer, primary_key=True),
    _learner_fk(), *_activity(),
    Column("state", Text, nullable=False),
    _when("updated_at"),
    # Bumped by every write; a writer holding an older version is told to refresh.
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("learner_id", "activity_kind", "activity_id"))

reflections = Table(
    "reflections", metadata,
    Column("id", Integer, primary_key=True),
    _learner_fk(), *_activity(),
    Column("prompt_set", String(ID_LENGTH), nullable=False),
    Column("answers", Text, nullable=False),
    Column("context", Text, nullable=False),
    _when("created_at"), _when("updated_at"),
    Index(None, "learner_id"))

reflection_revisions = Table(
    "reflection_revisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("reflection_id", ForeignKey("reflections.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("answers", Text, nullable=False),
    Column("context", Text, nullable=False),
    _when("saved_at"))

# The live workshop (msp_learn/workshop/): a session, who joined it under which alias, and
# each participant's current answer to each run of an activity. Every key an answer arrived
# with is kept, so a phone resending an old vote (even after a change or a reset) is ignored.
workshop_sessions = Table(
    "workshop_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("title", String(ID_LENGTH), nullable=False),
    Column("state", Text, nullable=False),
    _when("created_at"), _when("updated_at"),
    Column("ended_at", DateTime(timezone=True), nullable=True))

workshop_participants = Table(
    "workshop_participants", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("workshop_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("alias", String(NAME_LENGTH), nullable=False),
    Column("alias_key", String(3 * NAME_LENGTH), nullable=False),
    Column("secret_hash", String(KEY_LENGTH), nullable=False, unique=True),
    # Set only when the learner chooses to link the alias to their own account.
    Column("learner_id", ForeignKey("learners.id", ondelete="SET NULL"), nullable=True),
    _when("joined_at"),
    UniqueConstraint("session_id", "alias_key"))

workshop_answers = Table(
    "workshop_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("workshop_sessions.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("participant_id", ForeignKey("workshop_participants.id", ondelete="CASCADE"),
           nullable=False),
    Column("run", Integer, nullable=False),
    Column("answer", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("flagged", Integer, nullable=False, server_default="0"),
    Column("key", String(KEY_LENGTH), nullable=False),
    _when("answered_at"),
    UniqueConstraint("participant_id", "run"))

workshop_answer_keys = Table(
    "workshop_answer_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("participant_id", ForeignKey("workshop_participants.id", ondelete="CASCADE"),
           nullable=False),
    Column("key", String(KEY_LENGTH), nullable=False),
    _when("received_at"),
    UniqueConstraint("participant_id", "key"))

WORKSHOP_TABLES = (workshop_sessions, workshop_participants, workshop_answers,
                   workshop_answer_keys)

schema_versions = Table(
    "msp_schema_versions", MetaData(naming_convention=NAMING),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(ID_LENGTH), nullable=False),
    _when("applied_at"))


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer msp_learn than this one."""


@dataclass(frozen=True)
class Step:
    """One migration: bring a database at ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_tables(conn: Connection) -> None:
    metadata.create_all(conn)


#: The migration steps, oldest first. A new database is created from the table definitions
#: above and stamped with the last version, so those definitions must always describe the
#: newest schema. To change a table: edit its definition above AND append a step that makes
#: the same change (e.g. ``ALTER TABLE ... ADD COLUMN``) to an existing database. Never edit
#: or reorder a step once it has been released.
def _keys_and_versions(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE events ADD COLUMN key VARCHAR(64)"))
    conn.execute(text("CREATE UNIQUE INDEX uq_events_learner_id_key ON events (learner_id, key)"))
    conn.execute(text("ALTER TABLE progress ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


def _secrets_and_roles(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE learners ADD COLUMN secret_hash VARCHAR(255)"))
    conn.execute(text("ALTER TABLE learners ADD COLUMN role VARCHAR(16) NOT NULL "
                      "DEFAULT 'learner'"))
    # Names now match ignoring compatibility variants too (NFKC): re-key the names that the
    # new rules accept, unless two learners would then share a key (both keep their old key).
    rows = conn.execute(select(learners.c.id, learners.c.name, learners.c.name_key)).all()
    taken = {row.name_key for row in rows}
    for row in rows:
        try:
            key = name_key(row.name)
        except ValueError:
            continue
        if key != row.name_key and key not in taken:
            conn.execute(learners.update().where(learners.c.id == row.id).values(name_key=key))
            taken.discard(row.name_key)
            taken.add(key)


#: The roles the ``role`` column may hold.
LEARNER_ROLES = ROLES


def _workshop_tables(conn: Connection) -> None:
    for table in WORKSHOP_TABLES:
        table.create(conn, checkfirst=True)


STEPS: tuple[Step, ...] = (
    Step(1, "learners, events, progress, reflections and reflection revisions", _create_tables),
    Step(2, "idempotency keys on events, versions on progress", _keys_and_versions),
    Step(3, "learners' secret hashes and roles; NFKC name keys", _secrets_and_roles),
    Step(4, "workshop sessions, participants, answers and answer keys", _workshop_tables),
)

_PG_LOCK_KEY = 0x6D73706C  # any constant: serialises migrations across PostgreSQL sessions


def current_version(conn: Connection) -> int:
    """The schema version of the database ``conn`` is on (0 for a new database)."""
    return conn.scalar(select(func.max(schema_versions.c.version))) or 0


def migrate(conn: Connection, steps: Sequence[Step] = STEPS) -> int:
    """Bring the database up to the last of ``steps``, inside the caller's transaction.

    Returns the version reached. Raises SchemaTooNewError if the database is newer.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    schema_versions.create(conn, checkfirst=True)
    current, latest = current_version(conn), steps[-1].version
    if current > latest:
        raise SchemaTooNewError(
            f"the database is at schema version {current} but this msp_learn only knows up to "
            f"{latest}: upgrade msp_learn before using this database")
    if current == 0:
        metadata.create_all(conn)
        pending: Sequence[Step] = [steps[-1]]
    else:
        pending = [s for s in steps if s.version > current]
        for step in pending:
            step.apply(conn)
    for step in pending:
        conn.execute(insert(schema_versions).values(
            version=step.version, description=step.description, applied_at=datetime.now(UTC)))
    return latest
