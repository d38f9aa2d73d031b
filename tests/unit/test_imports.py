"""The command line, the content loader and the engine import no widget code."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, sys
import msp_learn.cli, msp_learn.content, msp_learn.engine
msp_learn.content.load_catalogue(overlay=None)
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in
                        ('ipywidgets', 'IPython', 'msp_learn'))))
"""


def test_cli_content_and_engine_load_no_ipywidgets():
    """Does importing (and loading content through) the CLI, content and engine leave
    ipywidgets, IPython and the kit's widgets and apps unimported?"""
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                         timeout=120)
    assert out.returncode == 0, out.stderr
    modules = json.loads(out.stdout)
    assert "msp_learn.cli" in modules and "msp_learn.engine.risk" in modules  # the probe ran
    widgety = [m for m in modules if m.split(".")[0] in ("ipywidgets", "IPython")
               or m.startswith(("msp_learn.widgets", "msp_learn.apps"))]
    assert widgety == []
