"""Refill the preheated kernel pool: in spare time for a room that fits, at once for one that
does not.

Upstream Voila starts a replacement kernel ``fill_delay`` seconds after each one is taken.
When a room opens the kit at once, those replacements (each a Python start-up plus a run of
the app notebook) land in the middle of the room's page loads and compete with them for the
same cores. So here a replacement waits ``delay`` (the pool's ``fill_delay``), then until the
machine is mostly idle (or ``max_wait`` has passed), and replacements start one after another.

That wait is right only while the pool covers the room. Once a page has found no preheated
kernel ready (the room has outgrown the pool: that page is served by a kernel started cold),
waiting leaves the pool empty while loads keep the CPU busy, so every later page is cold too.
From that moment, and for as long as pages keep arriving (each within ``demand_window``
seconds of the last), refills start at once, with no delay and no idle wait.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import psutil

#: Why a refill was released (the values of ``IdleRefill.released``).
REASONS = ("demand", "idle", "max_wait", "closing")


def cpu_busy_sampler() -> Callable[[], float]:
    """Return a function giving the share of all CPUs (0-100) busy since its last call."""
    last = psutil.cpu_times()

    def busy() -> float:
        nonlocal last
        now = psutil.cpu_times()
        total = sum(now) - sum(last)
        idle = (now.idle + getattr(now, "iowait", 0.0)) - (last.idle + getattr(last, "iowait", 0.0))
        last = now
        return 0.0 if total <= 0 else max(0.0, min(100.0, 100.0 * (1 - idle / total)))

    return busy


def outgrown_message(notebook: str, pool_size: int, misses: int) -> str:
    """The log line for a room that has outgrown its pool (pure, so it can be tested)."""
    return (f"The room has outgrown the kernel pool for {notebook}: {misses} page(s) found "
            f"none of its {pool_size} preheated kernel(s) ready and waited for a fresh one "
            f"(slower). Refills now start at once. For a room this size, start the server "
            f"with --pool-size {pool_size + misses} or more.")


class IdleRefill:
    """Gate pool refills on spare CPU, unless the room has outgrown the pool.

    ``delay``: seconds after a kernel is taken before its replacement may start (the pool's
    ``fill_delay``). ``busy_percent``: the machine counts as idle when less than this share of
    its CPU time was busy over one ``interval``. ``max_wait``: a refill starts at most this
    long after ``delay``, even on a machine that never goes idle, so the pool always recovers.
    ``demand_window``: after a page found the pool empty (:meth:`missed`), refills start at
    once until no page has arrived for this many seconds.
    """

    def __init__(
        self,
        *,
        busy_percent: float = 50.0,
        max_wait: float = 120.0,
        delay: float = 0.0,
        demand_window: float = 60.0,
        interval: float = 1.0,
        sampler: Callable[[], Callable[[], float]] = cpu_busy_sampler,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[..., None] | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        if not 0 < busy_percent <= 100:
            raise ValueError("busy_percent must be in (0, 100]")
        if max_wait < 0 or interval <= 0 or delay < 0 or demand_window < 0:
            raise ValueError("max_wait, delay and demand_window must be >= 0 and interval > 0")
        self.busy_percent, self.max_wait, self.interval = busy_percent, max_wait, interval
        self.delay, self.demand_window = delay, demand_window
        self._sampler, self._clock, self._log, self._warn = sampler, clock, log, warn
        self._lock: asyncio.Lock | None = None
        self._demand_until: dict[str, float] = {}
        self._misses: Counter[str] = Counter()
        self.closing = False
        #: How many refills were released for each of REASONS.
        self.released: Counter[str] = Counter()

    # -- demand: the room has outgrown the pool -------------------------------------------
    def in_demand(self, notebook: str) -> bool:
        """True while refills of ``notebook``'s pool start at once."""
        return self._clock() < self._demand_until.get(notebook, float("-inf"))

    def missed(self, notebook: str, pool_size: int) -> None:
        """A page of ``notebook`` found no preheated kernel ready: refill at once from now.

        The first miss of an episode logs :func:`outgrown_message` through ``warn``."""
        if not self.in_demand(notebook):
            self._misses[notebook] = 0
        self._misses[notebook] += 1
        first = self._misses[notebook] == 1
        self._demand_until[notebook] = self._clock() + self.demand_window
        if self._warn and (first or self._misses[notebook] % 10 == 0):
            self._warn(outgrown_message(notebook, pool_size, self._misses[notebook]))

    def _taken(self, notebook: str) -> None:
        """A kernel was taken: while in demand, pages are still arriving, so it goes on."""
        if self.in_demand(notebook):
            self._demand_until[notebook] = self._clock() + self.demand_window

    # -- the wait --------------------------------------------------------------------------
    async def wait_for_idle(self, deadline: float, notebook: str = "",
                            due: float | None = None) -> str:
        """Wait until ``due`` and then for an idle machine, or until ``deadline``; return the
        reason the wait ended (one of REASONS). Demand for ``notebook`` ends it at once."""
        busy = self._sampler()
        due = self._clock() if due is None else due
        while not self.closing:
            if notebook and self.in_demand(notebook):
                return "demand"
            if self._clock() >= deadline:
                return "max_wait"
            await asyncio.sleep(self.interval)
            reading = busy()
            if self._clock() >= due and reading < self.busy_percent:
                return "idle"
        return "closing"

    def wrap(self, initialize: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """Gate ``VoilaKernelManager._initialize`` for new pool kernels (``kernel_id`` None);
        restarts of existing kernels pass straight through."""

        async def gated(notebook_path: str, kernel_id: str | None = None, **kwargs: Any):
            if kernel_id is not None:
                return await initialize(notebook_path, kernel_id, **kwargs)
            if self._lock is None:
                self._lock = asyncio.Lock()
            self._taken(notebook_path)
            # The deadline runs from when the refill was due, not from when the refills
            # queued before it have started: under steady load the pool still recovers.
            due = self._clock() + self.delay
            deadline = due + self.max_wait
            async with self._lock:
                how = await self.wait_for_idle(deadline, notebook_path, due)
                self.released[how] += 1
                if self._log:
                    self._log("Refilling the kernel pool for %s (%s)", notebook_path, how)
                return await initialize(notebook_path, kernel_id, **kwargs)

        return gated
