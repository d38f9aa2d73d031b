"""Unit tests for msp_learn.server.voila_argv (no server, no browser)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from msp_learn.server import TEMPLATE_NAME, default_pool_size, server_url, template_root, voila_argv
from msp_learn.server._argv import IOPUB_TIMEOUT_S, POOL_MAX, POOL_MIN, STARTUP_TIMEOUT_S


def _opts(argv: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for arg in argv:
        if arg.startswith("--") and "=" in arg:
            key, value = arg[2:].split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def test_defaults_are_local_kit_template_and_culling(tmp_path):
    argv = voila_argv(apps_dir=tmp_path)
    assert argv[:4] == [sys.executable, "-m", "msp_learn.server", str(tmp_path)]
    opts = _opts(argv)
    assert opts["Voila.ip"] == ["127.0.0.1"]
    assert opts["Voila.port"] == ["8866"]
    assert opts["Voila.port_retries"] == ["0"]
    assert opts["Voila.open_browser"] == ["False"]
    # No MathJax URL on the command line: the trait is deprecated and warns at start-up
    # (KitVoila blanks it in the settings instead).
    assert "Voila.mathjax_url" not in opts
    assert opts["Voila.log_level"] == ["INFO"]
    # Kernels talk to the server over Unix sockets, never TCP ("without encryption").
    assert opts["KernelManager.transport"] == ["ipc"]
    assert opts["VoilaConfiguration.template"] == [TEMPLATE_NAME]
    assert opts["VoilaConfiguration.strip_sources"] == ["True"]
    assert opts["VoilaConfiguration.preheat_kernel"] == ["True"]
    assert opts["VoilaConfiguration.default_pool_size"] == [str(default_pool_size())]
    assert opts["MappingKernelManager.cull_idle_timeout"] == ["600"]
    assert opts["MappingKernelManager.cull_interval"] == ["60"]
    assert opts["MappingKernelManager.cull_connected"] == ["False"]
    # Pages load the widget extensions only, never nbgrader's or notebook's (stack.md G3).
    assert "@jupyter-widgets/jupyterlab-manager" in opts["VoilaConfiguration.extension_allowlist"]
    assert not any("nbgrader" in name for name in opts["VoilaConfiguration.extension_allowlist"])
    assert "VoilaConfiguration.extension_denylist" not in opts


def test_never_disables_xsrf_or_allows_overrides(tmp_path):
    joined = " ".join(voila_argv(apps_dir=tmp_path))
    assert "disable_check_xsrf" not in joined
    assert "tornado_settings" not in joined
    opts = _opts(voila_argv(apps_dir=tmp_path))
    assert opts["VoilaConfiguration.allow_template_override"] == ["NO"]


def test_options_are_passed_through(tmp_path):
    argv = voila_argv(
        apps_dir=tmp_path,
        host="0.0.0.0",
        port=9000,
        pool_size=1,
        cull_idle_timeout=120,
        cull_interval=15,
        fill_delay=30,
        open_browser=True,
        extra_args=["--debug"],
        python="/opt/py",
    )
    opts = _opts(argv)
    assert argv[0] == "/opt/py"
    assert argv[-1] == "--debug"
    assert opts["Voila.ip"] == ["0.0.0.0"]
    assert opts["Voila.port"] == ["9000"]
    assert opts["Voila.open_browser"] == ["True"]
    assert opts["VoilaConfiguration.default_pool_size"] == ["1"]
    assert opts["MappingKernelManager.cull_idle_timeout"] == ["120"]
    assert opts["MappingKernelManager.cull_interval"] == ["15"]
    assert opts["VoilaKernelManager.fill_delay"] == ["30.0"]


def test_pool_size_zero_turns_preheating_off(tmp_path):
    opts = _opts(voila_argv(apps_dir=tmp_path, pool_size=0))
    assert opts["VoilaConfiguration.preheat_kernel"] == ["False"]


def test_extra_args_come_last_so_they_override(tmp_path):
    argv = voila_argv(apps_dir=tmp_path, extra_args=["--Voila.port=1"])
    assert _opts(argv)["Voila.port"] == ["8866", "1"]


@pytest.mark.parametrize(
    "kwargs", [{"pool_size": -1}, {"cull_interval": 0}, {"cull_idle_timeout": -5},
               {"fill_delay": -1}]
)
def test_rejects_bad_numbers(tmp_path, kwargs):
    with pytest.raises(ValueError):
        voila_argv(apps_dir=tmp_path, **kwargs)


def test_template_ships_inside_the_package():
    template = template_root() / "voila" / "templates" / TEMPLATE_NAME
    assert (template / "index.html.j2").is_file()
    assert (template / "conf.json").is_file()
    assert Path(__file__).resolve().parents[2] / "msp_learn" in template.parents
    text = (template / "index.html.j2").read_text()
    assert "://" not in text  # nothing loaded from another host


def test_server_url_for_wildcard_and_ipv6():
    assert server_url("127.0.0.1", 8866) == "http://127.0.0.1:8866/"
    assert server_url("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert server_url("::1", 8866) == "http://[::1]:8866/"


GIB = 2**30


@pytest.mark.parametrize("memory_gib, cores, expected", [
    (24, 2, 8),     # this development machine: cores decide
    (64, 16, 30),   # a big server: never more than POOL_MAX
    (2, 8, 3),      # little memory: a quarter of 2 GiB holds 3 kernels
    (0.5, 1, 2),    # a tiny machine: never fewer than POOL_MIN
    (16, 1, 4),
])
def test_default_pool_is_sized_from_memory_and_cores(memory_gib, cores, expected):
    """Is the default pool the smaller of a quarter of memory and 4 per core, within bounds?"""
    assert default_pool_size(int(memory_gib * GIB), cores) == expected
    assert POOL_MIN <= expected <= POOL_MAX


def test_default_pool_for_this_machine_is_within_bounds():
    """Does the default, read from this machine, stay between POOL_MIN and POOL_MAX?"""
    assert POOL_MIN <= default_pool_size() <= POOL_MAX


def test_cli_and_api_share_one_default(tmp_path, monkeypatch):
    """Do `msp-learn serve` with no --pool-size and serve()/voila_argv() start the same pool?"""
    from msp_learn import cli
    from msp_learn.server import _serve

    args = cli.build_parser().parse_args(["serve"])
    assert args.pool_size is None  # the CLI leaves the choice to the server package
    seen = {}

    def fake_spawn(**options):
        seen.update(options)
        raise SystemExit(0)  # stop before any process starts

    monkeypatch.setattr(_serve, "spawn", fake_spawn)
    with pytest.raises(SystemExit):
        _serve.serve(apps_dir=tmp_path)
    assert seen["pool_size"] == default_pool_size()
    opts = _opts(voila_argv(apps_dir=tmp_path, pool_size=None))
    assert opts["VoilaConfiguration.default_pool_size"] == [str(default_pool_size())]


def test_cold_starts_get_time_to_start_and_send_their_output(tmp_path):
    """Do notebook runs wait long enough for a kernel started cold during a burst (its
    start and a cell's last output), instead of nbclient's 4 s for output?"""
    opts = _opts(voila_argv(apps_dir=tmp_path))
    assert opts["VoilaExecutor.iopub_timeout"] == [str(IOPUB_TIMEOUT_S)]
    assert opts["VoilaExecutor.startup_timeout"] == [str(STARTUP_TIMEOUT_S)]
    assert IOPUB_TIMEOUT_S >= 60 and STARTUP_TIMEOUT_S >= 120


def test_a_dead_kernel_is_reported_dead_not_restarted():
    """Is a page's dead kernel reported dead at once rather than restarted into an orphan
    (a restarted kernel has not run the app, and its page reloads onto a fresh one)?"""
    from msp_learn.server._argv import voila_argv

    assert "--KernelRestarter.restart_limit=0" in voila_argv(apps_dir=".", pool_size=2)


def test_log_level_is_checked_and_passed(tmp_path):
    """Does the server get the log level asked for, and is an unknown one refused?"""
    assert _opts(voila_argv(apps_dir=tmp_path, log_level="debug"))["Voila.log_level"] == [
        "DEBUG"]
    with pytest.raises(ValueError, match="log_level must be one of"):
        voila_argv(apps_dir=tmp_path, log_level="loud")
