"""Learners' secrets and roles in the store (migration step 3), and the CLI that resets them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from msp_learn import identity
from msp_learn.cli import main
from msp_learn.store import STEPS, NameTakenError, NotFoundError, Store, current_version


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'accounts.sqlite'}"


@pytest.fixture
def store(url):
    with Store(url) as opened:
        yield opened


def test_claiming_a_new_name_sets_its_secret_once(store):
    """Does the first person to claim a name get it, and a second claim fail, losing nothing?"""
    alex = store.claim("Alex Newcomer", "1234")
    assert alex.name == "Alex Newcomer" and alex.role == "learner"
    assert store.check_secret("alex newcomer", "1234")
    assert not store.check_secret("Alex Newcomer", "9999")
    with pytest.raises(NameTakenError, match="taken"):
        store.claim("ALEX NEWCOMER", "5678")
    assert store.check_secret("Alex Newcomer", "1234")
    assert [learner.name for learner in store.learners()] == ["Alex Newcomer"]


def test_a_learner_from_before_secrets_claims_their_name_at_first_sign_in(store):
    store.record("Old Learner", activity_kind="quiz", activity_id="myths", event="answered",
                 payload={"q": 1})
    assert store.secret_hash("Old Learner") is None
    assert not store.check_secret("Old Learner", "1234")
    store.claim("old learner", "1234")
    assert store.check_secret("Old Learner", "1234")
    assert len(store.events("Old Learner")) == 1


def test_resetting_a_secret_keeps_every_piece_of_work(store):
    """After a reset, does only the new secret work, with the learner's work all there?"""
    store.claim("Bea", "1234")
    store.record("Bea", activity_kind="quiz", activity_id="myths", event="answered",
                 payload={"q": 1})
    store.save_reflection("Bea", activity_kind="case-study", activity_id="c", prompt_set="p",
                          answers={"a": "what I learned"})
    before = store.secret_hash("Bea")
    store.set_secret("bea", "new secret")
    assert store.secret_hash("Bea") != before
    assert store.check_secret("Bea", "new secret") and not store.check_secret("Bea", "1234")
    assert len(store.events("Bea")) == 1 and len(store.reflections("Bea")) == 1
    with pytest.raises(NotFoundError):
        store.set_secret("Nobody", "1234")


def test_roles_are_kept_and_checked(store):
    store.claim("Tariq", "1234")
    assert store.role("Tariq") == "learner"
    assert store.set_role("tariq", "trainer").role == "trainer"
    assert store.find_learner("TARIQ").role == "trainer"
    with pytest.raises(ValueError, match="not a role"):
        store.set_role("Tariq", "admin")
    with pytest.raises(NotFoundError):
        store.set_role("Nobody", "lead")
    with pytest.raises(NotFoundError):
        store.role("Nobody")


def test_store_names_follow_identity_rules(store):
    """Do the store's names refuse what identity refuses and match as identity matches?"""
    with pytest.raises(ValueError, match="text-direction"):
        store.learner("Alex\u202eredli")
    assert store.learner("Ａｌｅｘ").id == store.learner("alex").id


def _make_version_2(url: str, names: list[tuple[str, str]]) -> None:
    """A database as msp_learn left it at schema version 2 (old keys: casefold of NFC)."""
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE learners DROP COLUMN secret_hash"))
        conn.execute(text("ALTER TABLE learners DROP COLUMN role"))
        conn.execute(text("DELETE FROM msp_schema_versions"))
        conn.execute(text("INSERT INTO msp_schema_versions VALUES (2, 'old', '2026-01-01')"))
        for name, key in names:
            conn.execute(text("INSERT INTO learners (name, name_key, created_at) VALUES "
                              "(:n, :k, '2026-01-01')"), {"n": name, "k": key})
    engine.dispose()


def test_step_3_adds_secrets_and_roles_and_rekeys_names(url):
    """Does migrating a version-2 database keep every learner, add the new columns, and
    re-key names by the new rules unless two learners would then share one key?"""
    _make_version_2(url, [("Ｂｅａ", "ｂｅａ"), ("Alex", "alex"), ("Ａｌｅｘ", "ａｌｅｘ")])
    with Store(url) as store:
        with store._engine.connect() as conn:
            assert current_version(conn) == STEPS[-1].version  # through step 3 and on
        assert store.find_learner("bea").name == "Ｂｅａ"       # re-keyed (NFKC)
        assert store.find_learner("alex").name == "Alex"
        names = sorted(learner.name for learner in store.learners())
        assert names == sorted(["Ｂｅａ", "Alex", "Ａｌｅｘ"])   # the clash kept both
        assert {learner.role for learner in store.learners()} == {"learner"}
        assert store.secret_hash("Alex") is None


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_reset_secret_prints_a_new_secret_that_works(capsys, url):
    with Store(url) as store:
        store.claim("Bea Forgetful", "1234")
    code, out, _ = run(capsys, "learner", "reset-secret", "bea forgetful", "--db", url)
    assert code == 0 and "their work is all kept" in out
    secret = re.search(r"new secret is: (\S+)", out).group(1)
    with Store(url) as store:
        assert store.check_secret("Bea Forgetful", secret)
        assert not store.check_secret("Bea Forgetful", "1234")
    code, _, err = run(capsys, "learner", "reset-secret", "Nobody", "--db", url)
    assert code == 1 and "no learner called 'Nobody'" in err


def test_role_command_shows_and_sets_roles(capsys, url):
    with Store(url) as store:
        store.claim("Dee", "1234")
    assert run(capsys, "learner", "role", "Dee", "--db", url)[:2] == (0, "Dee is a learner\n")
    code, out, _ = run(capsys, "learner", "role", "dee", "lead", "--db", url)
    assert (code, out) == (0, "Dee is now a lead\n")
    with Store(url) as store:
        assert store.role("Dee") == "lead"
    with pytest.raises(SystemExit) as info:
        run(capsys, "learner", "role", "Dee", "admin", "--db", url)
    assert info.value.code == 2
    code, _, err = run(capsys, "learner", "role", "Nobody", "trainer", "--db", url)
    assert code == 1 and "no learner" in err


def test_identity_imports_nothing_above_it():
    """Does identity stay pure: no content, widgets, store or server imports?"""
    import subprocess
    import sys

    code = ("import sys, msp_learn.identity; bad = [m for m in sys.modules if m.startswith("
            "('msp_learn.content', 'msp_learn.widgets', 'msp_learn.store', 'msp_learn.server',"
            " 'ipywidgets', 'voila', 'sqlalchemy'))]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
    assert identity.ROLES == ("learner", "trainer", "lead")
