"""Refill the preheated kernel pool in the machine's spare time, one kernel at a time.

Upstream Voila starts a replacement kernel ``fill_delay`` seconds after each one is taken.
When a room opens the kit at once, those replacements (each a Python start-up plus a run of
the app notebook) land in the middle of the room's page loads and compete with them for the
same cores. Here a replacement waits, after ``fill_delay``, until the machine is mostly idle
(or ``max_wait`` has passed), and replacements start one after another, not all together.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import psutil


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


class IdleRefill:
    """Gate pool refills on spare CPU.

    ``busy_percent``: the machine counts as idle when less than this share of its CPU time
    was busy over one ``interval``. ``max_wait``: a refill starts at most this long after it
    was due, even on a machine that never goes idle, so the pool always recovers.
    """

    def __init__(
        self,
        *,
        busy_percent: float = 50.0,
        max_wait: float = 120.0,
        interval: float = 1.0,
        sampler: Callable[[], Callable[[], float]] = cpu_busy_sampler,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[..., None] | None = None,
    ):
        if not 0 < busy_percent <= 100:
            raise ValueError("busy_percent must be in (0, 100]")
        if max_wait < 0 or interval <= 0:
            raise ValueError("max_wait must be >= 0 and interval > 0")
        self.busy_percent, self.max_wait, self.interval = busy_percent, max_wait, interval
        self._sampler, self._clock, self._log = sampler, clock, log
        self._lock: asyncio.Lock | None = None
        self.closing = False
        #: How many refills were released "idle", at "max_wait" or while "closing".
        self.released: Counter[str] = Counter()

    async def wait_for_idle(self, deadline: float) -> str:
        busy = self._sampler()
        while not self.closing:
            if self._clock() >= deadline:
                return "max_wait"
            await asyncio.sleep(self.interval)
            if busy() < self.busy_percent:
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
            # The deadline runs from when the refill was due, not from when the refills
            # queued before it have started: under steady load the pool still recovers.
            deadline = self._clock() + self.max_wait
            async with self._lock:
                how = await self.wait_for_idle(deadline)
                self.released[how] += 1
                if self._log:
                    self._log("Refilling the kernel pool for %s (%s)", notebook_path, how)
                return await initialize(notebook_path, kernel_id, **kwargs)

        return gated
