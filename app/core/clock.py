"""Injectable time sources: a monotonic clock for the app, a virtual one for tests and --fast runs."""

from __future__ import annotations

import threading
import time
from typing import Protocol

NS_PER_S = 1_000_000_000
NS_PER_MS = 1_000_000


class Clock(Protocol):
    """What the scheduler and sources need from time: read it and wait for it."""

    def now_ns(self) -> int:
        """Current time in nanoseconds on this clock's monotonic scale."""
        ...

    def sleep_until(self, t_ns: int) -> None:
        """Block until the clock reads at least ``t_ns``."""
        ...


class MonotonicClock:
    """Real time from ``time.monotonic_ns``; the clock the desktop app runs on."""

    def now_ns(self) -> int:
        """Read the OS monotonic clock."""
        return time.monotonic_ns()

    def sleep_until(self, t_ns: int) -> None:
        """Sleep in short slices so a deadline is met within about a millisecond."""
        while True:
            remaining = t_ns - time.monotonic_ns()
            if remaining <= 0:
                return
            # Wake a millisecond early, then finish with a short sleep: low jitter without spinning.
            slack = remaining - NS_PER_MS if remaining > 2 * NS_PER_MS else remaining
            time.sleep(slack / NS_PER_S)


class VirtualClock:
    """Time that only moves when someone waits for it: faster than real time, fully deterministic."""

    def __init__(self, start_ns: int = 0) -> None:
        self._now = start_ns
        self._lock = threading.Lock()

    def now_ns(self) -> int:
        """Current virtual time."""
        with self._lock:
            return self._now

    def sleep_until(self, t_ns: int) -> None:
        """Jump straight to ``t_ns`` (never backwards)."""
        with self._lock:
            self._now = max(self._now, t_ns)

    def advance(self, dt_ns: int) -> None:
        """Move time forward by ``dt_ns``; for tests that step time by hand."""
        with self._lock:
            self._now += dt_ns
