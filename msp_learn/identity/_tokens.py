"""Signed tokens (HMAC-SHA256 with the server's secret, with an expiry) and that secret.

One token format serves two purposes, and a token made for one is refused for the other:

- ``cookie``: the browser's sign-in cookie, checked by the kit's server on every request;
- ``kernel``: the signed-in person handed to the page's kernel, checked by the kernel.

A token is ``v1.<payload>.<mac>``, both parts base64url; the payload is JSON with the
person's name (``sub``), role, the expiry time (``exp``, seconds since the epoch) and, in a
cookie, the fingerprint of the learner's secret hash (``fp``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from pathlib import Path
from typing import Any

from msp_learn.identity._roles import Person

#: Environment variable holding the server secret (hex) in the server and its kernels.
SECRET_ENV = "MSP_LEARN_SECRET"
#: The request header the kit's page handler sets for Voila to pass to the kernel, and the
#: environment variable the kernel then finds it in (Voila's ``http_header_envs``).
KERNEL_HEADER = "X-MSP-Learn-Identity"
KERNEL_ENV = "HTTP_X_MSP_LEARN_IDENTITY"
PURPOSES = ("cookie", "kernel", "query")
COOKIE_SECONDS = 14 * 24 * 3600
KERNEL_SECONDS = 15 * 60


class BadToken(ValueError):
    """A token that is malformed, forged, for another purpose, or expired."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: bytes | str) -> bytes:
    key = bytes.fromhex(secret) if isinstance(secret, str) else secret
    if len(key) < 16:
        raise ValueError("the server secret must be at least 16 bytes")
    return key


def _mac(secret: bytes | str, purpose: str, body: str) -> bytes:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return hmac.new(_key(secret), f"msp-learn/{purpose}/{body}".encode(), hashlib.sha256).digest()


def sign(payload: dict[str, Any], secret: bytes | str, *, purpose: str, seconds: float,
         now: float | None = None) -> str:
    """A token carrying ``payload`` for ``purpose`` that expires after ``seconds``."""
    issued = time.time() if now is None else now
    body = _b64(json.dumps({**payload, "exp": int(issued + seconds)}, separators=(",", ":"),
                           ensure_ascii=False).encode("utf-8"))
    return f"v1.{body}.{_b64(_mac(secret, purpose, body))}"


def verify(token: object, secret: bytes | str, *, purpose: str,
           now: float | None = None) -> dict[str, Any]:
    """The payload of ``token`` if it was signed with ``secret`` for ``purpose`` and has not
    expired; else :class:`BadToken`."""
    if not isinstance(token, str) or len(token) > 4096:
        raise BadToken("no token")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != "v1":
        raise BadToken("not a kit token")
    try:
        mac = _unb64(parts[2])
    except (binascii.Error, ValueError):
        raise BadToken("malformed signature") from None
    if not hmac.compare_digest(mac, _mac(secret, purpose, parts[1])):
        raise BadToken("bad signature")
    try:
        payload = json.loads(_unb64(parts[1]))
    except (binascii.Error, ValueError):
        raise BadToken("malformed payload") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        raise BadToken("malformed payload")
    if payload["exp"] <= (time.time() if now is None else now):
        raise BadToken("expired")
    return payload


def person_token(person: Person, secret: bytes | str, *, purpose: str, seconds: float,
                 fingerprint: str = "", now: float | None = None) -> str:
    """A token naming ``person`` (the cookie's also carries the secret's fingerprint)."""
    payload: dict[str, Any] = {"sub": person.name, "role": person.role}
    if person.operator:
        payload["op"] = True
    if fingerprint:
        payload["fp"] = fingerprint
    return sign(payload, secret, purpose=purpose, seconds=seconds, now=now)


def person_from(token: object, secret: bytes | str, *, purpose: str,
                now: float | None = None) -> tuple[Person, str]:
    """``(person, fingerprint)`` from a token made by :func:`person_token`; BadToken if not."""
    payload = verify(token, secret, purpose=purpose, now=now)
    try:
        person = Person(str(payload["sub"]), str(payload.get("role", "learner")),
                        operator=payload.get("op") is True)
    except (KeyError, ValueError):
        raise BadToken("malformed payload") from None
    return person, str(payload.get("fp", ""))


def query_proof(secret: bytes | str, kernel_id: str) -> str:
    """What a kernel shows the server to fetch its own request (hex): only code holding the
    server secret can make it, so a leaked kernel id alone reads nothing."""
    return _mac(secret, "query", kernel_id).hex()


def check_query_proof(secret: bytes | str, kernel_id: str, proof: str) -> bool:
    """True when ``proof`` is :func:`query_proof` for ``kernel_id`` (constant time)."""
    return hmac.compare_digest(query_proof(secret, kernel_id), str(proof))


def kernel_person(environ: dict[str, str] | None = None) -> Person | None:
    """Inside a kernel: the signed-in person the server handed over, or None when there is
    none or it does not verify (no server secret, forged, for another purpose, expired)."""
    environ = os.environ if environ is None else environ
    secret, token = environ.get(SECRET_ENV), environ.get(KERNEL_ENV)
    if not secret or not token:
        return None
    try:
        person, _ = person_from(token, secret, purpose="kernel")
    except (BadToken, ValueError):
        return None
    return person


def load_or_create_secret(path: Path) -> str:
    """The server secret kept in ``path`` (hex text, file mode 0600), made on first use."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        secret = path.read_text("ascii").strip()
        _key(secret)  # a damaged file fails here, loudly, rather than signing with junk
        return secret
    secret = os.urandom(32).hex()
    with os.fdopen(fd, "w") as out:
        out.write(secret + "\n")
    return secret
