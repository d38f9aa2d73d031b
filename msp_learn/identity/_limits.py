"""A small limiter for wrong secrets: a few tries per name and per address, then a wait."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Allow at most ``limit`` failures per key within ``window`` seconds.

    ``blocked(key)`` gives the seconds until the key may try again (0 when it may now);
    ``failed(key)`` counts a failure; ``succeeded(key)`` forgets the key's failures.
    """

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit, self.window, self._clock, self._max_keys = limit, window, clock, max_keys
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def blocked(self, key: str) -> float:
        times = self._recent(key)
        if len(times) < self.limit:
            return 0.0
        return max(0.0, times[-self.limit] + self.window - self._clock())

    def failed(self, key: str) -> None:
        if key not in self._failures and len(self._failures) >= self._max_keys:
            for old in list(self._failures)[: self._max_keys // 10 or 1]:
                del self._failures[old]  # oldest keys first: memory stays bounded
        self._recent(key)
        self._failures.setdefault(key, deque()).append(self._clock())

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
