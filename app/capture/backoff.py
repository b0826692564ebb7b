"""Retry delays for devices that went away: short at first, capped, reset once the device works."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    """Exponential back-off state; one per supervised device."""

    initial_s: float = 0.25
    max_s: float = 5.0
    factor: float = 2.0
    _next_s: float = 0.0

    def __post_init__(self) -> None:
        self._next_s = self.initial_s

    def next_delay(self) -> float:
        """The delay before the next attempt; grows until ``max_s``."""
        delay = self._next_s
        self._next_s = min(self._next_s * self.factor, self.max_s)
        return delay

    def reset(self) -> None:
        """Start over after a success."""
        self._next_s = self.initial_s
