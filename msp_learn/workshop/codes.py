"""Join codes a room can read off a projector and type on a phone, and learners' aliases."""

from __future__ import annotations

import secrets
import unicodedata

#: No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V: nothing a tired room can misread from the back.
CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
CODE_LENGTH = 6
ALIAS_MAX = 30


class CodeError(ValueError):
    """A join code or alias that cannot be used; the message says how to fix it."""


def new_code(length: int = CODE_LENGTH) -> str:
    """A random join code of ``length`` characters from :data:`CODE_ALPHABET`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def clean_code(typed: str) -> str:
    """The code as typed, upper-cased with spaces and dashes removed.

    Raises CodeError when it is the wrong length or has a character no code uses.
    """
    code = "".join(ch for ch in str(typed).upper() if ch not in " -\t")
    if not code:
        raise CodeError("Type the join code shown on the trainer's screen.")
    wrong = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if wrong:
        raise CodeError(f"A join code never has {' or '.join(repr(c) for c in wrong)}: check "
                        "the code on the trainer's screen and type it again.")
    if len(code) != CODE_LENGTH:
        raise CodeError(f"A join code has {CODE_LENGTH} characters; you typed {len(code)}.")
    return code


def clean_alias(typed: str) -> str:
    """An alias with spaces tidied; raises CodeError if empty, too long or unprintable."""
    alias = " ".join(unicodedata.normalize("NFC", str(typed)).split())
    if not alias:
        raise CodeError("Type a name or nickname to show the trainer (it need not be your "
                        "real name).")
    if len(alias) > ALIAS_MAX:
        raise CodeError(f"Keep your name under {ALIAS_MAX + 1} characters (it has {len(alias)}).")
    if any(unicodedata.category(ch).startswith("C") for ch in alias):
        raise CodeError("Your name has a character that cannot be shown; use letters, digits "
                        "and spaces.")
    return alias


def alias_key(alias: str) -> str:
    """What makes two aliases the same: case and spacing do not count."""
    return clean_alias(alias).casefold()
