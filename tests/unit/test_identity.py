"""Identity: names, roles and the role check, secrets, signed tokens, the wrong-secret limiter."""

from __future__ import annotations

import os
import stat
import time

import pytest

from msp_learn import identity
from msp_learn.identity import Forbidden, NotSignedIn, Person, RateLimiter, require

SECRET = "ab" * 32


# names

@pytest.mark.parametrize("typed, kept", [
    ("  Alex   Newcomer ", "Alex Newcomer"),
    ("Jose\u0301", "José"),                     # decomposed accent composed (NFC)
    ("Amir\u00a0Khan", "Amir Khan"),             # no-break space becomes a space
    ("Ａｌｅｘ", "Ａｌｅｘ"),                    # kept as typed, matched as 'alex'
    ("مرحبا", "مرحبا"),                          # right-to-left script itself is fine
])
def test_names_are_normalised_for_display(typed, kept):
    """Is a name kept NFC-normalised with its spaces tidied, and otherwise as typed?"""
    assert identity.clean_name(typed) == kept


@pytest.mark.parametrize("a, b", [("Alex", "ALEX "), ("Ａｌｅｘ", "alex"), ("José", "JOSE\u0301"),
                                  ("Straße", "STRASSE"), ("ﬁona", "Fiona")])
def test_names_match_ignoring_case_and_compatibility_forms(a, b):
    """Do two spellings of one name (case, full-width, ligatures, accents) name one learner?"""
    assert identity.same_name(a, b)
    assert identity.name_key(a) == identity.name_key(b)


def test_different_names_stay_different():
    """Are names that only look alike after case folding kept apart when they differ?"""
    assert not identity.same_name("Alex", "Alexa")
    assert not identity.same_name("Jose", "José")


@pytest.mark.parametrize("bad, message", [
    ("Alex\u202eredli", "text-direction controls"),      # right-to-left override
    ("Bea\u2066x\u2069", "text-direction controls"),     # isolates
    ("Al\u200bex", "U\\+200B ZERO WIDTH SPACE"),
    ("Al\u200dex", "invisible or formatting"),           # zero-width joiner
    ("\u3164", "invisible or formatting"),               # Hangul filler, shows as nothing
    ("Alex\ufe0f", "invisible or formatting"),           # variation selector
    ("a\x00b", "control characters"),
    ("a\x07b", "control characters"),
    ("", "cannot be empty"), ("\u2003 \t", "cannot be empty"),
    ("x" * 81, "at most 80"), (None, "must be text"),
])
def test_names_that_could_pass_for_another_are_refused(bad, message):
    """Is a control, invisible, zero-width or bidi-override character refused, saying which?"""
    with pytest.raises(ValueError, match=message):
        identity.clean_name(bad)


def test_the_message_says_where_the_character_is():
    with pytest.raises(identity.BadNameError, match="character 3 is U\\+202E"):
        identity.clean_name("Al\u202eex")


# roles

def test_require_lets_each_role_reach_what_it_should():
    """Does a lead reach trainer and learner pages, a trainer learner pages, and not more?"""
    learner, trainer, lead = Person("L"), Person("T", "trainer"), Person("D", "lead")
    assert require(learner) is learner
    assert require(trainer, "learner") is trainer
    assert require(lead, "trainer") is lead and require(lead, "lead") is lead
    with pytest.raises(Forbidden, match="for trainers; you are signed in as a learner"):
        require(learner, "trainer")
    with pytest.raises(Forbidden, match="for workforce leads"):
        require(trainer, "lead")


def test_require_refuses_nobody_and_unknown_roles():
    with pytest.raises(NotSignedIn, match="Sign in"):
        require(None)
    with pytest.raises(ValueError, match="not a role"):
        require(Person("X"), "admin")
    with pytest.raises(ValueError, match="not a role"):
        Person("X", "superuser")


# secrets

def test_a_secret_hash_verifies_only_its_secret():
    """Does a scrypt hash verify its own secret and no other, and is it salted?"""
    first, second = identity.hash_secret("4321"), identity.hash_secret("4321")
    assert first.startswith("scrypt$") and first != second  # salted
    assert "4321" not in first
    assert identity.verify_secret("4321", first) and identity.verify_secret("4321", second)
    assert not identity.verify_secret("4322", first)
    assert not identity.verify_secret("", first)
    assert not identity.verify_secret("4321", None)
    assert not identity.verify_secret("4321", "scrypt$junk")
    assert not identity.verify_secret("4321", "md5$1$2$3$4$5")


@pytest.mark.parametrize("bad, message", [("123", "at least 4"), ("x" * 129, "at most 128"),
                                          ("ab\ncd", "control"), (1234, "text")])
def test_bad_secrets_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        identity.hash_secret(bad)


def test_new_secrets_are_different_and_valid():
    made = {identity.new_secret() for _ in range(20)}
    assert len(made) > 15
    for secret in made:
        assert identity.check_secret(secret) == secret


def test_the_fingerprint_changes_with_the_hash():
    a, b = identity.hash_secret("1111"), identity.hash_secret("1111")
    assert identity.fingerprint(a) != identity.fingerprint(b)
    assert identity.fingerprint(a) == identity.fingerprint(a)


# tokens

def test_a_token_carries_its_person_until_it_expires():
    token = identity.person_token(Person("Alex", "trainer"), SECRET, purpose="cookie",
                                  seconds=60, fingerprint="f1", now=1000)
    person, fp = identity.person_from(token, SECRET, purpose="cookie", now=1059)
    assert person == Person("Alex", "trainer") and fp == "f1"
    with pytest.raises(identity.BadToken, match="expired"):
        identity.person_from(token, SECRET, purpose="cookie", now=1060)


def test_a_token_for_one_purpose_is_refused_for_another():
    """Can a token made for a kernel never serve as a sign-in cookie, and the reverse?"""
    kernel = identity.person_token(Person("Alex"), SECRET, purpose="kernel", seconds=60)
    with pytest.raises(identity.BadToken, match="signature"):
        identity.verify(kernel, SECRET, purpose="cookie")
    assert identity.verify(kernel, SECRET, purpose="kernel")["sub"] == "Alex"


def test_forged_and_tampered_tokens_are_refused():
    token = identity.person_token(Person("Alex"), SECRET, purpose="cookie", seconds=60)
    other = identity.person_token(Person("Alex"), "cd" * 32, purpose="cookie", seconds=60)
    with pytest.raises(identity.BadToken):
        identity.verify(other, SECRET, purpose="cookie")
    head, body, mac = token.split(".")
    forged = identity.sign({"sub": "Bea", "role": "lead"}, "cd" * 32, purpose="cookie",
                           seconds=60).split(".")[1]
    for bad in (f"{head}.{forged}.{mac}", f"{head}.{body}.{mac[:-2]}", "v2." + body + "." + mac,
                "", "garbage", None, "v1..", "x" * 5000):
        with pytest.raises(identity.BadToken):
            identity.verify(bad, SECRET, purpose="cookie")


def test_the_kernel_reads_only_a_verified_person():
    token = identity.person_token(Person("Alex"), SECRET, purpose="kernel", seconds=60)
    env = {identity.SECRET_ENV: SECRET, identity.KERNEL_ENV: token}
    assert identity.kernel_person(env) == Person("Alex")
    assert identity.kernel_person({**env, identity.SECRET_ENV: "cd" * 32}) is None
    assert identity.kernel_person({identity.KERNEL_ENV: token}) is None
    cookie = identity.person_token(Person("Alex"), SECRET, purpose="cookie", seconds=60)
    assert identity.kernel_person({**env, identity.KERNEL_ENV: cookie}) is None


def test_only_the_secret_makes_a_kernels_query_proof():
    kid = "0d79b1fb-76e4-4935-a923-21f624a8f987"
    proof = identity.query_proof(SECRET, kid)
    assert identity.check_query_proof(SECRET, kid, proof)
    assert not identity.check_query_proof(SECRET, kid.replace("0", "1"), proof)
    assert not identity.check_query_proof("cd" * 32, kid, proof)


def test_the_server_secret_is_made_once_and_kept_private(tmp_path):
    """Is the secret file made with mode 0600, and the same secret read back afterwards?"""
    path = tmp_path / "data" / "server_secret"
    first = identity.load_or_create_secret(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(bytes.fromhex(first)) == 32
    os.chmod(path, 0o644)
    assert identity.load_or_create_secret(path) == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    path.write_text("short")
    with pytest.raises(ValueError):
        identity.load_or_create_secret(path)


# the limiter

def test_the_limiter_blocks_after_the_limit_then_lets_go():
    now = [0.0]
    limits = RateLimiter(3, 60, clock=lambda: now[0])
    for _ in range(3):
        assert limits.blocked("alex") == 0
        limits.failed("alex")
        now[0] += 1
    assert limits.blocked("alex") == pytest.approx(57)
    assert limits.blocked("bea") == 0              # one name's failures do not block another
    now[0] = 60.5
    assert limits.blocked("alex") == 0             # the first failure has aged out
    limits.failed("alex")
    assert limits.blocked("alex") > 0
    limits.succeeded("alex")
    assert limits.blocked("alex") == 0


def test_the_limiter_keeps_bounded_memory():
    limits = RateLimiter(1, 60, clock=time.monotonic, max_keys=100)
    for i in range(1000):
        limits.failed(f"name-{i}")
    assert len(limits._failures) <= 100
