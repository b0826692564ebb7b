"""Timers, alarms and the clock: a timer service on an injectable clock, and the tools that use it."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.clock import Clock, RealClock
from app.reasoning.tools.base import Tool


@dataclass(frozen=True)
class TimerInfo:
    """A pending timer or alarm."""

    id: str
    label: str
    kind: str  # "timer" | "alarm"
    duration_s: float
    due_mono: float
    due_wall: datetime


@dataclass(frozen=True)
class TimerFired:
    """Frame emitted when a timer or alarm goes off."""

    timer: TimerInfo
    late_s: float
    t_ns: int = field(default_factory=time.monotonic_ns)


class TimerService:
    """Keeps timers and fires them from its own daemon thread; ``poll()`` fires due ones (virtual-clock tests)."""

    def __init__(self, clock: Clock | None = None, *, autostart: bool = True) -> None:
        self.clock = clock or RealClock()
        self._cond = threading.Condition()
        self._timers: dict[str, TimerInfo] = {}
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[TimerFired], None]] = []
        self._fired: list[TimerFired] = []
        self._stop = False
        self._thread: threading.Thread | None = None
        if autostart:
            self._thread = threading.Thread(target=self._run, name="tandem-timers", daemon=True)
            self._thread.start()

    def subscribe(self, listener: Callable[[TimerFired], None]) -> None:
        """Call ``listener`` (from the timer thread) whenever a timer fires."""
        with self._cond:
            self._listeners.append(listener)

    def add(self, seconds: float, label: str = "", kind: str = "timer") -> TimerInfo:
        """Start a timer that fires after ``seconds``."""
        if not 0 < seconds <= 7 * 86400:
            raise ValueError("timer length must be between 0 and 7 days")
        info = TimerInfo(f"t{next(self._ids)}", label or kind, kind, float(seconds),
                         self.clock.monotonic() + seconds, self.clock.now() + timedelta(seconds=seconds))
        with self._cond:
            self._timers[info.id] = info
            self._cond.notify_all()
        return info

    def add_alarm(self, at: datetime, label: str = "") -> TimerInfo:
        """Set an alarm for a wall time (today, or tomorrow if that time has passed)."""
        now = self.clock.now()
        if at.tzinfo is None:
            at = at.replace(tzinfo=now.tzinfo)
        while at <= now:
            at += timedelta(days=1)
        return self.add((at - now).total_seconds(), label or at.strftime("%H:%M"), "alarm")

    def cancel(self, timer_id: str | None = None) -> list[TimerInfo]:
        """Cancel one timer, or all when no id is given."""
        with self._cond:
            ids = [timer_id] if timer_id else list(self._timers)
            gone = [self._timers.pop(i) for i in ids if i in self._timers]
            self._cond.notify_all()
        return gone

    def pending(self) -> list[TimerInfo]:
        """Pending timers, soonest first."""
        with self._cond:
            return sorted(self._timers.values(), key=lambda t: t.due_mono)

    def fired(self) -> list[TimerFired]:
        """Every timer that has fired so far."""
        with self._cond:
            return list(self._fired)

    def poll(self) -> list[TimerFired]:
        """Fire every timer that is due now."""
        now = self.clock.monotonic()
        with self._cond:
            due = [t for t in self._timers.values() if t.due_mono <= now]
            for t in due:
                del self._timers[t.id]
            events = [TimerFired(t, now - t.due_mono) for t in sorted(due, key=lambda t: t.due_mono)]
            self._fired.extend(events)
            listeners = list(self._listeners)
            self._cond.notify_all()
        for ev in events:
            for fn in listeners:
                fn(ev)
        return events

    def wait_all(self, timeout_s: float | None = None) -> bool:
        """Block until no timer is pending; True if that happened within the timeout."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._cond:
            while self._timers:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(0.05 if left is None else min(0.05, left))
        return True

    def close(self) -> None:
        """Stop the timer thread."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                nxt = min((t.due_mono for t in self._timers.values()), default=None)
                wait = 0.5 if nxt is None else max(0.0, min(0.5, nxt - self.clock.monotonic()))
                if wait > 0:
                    self._cond.wait(wait)
            self.poll()


def timer_tools(service: TimerService) -> list[Tool]:
    """set_timer, set_alarm, cancel_timers and get_time tools."""

    async def set_timer(args: dict[str, Any]) -> dict[str, Any]:
        info = service.add(float(args["seconds"]), str(args.get("label", "")))
        return {"timer_id": info.id, "seconds": info.duration_s, "label": info.label,
                "fires_at": info.due_wall.isoformat(timespec="seconds")}

    async def set_alarm(args: dict[str, Any]) -> dict[str, Any]:
        now = service.clock.now()
        at = now.replace(hour=int(args["hour"]), minute=int(args.get("minute", 0)), second=0, microsecond=0)
        info = service.add_alarm(at, str(args.get("label", "")))
        return {"timer_id": info.id, "fires_at": info.due_wall.isoformat(timespec="minutes"), "label": info.label}

    async def cancel(args: dict[str, Any]) -> dict[str, Any]:
        gone = service.cancel(args.get("timer_id") or None)
        return {"cancelled": [t.id for t in gone]}

    async def get_time(args: dict[str, Any]) -> dict[str, Any]:
        now = service.clock.now()
        return {"time": now.strftime("%H:%M"), "date": now.strftime("%A %d %B %Y"),
                "iso": now.isoformat(timespec="seconds")}

    return [
        Tool(ToolSpec("set_timer", "Start a countdown timer.",
                      {"type": "object", "properties": {
                          "seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 604800},
                          "label": {"type": "string", "maxLength": 100}},
                       "required": ["seconds"], "additionalProperties": False},
                      (("set a timer for 2 minutes", {"seconds": 120}),)),
             set_timer, timeout_s=1.0),
        Tool(ToolSpec("set_alarm", "Set an alarm at a clock time (24-hour).",
                      {"type": "object", "properties": {
                          "hour": {"type": "integer", "minimum": 0, "maximum": 23},
                          "minute": {"type": "integer", "minimum": 0, "maximum": 59},
                          "label": {"type": "string", "maxLength": 100}},
                       "required": ["hour"], "additionalProperties": False},
                      (("wake me at 7:30", {"hour": 7, "minute": 30}),)),
             set_alarm, timeout_s=1.0),
        Tool(ToolSpec("cancel_timers", "Cancel a timer by id, or all timers.",
                      {"type": "object", "properties": {"timer_id": {"type": "string", "maxLength": 20}},
                       "additionalProperties": False}),
             cancel, timeout_s=1.0),
        Tool(ToolSpec("get_time", "Tell the current time and date.",
                      {"type": "object", "properties": {}, "additionalProperties": False}),
             get_time, timeout_s=1.0),
    ]
