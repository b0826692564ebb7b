"""The reasoning worker: a thread with its own asyncio loop that runs requests as background tasks.

The scheduler never blocks on it: it submits requests, polls ``frames`` at its next tick, and calls
``deliver_ready()`` when the interaction model finds a suitable moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from typing import Any

from app.reasoning.context import Conversation
from app.reasoning.intents import detect
from app.reasoning.panels import PanelSpec, parse_button_event
from app.reasoning.reasoner import Notice, Reasoner, StopSpeech
from app.reasoning.tasks import Delivery, TaskInfo, TaskManager, TaskResult
from app.reasoning.tools.base import ToolRunner
from app.reasoning.tools.timers import TimerFired, TimerService


class ReasoningWorker:
    """Owns the loop thread, the task list and the outgoing frame queue."""

    def __init__(self, reasoner_factory: Callable[[Callable[[Any], None]], Reasoner]) -> None:
        self.frames: queue.Queue[Any] = queue.Queue()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="tandem-reasoning", daemon=True)
        self._ready = threading.Event()
        self._thread.start()
        self._ready.wait()
        self.reasoner = reasoner_factory(self._emit)
        self.tasks: TaskManager = self.reasoner.tasks
        self.timers: TimerService = self.reasoner.timers
        self.conversation: Conversation = self.reasoner.conversation
        self.tasks.subscribe(self._emit)
        self.timers.subscribe(self._emit)
        self._futures: dict[str, Future[TaskResult]] = {}

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._ready.set)
        self._loop.run_forever()

    def _emit(self, frame: Any) -> None:
        self.frames.put(frame)

    def submit(self, text: str) -> str:
        """Start a background task for a request and return its id; "never mind" retracts at once."""
        intent = detect(text)
        if intent is not None and intent.kind == "stop_speech":
            self._emit(StopSpeech())
        info = self.tasks.create(text)
        retracted = None
        if intent is not None and intent.kind == "retract":
            retracted = self.tasks.retract_others(info.id)
        fut = asyncio.run_coroutine_threadsafe(self._task(info.id, text, retracted), self._loop)
        self._futures[info.id] = fut
        self.tasks.set_cancel_hook(info.id, fut.cancel)  # cancels the coroutine on the loop, thread-safe
        return info.id

    async def _task(self, task_id: str, text: str, retracted: TaskInfo | None) -> TaskResult:
        if not self.tasks.start(task_id):
            return TaskResult("", error="cancelled before it started")
        try:
            result = await self.reasoner.run_turn(text, task_id, retracted=retracted)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
            result = TaskResult("", error=f"{type(exc).__name__}: {exc}")
        self.tasks.finish(task_id, result)
        return result

    def run(self, coro: Any, timeout_s: float | None = None) -> Any:
        """Run a coroutine on the worker's loop from another thread and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout_s)

    def wait(self, task_id: str, timeout_s: float | None = None) -> TaskInfo | None:
        """Block until the task has finished or was cancelled (for the CLI and tests)."""
        fut = self._futures.get(task_id)
        if fut is not None:
            # cancellation, timeouts and errors are all visible in the task state instead
            with contextlib.suppress(Exception, CancelledError):
                fut.result(timeout_s)
        return self.tasks.get(task_id)

    def interrupt_speech(self) -> None:
        """The user talked over the assistant: stop speech, keep every task running."""
        self._emit(StopSpeech())
        self.tasks.interrupt_speech()

    def retract(self, task_id: str | None = None) -> TaskInfo | None:
        """The user withdrew a request: cancel it so it delivers nothing."""
        return self.tasks.retract(task_id)

    def deliver_ready(self, now: float | None = None) -> list[Delivery]:
        """Called by the interaction tier at a suitable moment: finished results to speak and show."""
        return self.tasks.deliver_ready(now)

    suitable_moment = deliver_ready

    def press_button(self, frame: dict[str, Any]) -> str | None:
        """A panel button event from the UI; becomes a request the model answers, or None if malformed."""
        event = parse_button_event(frame)
        if event is None:
            return None
        self._emit(event)
        return self.submit(f"I pressed the '{event.name}' button on the {event.surface_id} panel.")

    def observe(self, text: str) -> None:
        """A visual observation for the context package."""
        self.conversation.observe(text)

    def drain(self) -> list[Any]:
        """All frames emitted since the last call (task states, notices, panels, tokens, timers)."""
        out = []
        while True:
            try:
                out.append(self.frames.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        """Stop the loop, the timer thread and any MCP servers."""
        self.timers.close()
        hub = getattr(self, "mcp_hub", None)
        if hub is not None:
            with contextlib.suppress(Exception):  # closing MCP servers is best effort
                self.run(hub.close(), 5)
        with contextlib.suppress(Exception):  # a loop that is already gone has nothing left to cancel
            self.run(self._cancel_pending(), 2)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=2)

    async def _cancel_pending(self) -> None:
        """Cancel every task still running on the loop, so none is destroyed while pending."""
        me = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not me]
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


__all__ = ["Notice", "PanelSpec", "ReasoningWorker", "StopSpeech", "TimerFired", "ToolRunner"]
