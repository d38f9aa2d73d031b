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
from ._section import Section

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
          problems: Sequence[str] = ()) -> list[Path]:
    """Write the report of ``sections`` into ``out_dir`` (created if missing); return the
    paths written. ``progress(done, total, label)`` is called as each part is drawn;
    ``problems`` (the data's problems, as plain sentences) are listed at the report's top.

    Raises ValueError when ``out_dir`` is an existing file.
    """
    sections = list(sections)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder: name a folder for the report")
    (out / "csv").mkdir(parents=True, exist_ok=True)
    total = 3 * len(sections) + 1
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    now = dt.datetime.now()
    written = [_atomic(out / "report.html", lambda p: p.write_text(
        page(sections, title=title, generated=now, problems=problems,
             on_section=lambda s: tick(f"HTML: {s.title}")), encoding="utf-8"))]
    written.append(_atomic(out / "report.xlsx", lambda p: write_excel(
        sections, p, title=f"{title} ({now:%d %B %Y})",
        on_section=lambda s: tick(f"Excel: {s.title}"))))
    for name, s in zip(file_names(sections), sections, strict=True):
        written.append(_atomic(out / "csv" / name, lambda p, s=s: write_csv(s, p)))
        tick(f"CSV: {s.title}")
    tick("done")
    return written
