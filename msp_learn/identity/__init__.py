"""Who a person is: names, roles and the one role check, secrets, signed tokens.

Pure: imports neither content nor widgets nor the store (the store imports it). The kit's
server turns a signed cookie into a :class:`Person`; pages and commands check roles with
:func:`require`; the page's kernel reads the person the server handed it with
:func:`kernel_person`. Under JupyterHub, an adapter maps the hub user to a :class:`Person`.
"""

from msp_learn.identity._limits import RateLimiter
from msp_learn.identity._names import (
    KEY_LENGTH,
    NAME_LENGTH,
    BadNameError,
    clean_name,
    name_key,
    same_name,
)
from msp_learn.identity._roles import ROLES, Forbidden, NotSignedIn, Person, check_role, require
from msp_learn.identity._secrets import (
    SECRET_MAX,
    SECRET_MIN,
    check_secret,
    fingerprint,
    hash_secret,
    new_secret,
    verify_secret,
)
from msp_learn.identity._tokens import (
    COOKIE_SECONDS,
    KERNEL_ENV,
    KERNEL_HEADER,
    KERNEL_SECONDS,
    SECRET_ENV,
    BadToken,
    check_query_proof,
    kernel_person,
    load_or_create_secret,
    person_from,
    person_token,
    query_proof,
    sign,
    verify,
)

__all__ = ["COOKIE_SECONDS", "KERNEL_ENV", "KERNEL_HEADER", "KERNEL_SECONDS", "KEY_LENGTH",
           "NAME_LENGTH", "ROLES", "SECRET_ENV", "SECRET_MAX", "SECRET_MIN", "BadNameError",
           "BadToken", "Forbidden", "NotSignedIn", "Person", "RateLimiter", "check_query_proof",
           "check_role", "check_secret", "clean_name", "fingerprint", "hash_secret",
           "kernel_person", "load_or_create_secret", "name_key", "new_secret", "person_from",
           "person_token", "query_proof", "require", "same_name", "sign", "verify",
           "verify_secret"]
