"""Background tasks with visible states; results wait for a suitable moment, retractions cancel them.

An interruption of speech never touches tasks; only a retraction ("never mind") cancels one, and a
cancelled task delivers nothing, even if its work finishes later.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

TaskState = Literal["queued", "running", "waiting_for_moment", "done", "failed", "cancelled"]
ACTIVE: frozenset[str] = frozenset({"queued", "running", "waiting_for_moment"})


@dataclass(frozen=True)
class TaskResult:
    """What a finished task has to say and show."""

    reply: str
    tool_calls: tuple[dict[str, Any], ...] = ()
    panels: tuple[dict[str, Any], ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class TaskInfo:
    """A task's visible state (a frame for the UI's task list)."""

    id: str
    request: str
    state: TaskState
    created_mono: float
    result: TaskResult | None = None
    error: str | None = None
    t_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True)
class Delivery:
    """A result handed to the interaction tier at a suitable moment."""

    task_id: str
    request: str
    result: TaskResult
    t_ns: int = field(default_factory=time.monotonic_ns)


class TaskManager:
    """Owns task states; safe to call from the worker loop and the scheduler thread."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._mono = monotonic
        self._lock = threading.Lock()
        self._tasks: dict[str, TaskInfo] = {}
        self._order: list[str] = []
        self._cancel_hooks: dict[str, Callable[[], object]] = {}
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[TaskInfo], None]] = []
        self._delivered: set[str] = set()

    def subscribe(self, listener: Callable[[TaskInfo], None]) -> None:
        """Be told about every state change."""
        self._listeners.append(listener)

    def create(self, request: str) -> TaskInfo:
        """Queue a new task."""
        with self._lock:
            info = TaskInfo(f"task{next(self._ids)}", request, "queued", self._mono())
            self._tasks[info.id] = info
            self._order.append(info.id)
        self._emit(info)
        return info

    def set_cancel_hook(self, task_id: str, hook: Callable[[], object]) -> None:
        """Register how to stop the task's work (e.g. cancel its asyncio task)."""
        with self._lock:
            self._cancel_hooks[task_id] = hook

    def get(self, task_id: str) -> TaskInfo | None:
        """The task's current state."""
        with self._lock:
            return self._tasks.get(task_id)

    def snapshot(self) -> tuple[TaskInfo, ...]:
        """All tasks, oldest first."""
        with self._lock:
            return tuple(self._tasks[i] for i in self._order)

    def active(self) -> tuple[TaskInfo, ...]:
        """Tasks not yet finished or delivered."""
        return tuple(t for t in self.snapshot() if t.state in ACTIVE)

    def start(self, task_id: str) -> bool:
        """Mark running; False if it was cancelled meanwhile."""
        return self._move(task_id, {"queued"}, "running") is not None

    def finish(self, task_id: str, result: TaskResult) -> bool:
        """Store the result to wait for a moment; False (result dropped) if the task was cancelled."""
        state: TaskState = "failed" if result.error else "waiting_for_moment"
        return self._move(task_id, {"queued", "running"}, state, result=result, error=result.error) is not None

    def interrupt_speech(self) -> tuple[TaskInfo, ...]:
        """The user talked over the assistant: speech stops elsewhere, tasks go on; returns them."""
        return self.active()

    def retract_others(self, exclude: str) -> TaskInfo | None:
        """Cancel the newest active task other than ``exclude`` (the retraction's own task)."""
        return self.retract(None, exclude=exclude)

    def retract(self, task_id: str | None = None, *, exclude: str = "") -> TaskInfo | None:
        """Cancel the named task or the newest active one; its result will never be delivered."""
        with self._lock:
            if task_id is None:
                cands = [i for i in reversed(self._order) if self._tasks[i].state in ACTIVE and i != exclude]
                if not cands:
                    return None
                task_id = cands[0]
            hook = self._cancel_hooks.pop(task_id, None)
        info = self._move(task_id, set(ACTIVE), "cancelled")
        if info is not None and hook is not None:
            hook()
        return info

    def deliver_ready(self, now: float | None = None) -> list[Delivery]:
        """Called at a suitable moment: hand over every waiting result (and failures) once, oldest first."""
        out: list[Delivery] = []
        changed: list[TaskInfo] = []
        with self._lock:
            for tid in self._order:
                info = self._tasks[tid]
                result = info.result
                if tid in self._delivered or result is None:
                    continue
                if info.state == "waiting_for_moment":
                    info = replace(info, state="done", t_ns=time.monotonic_ns())
                    self._tasks[tid] = info
                    changed.append(info)
                elif info.state != "failed":
                    continue
                self._delivered.add(tid)
                out.append(Delivery(tid, info.request, result))
        for info in changed:
            self._emit(info)
        return out

    suitable_moment = deliver_ready

    def _move(self, task_id: str, allowed: set[str], state: TaskState, **kw: Any) -> TaskInfo | None:
        with self._lock:
            info = self._tasks.get(task_id)
            if info is None or info.state not in allowed:
                return None
            info = replace(info, state=state, t_ns=time.monotonic_ns(), **kw)
            self._tasks[task_id] = info
            if state not in ACTIVE:
                self._cancel_hooks.pop(task_id, None)
        self._emit(info)
        return info

    def _emit(self, info: TaskInfo) -> None:
        for fn in list(self._listeners):
            fn(info)
