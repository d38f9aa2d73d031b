"""Start the kit's Voila server as a child process, wait for it, and stop it cleanly."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from . import _logs
from ._argv import default_pool_size, voila_argv

#: A log file larger than this is moved to ``<name>.1`` when the server starts.
LOG_ROTATE_BYTES = 10 * 2**20

_WILDCARD = {"", "0.0.0.0", "::"}


def server_url(host: str, port: int) -> str:
    """Return the base URL a browser on this machine should use for ``host:port``."""
    if host in _WILDCARD:
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def spawn(*, stdout=None, stderr=None, stdin=None, env=None, pass_fds=(),
          start_new_session=False, **options) -> subprocess.Popen:
    """Start the server in a child process (``options`` as for :func:`voila_argv`)."""
    return subprocess.Popen(voila_argv(**options), stdout=stdout, stderr=stderr, stdin=stdin,
                            env=env, pass_fds=tuple(pass_fds),
                            start_new_session=start_new_session)


def default_log_file() -> Path:
    """Where ``msp-learn serve`` keeps the server's log: ``logs/server.log`` in the data
    folder (``MSP_LEARN_DATA``, else ``~/.local/share/msp_learn``)."""
    from msp_learn.store import data_dir

    return data_dir() / "logs" / "server.log"


def open_log(path: Path):
    """Open ``path`` for appending (its folder made, a large old log moved to ``.1``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size > LOG_ROTATE_BYTES:
            path.replace(path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass
    log = path.open("a", buffering=1)
    log.write(f"\n===== msp-learn serve started {time.strftime('%Y-%m-%d %H:%M:%S')} =====\n")
    return log


def wait_until_listening(
    proc: subprocess.Popen, host: str, port: int, timeout: float = 60.0
) -> str:
    """Block until ``host:port`` accepts connections; return the URL.

    Raises RuntimeError if the process exits first or ``timeout`` seconds pass.
    """
    connect_host = "127.0.0.1" if host in _WILDCARD else host.strip("[]")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Voila exited with code {proc.returncode} before listening")
        try:
            with socket.create_connection((connect_host, port), timeout=1):
                return server_url(host, port)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Voila did not listen on {host}:{port} within {timeout:.0f} s")


def stop(proc: subprocess.Popen, timeout: float = 20.0) -> int:
    """Ask the server to stop (it shuts its kernels down), killing it after ``timeout``."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def serve(
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
    log_level: str = "warning",
    log_file: str | PathLike[str] | None = None,
) -> int:
    """Serve ``apps_dir`` with the kit's Voila setup; print the URL and block until stopped.

    The terminal shows what the person running the kit needs: the address to open, how to
    stop, where the log is, and the server's messages at ``log_level`` or worse (warning by
    default). Everything at info or worse (debug too with ``log_level="debug"``), kernels'
    output included, goes to ``log_file`` (default :func:`default_log_file`).

    Returns the server's exit code (0 after Ctrl-C or SIGTERM).
    """
    if pool_size is None:
        pool_size = default_pool_size()
    console_level = _logs.level_number(log_level)
    file_level = "debug" if console_level <= logging.DEBUG else "info"
    log_path = Path(log_file) if log_file else default_log_file()
    log = open_log(log_path)
    console = os.dup(sys.stderr.fileno())
    env = {**os.environ, _logs.CONSOLE_FD_ENV: str(console),
           _logs.CONSOLE_LEVEL_ENV: log_level}
    try:
        proc = spawn(
            apps_dir=apps_dir,
            host=host,
            port=port,
            pool_size=pool_size,
            cull_idle_timeout=cull_idle_timeout,
            cull_interval=cull_interval,
            fill_delay=fill_delay,
            open_browser=open_browser,
            extra_args=extra_args,
            log_level=file_level,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            pass_fds=(console,),
            # Ctrl+C reaches this process only, which then stops the server in order.
            start_new_session=True,
        )
    finally:
        os.close(console)
        log.close()
    previous = _stop_on_sigterm()
    try:
        url = wait_until_listening(proc, host, port)
        print(f"MSP Learn is running. Open {url} in a web browser on this machine.\n"
              "Press Ctrl+C here to stop it.\n"
              f"Log: {log_path} (--log-level sets what shows here; default warning)\n"
              f"Kernel pool: {pool_size} ready (--pool-size to change; about 130 MB each)",
              flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        print("\nStopping MSP Learn (shutting its kernels down)...", flush=True)
        stop(proc)
        print("Stopped.", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"msp-learn: {exc}. The log says why: {log_path}", file=sys.stderr)
        stop(proc)
        return proc.returncode or 1
    finally:
        stop(proc)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_on_sigterm():
    """Treat SIGTERM like Ctrl-C so the child server is stopped, not orphaned."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_interrupt)
