"""JupyterLab as the kit ships it: offline, so no news feed, no update checks, no question."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import tomllib
import urllib.request

from msp_learn.lab import lab_argv
from tests.conftest import ROOT

LAB = ROOT / "jupyter-config" / "lab"
SERVER = ROOT / "jupyter-config" / "server" / "msp_learn.json"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_the_wheel_installs_both_settings_files():
    """Does the package install the lab overrides and the server config where Jupyter reads
    them (share/jupyter/lab/settings/overrides.d and etc/jupyter/jupyter_server_config.d)?"""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    assert data["share/jupyter/lab/settings/overrides.d"] == [
        "jupyter-config/lab/overrides.d/msp_learn.json"]
    assert data["etc/jupyter/jupyter_server_config.d"] == [
        "jupyter-config/server/msp_learn.json"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_msp_learn_lab_uses_the_installed_settings_or_the_kit_copy(tmp_path):
    """Does `msp-learn lab` give JupyterLab the kit's server settings always, and point it at
    the kit's lab overrides only where the install did not put them (an editable install)?"""
    server = json.loads(SERVER.read_text())["LabApp"]
    argv = lab_argv(["--port=9999"], prefix=str(tmp_path))
    assert argv[1:3] == ["-m", "jupyterlab"] and argv[-1] == "--port=9999"
    assert "--LabApp.news_url=None" in argv and server["news_url"] is None
    assert f"--LabApp.check_for_updates_class={server['check_for_updates_class']}" in argv
    assert f"--LabApp.app_settings_dir={LAB}" in argv
    installed = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.d"
    installed.mkdir(parents=True)
    (installed / "msp_learn.json").write_text((LAB / "overrides.d" / "msp_learn.json").read_text())
    assert not any("app_settings_dir" in a for a in lab_argv(prefix=str(tmp_path)))


def test_jupyterlab_with_the_kit_settings_asks_nothing_and_fetches_nothing(tmp_path):
    """Started as `msp-learn lab` starts it in an editable install, does JupyterLab turn news
    and update checks off?"""
    port, token = _free_port(), "kit-settings-test"
    env = {**os.environ, "HOME": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    argv = lab_argv(["--no-browser", "--allow-root", f"--port={port}",
                     "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
                     f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}"],
                    prefix=str(tmp_path))
    assert f"--LabApp.app_settings_dir={LAB}" in argv
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> str:
        request = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.read().decode()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                assert proc.poll() is None, "jupyter lab exited at start"
                assert time.monotonic() < deadline, "jupyter lab did not start in 60 s"
                time.sleep(0.3)
        settings = json.loads(get(f"/lab/api/settings/{NOTIFICATION}"))
        defaults = {k: v.get("default") for k, v in settings["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
        page = get("/lab")
        config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page,
                                      re.S).group(1))
        assert config["news"] == {"disabled": True}
        assert json.loads(get("/lab/api/news")) == {"news": []}
        assert json.loads(get("/lab/api/update"))["notification"] is None
    finally:
        proc.terminate()
        proc.wait(20)
