"""Learners' secrets (a PIN or passphrase): rules, scrypt hashing, constant-time checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets as _random
import unicodedata

SECRET_MIN = 4
SECRET_MAX = 128

# scrypt cost: 2**14 x 8 x 1 takes 16 MiB and tens of milliseconds, enough to make guessing
# from a stolen database slow while a room of 30 signs in at once without waiting.
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_SCHEME = "scrypt"


def check_secret(secret: object) -> str:
    """``secret`` NFC-normalised if it can be a secret; else ValueError saying why."""
    if not isinstance(secret, str):
        raise ValueError("a secret must be text")
    secret = unicodedata.normalize("NFC", secret)
    if len(secret) < SECRET_MIN:
        raise ValueError(f"a secret must be at least {SECRET_MIN} characters (a PIN of 4 "
                         "digits or more, or a few words)")
    if len(secret) > SECRET_MAX:
        raise ValueError(f"a secret must be at most {SECRET_MAX} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in secret):
        raise ValueError("a secret cannot contain control characters")
    return secret


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * n * 2, dklen=_KEY_BYTES)


def hash_secret(secret: str) -> str:
    """A salted scrypt hash of ``secret``, as ``scrypt$n$r$p$salt$key`` text to store."""
    secret = check_secret(secret)
    salt = os.urandom(_SALT_BYTES)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(_derive(secret, salt, _N, _R, _P))}"


def verify_secret(secret: object, stored: str | None) -> bool:
    """True when ``secret`` matches the ``stored`` hash; the comparison takes constant time.

    False for a missing or malformed hash, or a secret that breaks the rules.
    """
    if not stored or not isinstance(secret, str):
        return False
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != _SCHEME:
            return False
        n, r, p = int(n), int(r), int(p)
        if not (1 < n <= 2**20 and 0 < r <= 32 and 0 < p <= 16):
            return False
        expected = _unb64(key)
        got = _derive(unicodedata.normalize("NFC", secret), _unb64(salt), n, r, p)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def fingerprint(stored: str | None) -> str:
    """A short value that changes whenever the stored hash changes (a reset, or a name
    forgotten and taken again), so cookies signed before it stop working."""
    return hashlib.sha256((stored or "").encode("ascii", "replace")).hexdigest()[:16]


_WORDS = ("amber", "birch", "cedar", "daisy", "ember", "fern", "grove", "heath", "iris",
          "juniper", "kestrel", "lark", "maple", "nettle", "otter", "pebble", "quill", "robin",
          "sorrel", "thistle", "umber", "violet", "willow", "yarrow", "zephyr", "brook",
          "clover", "dune", "finch", "heron", "moss", "rowan")


def new_secret() -> str:
    """A fresh secret to hand a learner after a reset: three words and two digits."""
    words = [_random.choice(_WORDS) for _ in range(3)]
    return "-".join(words) + f"-{_random.randbelow(90) + 10}"
