"""JupyterLab as the kit runs it: offline, so no news feed, no update checks, no question.

An installed kit (``pip install .``, a wheel, a hub image) puts two settings files where
JupyterLab reads them (``jupyter-config/``, installed as data files; see pyproject.toml). An
editable install (``pip install -e .``) does not install data files, so ``msp-learn lab``
starts JupyterLab with the same two settings given on its command line: the server's
(``jupyter-config/server/msp_learn.json``) as options, and the lab overrides
(``jupyter-config/lab/overrides.d``) by pointing ``LabApp.app_settings_dir`` at the kit's
copy when the installed one is missing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

#: The kit's settings files, in the checkout (an editable install runs from it).
CHECKOUT = Path(__file__).resolve().parent.parent / "jupyter-config"
#: Where the wheel installs the lab overrides (JupyterLab's default app settings folder).
OVERRIDES = "overrides.d/msp_learn.json"
#: The server settings, as the wheel installs them (used when the checkout is not there).
SERVER_SETTINGS = {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}


def installed_settings_dir(prefix: str | None = None) -> Path:
    """JupyterLab's default app settings folder for this environment."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def server_settings() -> dict:
    """``LabApp`` options that turn the news feed and update checks off."""
    path = CHECKOUT / "server" / "msp_learn.json"
    return json.loads(path.read_text())["LabApp"] if path.is_file() else dict(SERVER_SETTINGS)


def lab_argv(args: Sequence[str] = (), *, python: str | None = None,
             prefix: str | None = None) -> list[str]:
    """The command ``msp-learn lab ARGS`` runs: JupyterLab with the kit's settings, then
    ``args`` (which may override any of them)."""
    argv = [python or sys.executable, "-m", "jupyterlab"]
    for name, value in server_settings().items():
        argv.append(f"--LabApp.{name}={'None' if value is None else value}")
    if not (installed_settings_dir(prefix) / OVERRIDES).is_file() and \
            (CHECKOUT / "lab" / OVERRIDES).is_file():
        argv.append(f"--LabApp.app_settings_dir={CHECKOUT / 'lab'}")
    argv.extend(args)
    return argv
