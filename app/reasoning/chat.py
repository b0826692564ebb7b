"""One-shot text chat for the CLI (``tandem chat TEXT``): runs one request through the reasoning tier."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from app.reasoning.backend import BackendError
from app.reasoning.reasoner import Notice
from app.reasoning.runtime import build_worker
from app.reasoning.tools.timers import TimerFired
from app.reasoning.worker import ReasoningWorker

_lock = threading.Lock()
_workers: dict[str, ReasoningWorker] = {}


def get_worker(settings: dict[str, Any] | None = None) -> ReasoningWorker:
    """The process-wide worker for these settings (built on first use, so the model loads once)."""
    key = json.dumps(settings or {}, sort_keys=True, default=str)
    with _lock:
        if key not in _workers:
            _workers[key] = build_worker(settings)
        return _workers[key]


def chat(text: str, *, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Answer one request: ``{"reply", "tool_calls", "panels", "timings", "notices", "timers", "error"}``.

    Timers started here keep running in the background; call ``wait_for_timers`` to wait for them.
    """
    t0 = time.monotonic()
    try:
        worker = get_worker(settings)
    except BackendError as exc:
        return {"reply": str(exc), "tool_calls": [], "panels": [], "timings": {}, "notices": [str(exc)],
                "timers": [], "error": str(exc)}
    task_id = worker.submit(text)
    timeout = float((settings or {}).get("chat_timeout_s", 300.0))
    info = worker.wait(task_id, timeout)
    deliveries = {d.task_id: d for d in worker.deliver_ready()}
    notices = [f.text for f in worker.drain() if isinstance(f, Notice)]
    now = worker.timers.clock.monotonic()
    timers = [{"id": t.id, "label": t.label, "kind": t.kind, "fires_in_s": round(t.due_mono - now, 3)}
              for t in worker.timers.pending()]
    delivery = deliveries.get(task_id)
    if delivery is None:
        state = info.state if info else "unknown"
        msg = f"The request did not finish (state: {state})."
        return {"reply": msg, "tool_calls": [], "panels": [], "timings": {"total_s": time.monotonic() - t0},
                "notices": notices, "timers": timers, "error": msg, "task": {"id": task_id, "state": state}}
    res = delivery.result
    return {"reply": res.reply, "tool_calls": list(res.tool_calls), "panels": list(res.panels),
            "timings": {**res.timings, "wall_s": time.monotonic() - t0}, "notices": notices or list(res.notices),
            "timers": timers, "error": res.error,
            "task": {"id": task_id, "state": "done" if not res.error else "failed"}}


def wait_for_timers(*, settings: dict[str, Any] | None = None, timeout_s: float | None = None,
                    on_fire: Callable[[TimerFired], None] | None = None) -> list[TimerFired]:
    """Block until every pending timer has fired (or the timeout passes); ``on_fire`` sees each as it fires."""
    worker = get_worker(settings)
    already = len(worker.timers.fired())
    seen = already
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        fired = worker.timers.fired()
        for ev in fired[seen:]:
            if on_fire is not None:
                on_fire(ev)
        seen = len(fired)
        if not worker.timers.pending():
            break
        if deadline is not None and time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    return worker.timers.fired()[already:]
