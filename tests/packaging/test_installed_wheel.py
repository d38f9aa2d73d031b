"""The kit built as a wheel and installed (not editable) works from an empty folder.

One module-scoped fixture builds the wheel from a copy of the tree and installs it with
``--target``; every command then runs the shared venv's Python with ``PYTHONPATH`` set to that
folder, so the installed copy is imported, never this checkout.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, starter

pytestmark = pytest.mark.slow  # about 40 s on a quiet 2-core machine, minutes on a busy one

SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                              ".pytest_cache", "node_modules", "artifacts", "var", "_kit",
                              "*.sqlite")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A folder holding the installed wheel (msp_learn and its shipped content)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(work / "dist"), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (work / "dist").glob("msp_learn-*.whl")
    target = work / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                           "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


@pytest.fixture
def empty(tmp_path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def env_for(installed: Path, data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MSP_LEARN_CONTENT", "MSP_LEARN_DB")}
    return env | {"PYTHONPATH": str(installed), "MSP_LEARN_DATA": str(data)} | extra


def run(installed: Path, cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env=env_for(installed, cwd.parent / "data", **extra), timeout=120)


def test_the_installed_copy_is_imported_with_its_content(installed, empty):
    """Is msp_learn imported from the installed folder, with the kit's content inside it?"""
    out = run(installed, empty, "-c", "import msp_learn, msp_learn.paths as p; "
              "print(msp_learn.__file__); print(p.kit_root()); print(p.apps_dir())")
    assert out.returncode == 0, out.stderr
    module, kit, apps = out.stdout.split()
    assert Path(module).is_relative_to(installed) and not Path(module).is_relative_to(ROOT)
    assert Path(kit) == installed / "msp_learn" / "_kit"
    assert (Path(apps) / "app.ipynb").is_file() and Path(apps).is_relative_to(installed)


def test_validate_and_list_from_an_empty_folder(installed, empty):
    """Do `validate` and `list` find the kit's content in the installed package?"""
    out = run(installed, empty, "-m", "msp_learn.cli", "validate")
    assert out.returncode == 0, out.stdout + out.stderr
    kit_files = sum(1 for d in ("case_studies", "exercises") for _ in (ROOT / d).rglob("*.yaml"))
    assert out.stdout.startswith(f"OK: {kit_files} files checked, 0 errors")
    out = run(installed, empty, "-m", "msp_learn.cli", "list", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["kind"] for r in rows} == {"case-study", "myth", "risk-scenario", "reflection-set"}
    assert all(Path(r["path"]).is_relative_to(installed) for r in rows)


def test_a_trainer_folder_adds_to_the_installed_kit(installed, empty):
    """Installed, does `new` write into the trainer's folder, which then validates with the kit?"""
    out = run(installed, empty, "-m", "msp_learn.cli", "new", "case-study", "my-case")
    assert out.returncode == 0, out.stderr
    assert (empty / "case_studies" / "my-case" / "case.yaml").is_file()
    assert not list(installed.rglob("my-case*"))
    out = run(installed, empty, "-m", "msp_learn.cli", "validate")
    assert out.returncode == 0 and " 0 errors" in out.stdout, out.stdout
    out = run(installed, empty, "-m", "msp_learn.cli", "list", "--kind", "case-study")
    assert "my-case" in out.stdout and "rosa-ferreira-keeping-paulo" in out.stdout
    elsewhere = empty.parent / "content"
    (elsewhere / "exercises" / "myths").mkdir(parents=True)
    (elsewhere / "exercises" / "myths" / "my-myth.yaml").write_text(
        starter("myth.yaml", "my-myth"), encoding="utf-8")
    out = run(installed, empty, "-m", "msp_learn.cli", "list", "--kind", "myth",
              MSP_LEARN_CONTENT=str(elsewhere))
    assert "my-myth" in out.stdout and "msp-just-a-chat" in out.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_url(proc: subprocess.Popen, timeout: float) -> str:
    """The address `serve` prints, read from its output as it comes."""
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        if not selector.select(timeout=0.5):
            continue
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(r"Open (http\S+) in a web browser", line)
        if found:
            return found.group(1)
    raise AssertionError("serve printed no address:\n" + "".join(seen))


def test_serve_from_an_empty_folder_shows_the_gallery(installed, empty):
    """Does the installed kit serve its gallery from an empty folder, with no checkout?"""
    port, token = _free_port(), "wheel-test-token"
    proc = subprocess.Popen(
        [sys.executable, "-m", "msp_learn.cli", "serve", "--port", str(port), "--pool-size", "0"],
        cwd=empty, env={**env_for(installed, empty.parent / "data"), "MSP_LEARN_TOKEN": token},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = _wait_for_url(proc, timeout=90)
        assert url == f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(url, timeout=120) as response:  # a visitor: sign in first
            page = response.read().decode("utf-8")
            assert response.status == 200
            assert "/msp/sign-in?next=%2Fvoila%2Frender%2Fapp.ipynb" in response.url
        assert "<form" in page and "Traceback" not in page
        gallery = f"{url}voila/render/app.ipynb?token={token}"  # the person running the kit
        with urllib.request.urlopen(gallery, timeout=120) as response:
            body = response.read().decode("utf-8")
            assert response.status == 200
        assert "application/vnd.jupyter.widget-view+json" in body  # the app ran and drew
        assert "There was an error" not in body and "Traceback" not in body
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
