"""Build the command line that starts the kit's Voila server."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

#: Name of the kit's Voila template (msp_learn/templates/jupyter/voila/templates/msp).
TEMPLATE_NAME = "msp"

#: The only federated JupyterLab extensions a kit page loads: the widget controls and
#: Voila's widget manager for them (7 or 8; Voila drops the one that does not match).
#: Anything else installed alongside (nbgrader, notebook, pygments, a hub's own) stays out
#: of learners' pages (stack.md G3: console errors, and JavaScript every page must run).
EXTENSION_ALLOWLIST = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "@voila-dashboards/widgets-manager7",
)


#: Memory of one waiting (preheated) kit kernel, in MB (benchmarks/README.md: 115-130 MB).
KERNEL_MB = 130
#: Share of the machine's memory the default pool may hold.
POOL_MEMORY_SHARE = 0.25
#: Waiting kernels per CPU core in the default pool: filling the pool at start-up costs about
#: 2 s of CPU per kernel, so this keeps the first fill to well under a minute.
POOL_PER_CORE = 4
#: The default pool is never smaller or larger than this.
POOL_MIN, POOL_MAX = 2, 30
#: Seconds a notebook run waits for a cell's output after the cell has finished
#: (``VoilaExecutor.iopub_timeout``; nbclient's default of 4 s drops the widgets of pages
#: started cold during a burst, which then never load: "Timeout waiting for IOPub output").
IOPUB_TIMEOUT_S = 120
#: Seconds a notebook run waits for its kernel to start (``VoilaExecutor.startup_timeout``;
#: default 60 s). Cold starts queue behind each other during a burst larger than the pool.
STARTUP_TIMEOUT_S = 300

#: The levels ``msp-learn serve --log-level`` accepts, quietest last.
LOG_LEVELS = ("debug", "info", "warning", "error")


def default_pool_size(memory_bytes: int | None = None, cores: int | None = None) -> int:
    """The preheated pool ``msp-learn serve`` keeps per app when not told: sized from this
    machine's memory (a quarter of it, at KERNEL_MB per kernel) and cores (POOL_PER_CORE
    each), whichever allows fewer, kept between POOL_MIN and POOL_MAX.

    ``memory_bytes`` and ``cores`` default to this machine's (psutil, os.cpu_count()).
    """
    if memory_bytes is None:
        import psutil

        memory_bytes = psutil.virtual_memory().total
    if cores is None:
        cores = os.cpu_count() or 1
    by_memory = int(memory_bytes * POOL_MEMORY_SHARE // (KERNEL_MB * 2**20))
    by_cores = POOL_PER_CORE * max(1, int(cores))
    return max(POOL_MIN, min(POOL_MAX, by_memory, by_cores))


def template_root() -> Path:
    """Return the Jupyter data directory holding the kit's ``voila/templates/msp``."""
    return Path(__file__).resolve().parent.parent / "templates" / "jupyter"


def voila_argv(
    *,
    apps_dir: str | PathLike[str],
    host: str = "127.0.0.1",
    port: int = 8866,
    pool_size: int | None = None,
    cull_idle_timeout: int = 600,
    cull_interval: int = 60,
    fill_delay: float = 15.0,
    open_browser: bool = False,
    extra_args: Sequence[str] = (),
    python: str | None = None,
    log_level: str = "info",
) -> list[str]:
    """Return ``[python, -m, msp_learn.server, ...]`` for serving ``apps_dir``.

    ``pool_size`` is the number of preheated kernels kept per notebook; 0 turns
    preheating off; None (the default) is :func:`default_pool_size`. ``fill_delay`` is how
    long the pool waits after a kernel is taken before starting a replacement, so that a room
    arriving at once is served from the pool without refills competing for the CPU (measured:
    benchmarks/bench_voila.py); a room that outgrows the pool is refilled at once
    (``_refill.py``). Every option is a plain ``--Class.trait=value`` so ``extra_args``
    (appended last) can override any of them. ``log_level`` is the least the server writes
    to its output (its log file under ``msp-learn serve``): one of :data:`LOG_LEVELS`.
    """
    if pool_size is None:
        pool_size = default_pool_size()
    if pool_size < 0:
        raise ValueError("pool_size must be >= 0")
    if fill_delay < 0:
        raise ValueError("fill_delay must be >= 0")
    if cull_idle_timeout < 0 or cull_interval <= 0:
        raise ValueError("cull_idle_timeout must be >= 0 and cull_interval > 0")
    if log_level not in LOG_LEVELS:
        raise ValueError(f"log_level must be one of {', '.join(LOG_LEVELS)}")
    argv = [
        python or sys.executable,
        "-m",
        "msp_learn.server",
        str(Path(apps_dir)),
        f"--Voila.ip={host}",
        f"--Voila.port={int(port)}",
        "--Voila.port_retries=0",
        f"--Voila.open_browser={open_browser}",
        f"--Voila.log_level={log_level.upper()}",
        # (No remote MathJax: KitVoila blanks the CDN address and turns Voila's MathJax 2
        # plugin off; the deprecated --Voila.mathjax_url would print a DeprecationWarning.)
        f"--VoilaConfiguration.template={TEMPLATE_NAME}",
        "--VoilaConfiguration.theme=light",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in EXTENSION_ALLOWLIST),
        f"--VoilaConfiguration.preheat_kernel={pool_size > 0}",
        f"--VoilaConfiguration.default_pool_size={int(pool_size)}",
        f"--VoilaKernelManager.fill_delay={float(fill_delay)}",
        # Cold starts during a burst get the time they need (never a page without widgets).
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
        f"--VoilaExecutor.startup_timeout={STARTUP_TIMEOUT_S}",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_timeout)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval)}",
        # A tab that is open but idle keeps its kernel (a trainee reading a long case
        # study); kernels of closed, crashed or never-connected (G2) pages are culled.
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        # A page's kernel that dies is never restarted: a restarted kernel has not run the
        # app, and its page reloads onto a fresh kernel anyway, so a restart would only
        # leave an orphan (about 130 MB) until culled. The server reports it dead at once
        # (the page then says "Connection lost" and reloads) and forgets it.
        "--KernelRestarter.restart_limit=0",
        # The server and its kernels talk over Unix sockets in the server's private (0700)
        # connection folder, not over TCP on the loopback: nothing on the machine can listen
        # in, and kernels no longer warn "running over TCP without encryption".
        "--KernelManager.transport=ipc",
    ]
    argv.extend(str(arg) for arg in extra_args)
    return argv
