"""Injectable time source for the reasoning tier (real for the app, virtual for tests)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds for scheduling, wall time for what the user reads."""

    def monotonic(self) -> float:
        """Seconds on a monotonic scale."""
        ...

    def now(self) -> datetime:
        """Aware local wall time."""
        ...


class RealClock:
    """The system clocks."""

    def monotonic(self) -> float:
        """Seconds from time.monotonic()."""
        return time.monotonic()

    def now(self) -> datetime:
        """Local time, timezone-aware."""
        return datetime.now().astimezone()


class VirtualClock:
    """A clock that moves only when told to; for deterministic tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._mono = 0.0
        self._start = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        """Virtual seconds since creation."""
        with self._lock:
            return self._mono

    def now(self) -> datetime:
        """Virtual wall time."""
        with self._lock:
            return self._start + timedelta(seconds=self._mono)

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self._mono += seconds
