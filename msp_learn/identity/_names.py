"""Learners' names: Unicode normalisation, refused characters, and the key names match by.

A name is shown as typed (NFC, spaces tidied) but matched by a key that ignores case and
compatibility variants (NFKC + casefold), so 'Alex', 'ALEX ' and a full-width 'Ａｌｅｘ' are one
learner. Characters that are invisible or change how text around them is displayed (control,
format, zero-width and bidirectional-override characters) are refused with a message saying
which one and where, because they let one name display as another.
"""

from __future__ import annotations

import unicodedata

#: The longest name or pseudonym, in characters.
NAME_LENGTH = 80
#: The longest key a name may have (NFKC can expand a character to several).
KEY_LENGTH = 3 * NAME_LENGTH

#: Unicode categories refused anywhere in a name: control, format (zero-width, bidi
#: embeddings, overrides and isolates, soft hyphen...), surrogates, private use, unassigned,
#: line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
#: Characters of other categories that show as nothing (fillers, blanks, variation selectors).
_INVISIBLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0,
              *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C}


class BadNameError(ValueError):
    """A name that cannot name a learner; the message says why and how to fix it."""


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def _refused(ch: str) -> str | None:
    """Why ``ch`` cannot be in a name, or None if it can."""
    code = ord(ch)
    if code in _BIDI:
        return "text-direction controls, which can make a name display as a different one"
    category = unicodedata.category(ch)
    if category == "Cc":
        return "control characters"
    if category in _REFUSED_CATEGORIES or code in _INVISIBLE:
        return "invisible or formatting characters"
    return None


def clean_name(name: object) -> str:
    """``name`` as it is kept and shown: NFC, runs of spaces made one space, trimmed.

    Raises :class:`BadNameError` (a ValueError) for a name that is not text, is empty, is too
    long, or holds a control, invisible, zero-width or bidi-override character.
    """
    if not isinstance(name, str):
        raise BadNameError(f"a learner's name must be text, not {type(name).__name__}")
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name:
        raise BadNameError("a name or pseudonym cannot be empty: type at least one letter")
    for position, ch in enumerate(name, start=1):
        why = _refused(ch)
        if why:
            raise BadNameError(f"a name cannot contain {why}: character {position} is "
                             f"{_describe(ch)}. Type the name again without it")
    if len(name) > NAME_LENGTH:
        raise BadNameError(f"a name or pseudonym must be at most {NAME_LENGTH} characters "
                         f"(this one has {len(name)}): shorten it")
    if len(name_key_of_clean(name)) > KEY_LENGTH:
        raise BadNameError("this name is too long once normalised: shorten it")
    return name


def name_key_of_clean(name: str) -> str:
    """The matching key of a name already passed through :func:`clean_name`."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def name_key(name: object) -> str:
    """The key two spellings of one name share ('Amir ', 'AMIR' and 'amir' are one)."""
    return name_key_of_clean(clean_name(name))


def same_name(a: object, b: object) -> bool:
    """True when ``a`` and ``b`` name the same learner."""
    return name_key(a) == name_key(b)
