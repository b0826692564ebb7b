"""How many visual interjections the window shows per minute, so proactivity never turns into nagging."""

from __future__ import annotations

from collections import deque

NS_PER_S = 1_000_000_000


class InterjectionBudget:
    """A sliding one-minute window of shown interjections; ``per_minute`` of 0 shows none."""

    def __init__(self, per_minute: int = 3) -> None:
        self.per_minute = per_minute
        self._shown: deque[int] = deque()

    def used(self, t_ns: int) -> int:
        """Interjections shown in the minute before ``t_ns``."""
        while self._shown and t_ns - self._shown[0] >= 60 * NS_PER_S:
            self._shown.popleft()
        return len(self._shown)

    def try_spend(self, t_ns: int) -> bool:
        """Take one interjection from the budget at ``t_ns``; False when the minute's budget is used."""
        if self.used(t_ns) >= self.per_minute:
            return False
        self._shown.append(t_ns)
        return True
