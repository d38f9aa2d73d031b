"""A word filter for abuse in free text; the words are data (``blocked_words.txt``).

The filter only flags an entry: every free-text entry stays hidden until the trainer shows
it, and a flagged one is marked (its blocked words masked) in the trainer's queue.
"""

from __future__ import annotations

import re
from importlib import resources
from os import PathLike
from pathlib import Path

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i"})
_TOKEN = re.compile(r"[\w@$!]+", re.UNICODE)
_ENDINGS = ("", "s", "es", "ed", "er", "ers", "ing", "y")


def read_words(text: str) -> frozenset[str]:
    """Words from a list: one a line; blank lines and lines starting ``#`` are skipped."""
    return frozenset(line.strip().casefold() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))


class WordFilter:
    """Catches blocked words, also with digits for letters, repeated letters or endings.

    Args:
        words: the blocked words; default: the kit's ``blocked_words.txt``.
        extra: a file of more words (one a line), e.g. a council's own list.
    """

    def __init__(self, words: frozenset[str] | None = None,
                 extra: str | PathLike[str] | None = None) -> None:
        if words is None:
            words = read_words(resources.files("msp_learn.workshop")
                               .joinpath("blocked_words.txt").read_text("utf-8"))
        if extra is not None:
            words = words | read_words(Path(extra).read_text("utf-8"))
        self.words = frozenset(words)

    def _blocked(self, token: str) -> bool:
        forms = set()
        for raw in (token, token.strip("!@$")):  # "sh!t" but also "bastard!"
            word = raw.casefold().translate(_LEET)
            forms |= {word, re.sub(r"(.)\1+", r"\1", word)}
        for form in forms:
            for ending in _ENDINGS:
                if ending and form.endswith(ending) and form[: -len(ending)] in self.words:
                    return True
            if form in self.words:
                return True
        return False

    def flags(self, text: str) -> bool:
        """True when ``text`` holds a blocked word."""
        return any(self._blocked(t) for t in _TOKEN.findall(text))

    def mask(self, text: str) -> str:
        """``text`` with each blocked word replaced by its first letter and asterisks."""
        return _TOKEN.sub(lambda m: m.group(0)[0] + "*" * (len(m.group(0)) - 1)
                          if self._blocked(m.group(0)) else m.group(0), text)
