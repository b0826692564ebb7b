"""Task states, interruptions (keep the task) and retractions (cancel it, deliver nothing)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.reasoning.tasks import TaskManager, TaskResult


def test_states_and_delivery_at_a_suitable_moment() -> None:
    tm = TaskManager()
    seen: list[tuple[str, str]] = []
    tm.subscribe(lambda info: seen.append((info.id, info.state)))
    a = tm.create("look up the weather")
    assert tm.start(a.id)
    tm.interrupt_speech()
    assert tm.get(a.id).state == "running"  # type: ignore[union-attr]
    assert tm.deliver_ready() == []  # nothing finished yet
    assert tm.finish(a.id, TaskResult("Sunny."))
    assert tm.get(a.id).state == "waiting_for_moment"  # type: ignore[union-attr]
    out = tm.deliver_ready()
    assert [d.result.reply for d in out] == ["Sunny."]
    assert tm.get(a.id).state == "done"  # type: ignore[union-attr]
    assert tm.deliver_ready() == []  # delivered once
    assert seen == [(a.id, "queued"), (a.id, "running"), (a.id, "waiting_for_moment"), (a.id, "done")]


def test_retracted_task_never_delivers() -> None:
    tm = TaskManager()
    hooks: list[str] = []
    a = tm.create("write a poem")
    tm.set_cancel_hook(a.id, lambda: hooks.append("cancelled"))
    tm.start(a.id)
    assert tm.retract() is not None and hooks == ["cancelled"]
    assert not tm.finish(a.id, TaskResult("A poem."))  # late result is dropped
    assert tm.get(a.id).state == "cancelled"  # type: ignore[union-attr]
    assert tm.deliver_ready() == []
    assert tm.retract() is None


def test_failed_task_is_delivered_as_failure() -> None:
    tm = TaskManager()
    a = tm.create("x")
    tm.start(a.id)
    tm.finish(a.id, TaskResult("", error="Cannot reach the model"))
    assert tm.get(a.id).state == "failed"  # type: ignore[union-attr]
    assert tm.deliver_ready()[0].result.error == "Cannot reach the model"


def _wait_state(worker: Any, task_id: str, states: set[str], timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = worker.tasks.get(task_id).state
        if state in states:
            return state
        time.sleep(0.01)
    raise AssertionError(f"task {task_id} never reached {states}")


@pytest.mark.slow
def test_interruption_keeps_task_and_delivers_later(embedded_settings: dict[str, Any], make_worker: Any) -> None:
    worker = make_worker(embedded_settings)
    tid = worker.submit("tell me a short story about a lighthouse keeper")
    _wait_state(worker, tid, {"running"})
    worker.interrupt_speech()  # the user talks over us: speech stops, the task goes on
    assert worker.tasks.get(tid).state == "running"
    assert _wait_state(worker, tid, {"waiting_for_moment", "failed"}) == "waiting_for_moment"
    assert worker.tasks.get(tid).state == "waiting_for_moment"  # held until the moment suits
    delivered = worker.deliver_ready(time.monotonic())
    assert [d.task_id for d in delivered] == [tid] and delivered[0].result.reply
    assert worker.tasks.get(tid).state == "done"
    frames = worker.drain()
    assert any(type(f).__name__ == "StopSpeech" for f in frames)


@pytest.mark.slow
def test_retraction_cancels_and_nothing_late_arrives(embedded_settings: dict[str, Any], make_worker: Any) -> None:
    worker = make_worker(embedded_settings)
    tid = worker.submit("tell me a long story about a dragon and a baker")
    _wait_state(worker, tid, {"running"})
    rid = worker.submit("never mind")
    assert worker.tasks.get(tid).state == "cancelled"
    assert worker.wait(tid, 5).state == "cancelled"  # waiting on a retracted task returns, it does not raise
    worker.wait(rid, 30)
    time.sleep(1.0)  # the generation thread may still be winding down: nothing may come of it
    delivered = worker.deliver_ready()
    assert tid not in [d.task_id for d in delivered]
    assert [d.result.reply for d in delivered if d.task_id == rid] == ["Okay, dropped it."]
    assert worker.tasks.get(tid).state == "cancelled"
    assert worker.deliver_ready() == []
