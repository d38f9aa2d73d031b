"""The content lint's rules applied to the kit's own wording files (``risk_reasons.yaml``).

These files are not content items (they have no schema of their own), but a learner reads
every sentence in them, so they get the same checks, with the same positioned messages: no
real-looking personal data, no placeholder text, no sentence over the lint's word limit.
"""

from __future__ import annotations

import os
from importlib import resources

from msp_learn.content.lint import (
    MAX_SENTENCE_WORDS,
    PII_HINT,
    PII_PATTERNS,
    PLACEHOLDER_HINT,
    PLACEHOLDERS,
    sentences,
    strings,
    words,
)
from msp_learn.content.problems import Problem
from msp_learn.content.steps import FILE_STEPS, run_steps
from msp_learn.vocab import RISK_REASONS

#: Only the loader's reading steps: a wording file has no kind, schema or item.
READ_STEPS = tuple(step for step in FILE_STEPS if step.name in ("read", "decode", "parse"))


def risk_reasons_path() -> str:
    """Where the kit's risk reasons are (inside the installed package)."""
    return str(resources.files("msp_learn").joinpath(RISK_REASONS))


def check_wording(path: str | os.PathLike | None = None) -> list[Problem]:
    """Every lint problem in a wording file (default: the kit's risk reasons), placed at its
    value. Bad YAML is reported as the loader reports it."""
    work = run_steps(str(path or risk_reasons_path()), READ_STEPS)
    if work.located is None:
        return work.problems
    problems = list(work.problems)
    for value_path, value in strings(work.located.data):
        found: list[tuple[str, str, str]] = []  # (message, hint, severity)
        for pattern, what in PII_PATTERNS:
            found += [(f"'{m.group()}' looks like {what}", PII_HINT, "error")
                      for m in pattern.finditer(value)]
        found += [(f"placeholder text '{m.group()}'", PLACEHOLDER_HINT, "error")
                  for m in PLACEHOLDERS.finditer(value)]
        found += [(f"this sentence has {len(words(s))} words; keep sentences to "
                   f"{MAX_SENTENCE_WORDS} words or fewer", "Split it into two or more sentences.",
                   "warning") for s in sentences(value) if len(words(s)) > MAX_SENTENCE_WORDS]
        mark = work.located.mark(value_path)
        problems += [Problem(work.path, mark.line, mark.column, message, hint, severity)
                     for message, hint, severity in found]
    return sorted(problems)
