"""Build step: copy the kit's content and apps into the wheel.

``case_studies/``, ``exercises/`` and ``voila_apps/`` stay at the top of the checkout (authors
and the design card expect them there). A wheel has no top level, so the build copies them into
the package as ``msp_learn/_kit/``, where :func:`msp_learn.paths.kit_root` finds them in an
installed copy. An editable install reads them from the checkout and copies nothing.
Everything else is configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
KIT_DIRS = ("case_studies", "exercises", "voila_apps")
SKIP = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", ".ipynb_checkpoints")


class build_py_with_kit(build_py):  # noqa: N801 - setuptools' command naming
    """build_py, then the kit's content and apps into ``build/lib/msp_learn/_kit/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib, "msp_learn", "_kit")
        for name in KIT_DIRS:
            source = HERE / name
            if not source.is_dir():
                raise SystemExit(f"cannot build the wheel: {source} is missing")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=SKIP)


setup(cmdclass={"build_py": build_py_with_kit})
