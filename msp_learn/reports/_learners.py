"""The learners file: who each learner is, and the team and role they are counted under.

A CSV file with a header row naming the columns ``id``, ``name``, ``team`` and ``role`` (in any
order, any case; other columns are ignored with a warning), UTF-8 with or without a byte-order
mark. ``id`` is the learner's id in nbgrader's gradebook or their name in the kit's store.

Every problem comes back positioned (file, line, column) and in plain English; nothing is
dropped silently: a row that cannot be used is named in a problem, and a row whose id is
unknown to the gradebook and the store is kept, with a warning.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

COLUMNS = ("id", "name", "team", "role")
NOT_GIVEN = "Not given"
#: The learners table's columns (docs/house.md, Reports).
LEARNER_COLUMNS = ["learner", "name", "team", "role"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the report's inputs. ``line`` and ``column`` are 1-based (0 when the
    problem is about the whole file); ``severity`` is ``error`` (something was left out) or
    ``warning`` (kept, but worth a look)."""

    file: str
    line: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (
            f":{self.column}" if self.column else "")
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {label}{self.message}"


def _decode(data: bytes, name: str) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(name, line, column, "the file is not UTF-8 text (a byte here cannot "
                             "be read). Save it as 'CSV UTF-8' from your spreadsheet and try "
                             "again; no learners were read from it.")


def read_learners(path: str | os.PathLike, *, known: Collection[str] | None = None,
                  roles: Collection[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a learners file: the learners table (``learner, name, team, role, line``) and the
    problems found.

    Args:
        path: the CSV file.
        known: the ids the gradebook and the store know; an id not among them is kept, with a
            warning (it may be a typing mistake). ``None`` skips the check.
        roles: the roles a lead expects; another role is kept, with a warning. ``None``
            skips the check.
    """
    path = Path(path)
    name = str(path)
    empty = pd.DataFrame(columns=[*LEARNER_COLUMNS, "line"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        return empty, [Problem(name, 0, 0, f"the learners file could not be read "
                                           f"({exc.strerror or type(exc).__name__}); check the "
                                           "path. Every learner is shown as 'Not given'.")]
    text, problem = _decode(data, name)
    if problem:
        return empty, [problem]
    return parse_learners(text, name, known=known, roles=roles)


def parse_learners(text: str, name: str = "learners.csv", *,
                   known: Collection[str] | None = None,
                   roles: Collection[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """:func:`read_learners` on text already read (``name`` is used in the problems)."""
    problems: list[Problem] = []
    empty = pd.DataFrame(columns=[*LEARNER_COLUMNS, "line"])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return empty, [Problem(name, 1, 0, "the learners file is empty. Its first line must "
                                           "name the columns: id,name,team,role.")]
    except csv.Error as exc:
        return empty, [Problem(name, 1, 0, f"the first line could not be read as CSV ({exc}).")]
    where: dict[str, int] = {}
    for i, title in enumerate(header):
        key = title.strip().lower()
        if key in COLUMNS and key not in where:
            where[key] = i
        elif key in COLUMNS:
            problems.append(Problem(name, 1, i + 1, f"the column '{key}' is named twice; the "
                                    "first one is used.", "warning"))
        else:
            problems.append(Problem(name, 1, i + 1, f"the column '{title.strip()}' is not one "
                                    "of id, name, team, role and is ignored.", "warning"))
    missing = [c for c in COLUMNS if c not in where]
    if "id" in missing:
        return empty, problems + [Problem(name, 1, 0, "the first line must name the columns "
                                          "id,name,team,role; 'id' is missing, so no learner "
                                          "could be read. Add a header row.")]
    for c in missing:
        problems.append(Problem(name, 1, 0, f"there is no '{c}' column; every learner's {c} is "
                                f"'{NOT_GIVEN}'.", "warning"))
    rows, first_line = [], {}
    blank: dict[str, list[int]] = {"team": [], "role": []}
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, line, 0, f"this row could not be read as CSV ({exc}) "
                                    "and is left out."))
            continue
        if not any(f.strip() for f in fields):
            continue  # a blank line
        if len(fields) != len(header):
            problems.append(Problem(name, line, min(len(fields), len(header)) + 1,
                                    f"this row has {len(fields)} values but the header has "
                                    f"{len(header)}; it is left out. Check for a stray comma."))
            continue

        def get(col: str, fields=fields) -> str:
            return fields[where[col]].strip() if col in where else ""
        ident = get("id")
        if not ident:
            problems.append(Problem(name, line, where["id"] + 1, "the id is empty; this row is "
                                    "left out. Give the learner's id in the gradebook, or their "
                                    "name in the kit."))
            continue
        if ident in first_line:
            problems.append(Problem(name, line, where["id"] + 1,
                                    f"the id '{ident}' was already given on line "
                                    f"{first_line[ident]}; this row is left out."))
            continue
        first_line[ident] = line
        if known is not None and ident not in known:
            problems.append(Problem(name, line, where["id"] + 1,
                                    f"no learner '{ident}' is in the gradebook or the kit's "
                                    "store; kept, but check the spelling.", "warning"))
        row = {"learner": ident, "name": get("name") or ident, "line": line}
        for col in ("team", "role"):
            value = " ".join(get(col).split())
            if col in where and not value:
                blank[col].append(line)
            row[col] = value or NOT_GIVEN
        if roles is not None and row["role"] != NOT_GIVEN and row["role"] not in roles:
            problems.append(Problem(name, line, where["role"] + 1,
                                    f"the role '{row['role']}' is not one of the roles "
                                    f"expected ({', '.join(sorted(roles))}); kept as written.",
                                    "warning"))
        rows.append(row)
    for col, lines in blank.items():
        if lines:
            shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
            problems.append(Problem(name, lines[0], where[col] + 1,
                                    f"{len(lines)} learner(s) have no {col} (lines {shown}); "
                                    f"they are counted under '{NOT_GIVEN}'.", "warning"))
    frame = pd.DataFrame(rows, columns=[*LEARNER_COLUMNS, "line"])
    problems += _spellings(frame, name, where)
    return frame, sorted(problems, key=lambda p: (p.line, p.column))


def _spellings(frame: pd.DataFrame, name: str, where: dict[str, int]) -> list[Problem]:
    """Teams or roles written two ways (case only): one group, under the commonest spelling."""
    problems = []
    for col in ("team", "role"):
        if col not in where or frame.empty:
            continue
        folded = frame[col].str.casefold()
        for _, values in frame.groupby(folded)[col]:
            spellings = values.value_counts()
            if len(spellings) > 1:
                keep = spellings.index[0]
                others = [s for s in spellings.index[1:]]
                lines = frame.loc[frame[col].isin(others), "line"].tolist()
                frame.loc[frame[col].isin(others), col] = keep
                problems.append(Problem(name, lines[0], where[col] + 1,
                                        f"the {col} '{keep}' is also written "
                                        f"{', '.join(repr(o) for o in others)} (lines "
                                        f"{', '.join(map(str, lines[:10]))}); counted as one "
                                        f"{col}, '{keep}'.", "warning"))
    return problems
