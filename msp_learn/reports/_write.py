"""Write a report's files: ``report.html``, ``report.xlsx`` and ``csv/<section id>.csv``.

Each file is written beside its final name and then moved into place, so an interrupted
run leaves the previous report whole rather than half a new one.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ._csv import file_names, write_csv
from ._excel import write_excel
from ._html import TITLE, page
from ._section import Section, for_sharing

Progress = Callable[[int, int, str], None]


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    part = path.with_name(f".{path.name}.part")
    try:
        write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


def write(sections: Sequence[Section], out_dir: str | os.PathLike[str], *,
          progress: Progress | None = None, title: str = TITLE,
          problems: Sequence[str] = (), shared: bool = False) -> list[Path]:
    """Write the report of ``sections`` into ``out_dir`` (created if missing); return the
    paths written. ``progress(done, total, label)`` is called as each part is drawn;
    ``problems`` (the data's problems, as plain sentences) are listed at the report's top.
    ``shared``: a copy to share beyond the learners' managers: only ``for_sharing``'s
    sections, the problems counted rather than listed, and the page says so.

    Raises ValueError when ``out_dir`` is an existing file.
    """
    every = list(sections)
    sections = for_sharing(every) if shared else every
    if shared and problems:
        many = len(problems) != 1
        problems = [f"{len(problems)} problem{'s' * many} found in the data {'are' if many else 'is'} "
                    "listed in the managers' copy of this report (made without --board)."]
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder: name a folder for the report")
    (out / "csv").mkdir(parents=True, exist_ok=True)
    if shared:  # an earlier managers' copy here must not leave its named tables behind
        kept = {id(s) for s in sections}
        for name, s in zip(file_names(every), every, strict=True):
            if id(s) not in kept:
                (out / "csv" / name).unlink(missing_ok=True)
    total = 3 * len(sections) + 1
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    now = dt.datetime.now()
    written = [_atomic(out / "report.html", lambda p: p.write_text(
        page(sections, title=title, generated=now, problems=problems, shared=shared,
             on_section=lambda s: tick(f"HTML: {s.title}")), encoding="utf-8"))]
    written.append(_atomic(out / "report.xlsx", lambda p: write_excel(
        sections, p, title=f"{title} ({now:%d %B %Y})",
        on_section=lambda s: tick(f"Excel: {s.title}"))))
    for name, s in zip(file_names(sections), sections, strict=True):
        written.append(_atomic(out / "csv" / name, lambda p, s=s: write_csv(s, p)))
        tick(f"CSV: {s.title}")
    tick("done")
    return written
