"""How long the rest of a long job will take, said the same way by every command that shows progress."""

from __future__ import annotations


def time_left(elapsed_s: float, done: int, total: int) -> str:
    """How long the rest of ``total`` steps will take at the pace of the first ``done`` ("" before any)."""
    if done <= 0 or done >= total:
        return ""
    left = elapsed_s / done * (total - done)
    if left < 60:
        return f", {max(1, round(left))} s left"
    minutes = round(left / 60)
    return f", {minutes} min left" if minutes < 90 else f", {left / 3600:.1f} h left"
