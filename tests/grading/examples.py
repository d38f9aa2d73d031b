"""A course made as a lead makes one, with the kit's worked assessed examples."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from msp_learn.grading import init_course

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "assessed"
#: The example myths' ids, in file-name order.
MYTHS = sorted(p.stem for p in (EXAMPLE / "exercises" / "myths").glob("*.yaml"))


def example_course(root: Path, assignments: list[dict]) -> Path:
    """``course init`` at ``root``, the examples copied into ``assessed/``, and a
    course.yaml listing ``assignments``."""
    init_course(root)
    shutil.copytree(EXAMPLE, root / "assessed", dirs_exist_ok=True)
    (root / "course.yaml").write_text(yaml.safe_dump({"course_id": "c1",
                                                      "assignments": assignments}))
    return root
