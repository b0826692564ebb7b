"""The micro-turn scheduler: a deadline loop that runs the interaction step every 200 ms on a Clock."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.core.clock import NS_PER_MS, Clock
from app.core.frames import Decision

Step = Callable[[int, int], Decision]
"""One micro-turn: (tick number, tick time in ns) -> the decision taken."""


@dataclass
class TickStats:
    """Per-tick compute time and lateness, and how many deadlines were missed."""

    compute_ms: list[float] = field(default_factory=list)
    late_ms: list[float] = field(default_factory=list)
    misses: int = 0

    @property
    def ticks(self) -> int:
        """Number of ticks run."""
        return len(self.compute_ms)

    def summary(self) -> dict[str, float | int]:
        """p50/p99/max compute time in ms, the worst lateness and the miss count."""
        c = np.asarray(self.compute_ms or [0.0])
        return {
            "ticks": self.ticks,
            "compute_ms_p50": round(float(np.percentile(c, 50)), 3),
            "compute_ms_p99": round(float(np.percentile(c, 99)), 3),
            "compute_ms_max": round(float(c.max()), 3),
            "late_ms_max": round(max(self.late_ms, default=0.0), 3),
            "deadline_misses": self.misses,
        }


class MicroTurnScheduler:
    """Runs ``step`` at start + k * period for k = 1, 2, ...; deadlines are absolute, so it cannot drift.

    With ``catch_up`` (file input) every tick runs even when late; without it (live input) ticks whose
    time has already passed are skipped and counted as misses, so the loop stays on the present.
    """

    def __init__(self, clock: Clock, step: Step, *, period_ms: int = 200,
                 on_decision: Callable[[Decision], None] | None = None, catch_up: bool = True) -> None:
        self.clock = clock
        self._step = step
        self.period_ns = period_ms * NS_PER_MS
        self._on_decision = on_decision or (lambda d: None)
        self._catch_up = catch_up
        self.stats = TickStats()

    def run(self, start_ns: int, n_ticks: int | None = None, stop: threading.Event | None = None) -> TickStats:
        """Run ``n_ticks`` ticks (or until ``stop`` is set) and return the timing statistics."""
        tick = 1
        while (n_ticks is None or tick <= n_ticks) and not (stop is not None and stop.is_set()):
            deadline = start_ns + tick * self.period_ns
            self.clock.sleep_until(deadline)
            late_ns = self.clock.now_ns() - deadline
            if not self._catch_up and late_ns >= self.period_ns:
                skipped = late_ns // self.period_ns
                self.stats.misses += int(skipped)
                tick += int(skipped)
                continue
            c0 = time.perf_counter_ns()
            decision = self._step(tick, deadline)
            compute_ns = time.perf_counter_ns() - c0
            # On the virtual clock a step may advance time itself (simulated work): count that too.
            if max(self.clock.now_ns() - deadline, late_ns + compute_ns) > self.period_ns:
                self.stats.misses += 1
            self.stats.compute_ms.append(compute_ns / NS_PER_MS)
            self.stats.late_ms.append(max(0, late_ns) / NS_PER_MS)
            self._on_decision(dataclasses.replace(decision, compute_ms=compute_ns / NS_PER_MS,
                                                  late_ms=max(0, late_ns) / NS_PER_MS))
            tick += 1
        return self.stats
