"""Start the kit's Voila server as a child process, wait for it, and stop it cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from os import PathLike

from ._argv import default_pool_size, voila_argv

_WILDCARD = {"", "0.0.0.0", "::"}


def server_url(host: str, port: int) -> str:
    """Return the base URL a browser on this machine should use for ``host:port``."""
    if host in _WILDCARD:
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def spawn(*, stdout=None, stderr=None, env=None, **options) -> subprocess.Popen:
    """Start the server in a child process (``options`` as for :func:`voila_argv`)."""
    return subprocess.Popen(voila_argv(**options), stdout=stdout, stderr=stderr, env=env)


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
) -> int:
    """Serve ``apps_dir`` with the kit's Voila setup; print the URL and block until stopped.

    Returns the server's exit code (0 after Ctrl-C or SIGTERM).
    """
    if pool_size is None:
        pool_size = default_pool_size()
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
    )
    previous = _stop_on_sigterm()
    try:
        url = wait_until_listening(proc, host, port)
        print(f"MSP Learn apps: {url}  (Ctrl-C to stop)", flush=True)
        print(f"Kernel pool: {pool_size} ready per app (--pool-size to change; "
              "about 130 MB each)", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        stop(proc)
        return 0
    except RuntimeError as exc:
        print(f"msp-learn: {exc}", file=sys.stderr)
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
