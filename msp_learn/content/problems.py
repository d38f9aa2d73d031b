"""Problems found in content files, each with a place and a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a look) in a content file.

    ``line`` and ``column`` are 1-based. ``hint`` says how to fix it.
    """

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        tail = f" {self.hint}" if self.hint else ""
        label = "" if self.severity == "error" else "warning: "
        stop = "" if self.message.endswith((".", "?", "!")) else "."
        return f"{self.path}:{self.line}:{self.column}: {label}{self.message}{stop}{tail}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
