"""Turn logic: invalid panels are fed back to the model, tools picked by the model run, notices appear."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.reasoning.backend import Request, StreamEvent, ToolCall
from app.reasoning.context import Conversation
from app.reasoning.reasoner import Notice, Reasoner
from app.reasoning.tasks import TaskManager
from app.reasoning.tools.base import ToolRunner
from app.reasoning.tools.panel_tool import panel_tool
from app.reasoning.tools.timers import TimerService

VALID = {"title": "Planets", "surfaceId": "planets", "root": "root", "components": [
    {"id": "body", "component": "Table", "columns": ["Planet", "Moons"], "rows": [["Earth", "1"]]},
    {"id": "root", "component": "Column", "children": ["body"]}]}


class ScriptedBackend:
    """A backend seam that replays prepared tool calls and records the requests it saw."""

    name = "scripted"

    def __init__(self, calls: list[dict[str, Any]], delay_s: float = 0.0) -> None:
        self.calls = calls
        self.requests: list[Request] = []
        self.delay_s = delay_s

    def stream(self, request: Request) -> Iterator[StreamEvent]:
        import time

        self.requests.append(request)
        time.sleep(self.delay_s)
        args = self.calls[min(len(self.requests) - 1, len(self.calls) - 1)]
        yield StreamEvent("tool_call", tool_call=ToolCall(f"c{len(self.requests)}", "show_panel", args))
        yield StreamEvent("done")


def _reasoner(backend: Any, emitted: list[Any], **kw: Any) -> Reasoner:
    timers = TimerService(autostart=False)
    return Reasoner(backend, ToolRunner([panel_tool(emitted.append)]), timers, Conversation(), TaskManager(),
                    emit=emitted.append, **kw)


def test_invalid_panel_is_fed_back_then_fixed() -> None:
    bad = copy.deepcopy(VALID)
    bad["components"][0]["rows"] = [["Earth", "1", "extra"]]
    backend = ScriptedBackend([bad, VALID])
    emitted: list[Any] = []
    result = asyncio.run(_reasoner(backend, emitted).run_turn("show me a table of the planets and their moons"))
    assert len(backend.requests) == 2
    feedback = backend.requests[1].messages[-1]
    assert feedback.role == "tool" and "Invalid panel spec" in feedback.content and "row 0" in feedback.content
    assert [p["surfaceId"] for p in result.panels] == ["planets"]
    assert [c["ok"] for c in result.tool_calls] == [False, True]
    assert any(type(f).__name__ == "PanelSpec" for f in emitted)  # the UI got the panel as a frame


def test_panel_that_stays_invalid_is_an_error_not_a_crash() -> None:
    backend = ScriptedBackend([{"components": "nonsense"}])
    result = asyncio.run(_reasoner(backend, []).run_turn("show me a chart of my steps"))
    assert result.panels == () and result.error and "components" in result.error


def test_slow_model_gives_still_working_notice_within_a_second() -> None:
    emitted: list[Any] = []
    backend = ScriptedBackend([VALID], delay_s=1.3)
    result = asyncio.run(_reasoner(backend, emitted, notice_after_s=0.5).run_turn("show me a table of planets"))
    notices = [f for f in emitted if isinstance(f, Notice)]
    assert notices and notices[0].text.startswith("Still working")
    assert result.panels and result.notices[0].startswith("Still working")


@pytest.mark.slow
def test_model_picks_a_fitting_tool_and_answers(embedded_settings: dict[str, Any], make_worker: Any,
                                                tmp_path: Path) -> None:
    worker = make_worker(embedded_settings)
    worker.wait(worker.submit("note that the dentist appointment is on Friday at 10"), 10)
    tid = worker.submit("what did I note about the dentist")
    worker.wait(tid, 120)
    result = {d.task_id: d.result for d in worker.deliver_ready()}[tid]
    assert [c["name"] for c in result.tool_calls] == ["search_notes"]
    call = result.tool_calls[0]
    assert call["source"] == "model" and call["ok"]
    assert result.reply.strip()


def test_button_press_comes_back_as_event_frame(make_worker: Any, tmp_path: Path) -> None:
    settings = {"backend": "http", "http": {"base_url": "http://127.0.0.1:9/v1", "fallback_to_embedded": False}}
    worker = make_worker(settings)
    assert worker.press_button({"surfaceId": "planets"}) is None  # malformed: ignored, no crash
    tid = worker.press_button({"surfaceId": "planets", "componentId": "more", "name": "show_more", "context": {}})
    assert tid is not None
    worker.wait(tid, 10)
    frames = worker.drain()
    events = [f for f in frames if type(f).__name__ == "PanelEvent"]
    assert len(events) == 1 and events[0].name == "show_more" and events[0].t_ns > 0
    assert worker.tasks.get(tid).request.startswith("I pressed the 'show_more' button")
    assert any(isinstance(f, Notice) and "Cannot reach" in f.text for f in frames)  # the error is visible


class LoopingBackend:
    """A backend seam whose reply falls into a loop, as the small embedded model did on a fragment."""

    name = "looping"

    def stream(self, request: Request) -> Iterator[StreamEvent]:
        for piece in [" I'm just a handy tool", " for any situation."] * 4 + [" I'm just a handy"]:  # as tokenized
            yield StreamEvent("token", piece)
        yield StreamEvent("done")


def test_a_reply_that_loops_is_said_and_remembered_once() -> None:
    reasoner = _reasoner(LoopingBackend(), [])
    result = asyncio.run(reasoner.run_turn("and um, um, um,"))
    assert result.reply == "I'm just a handy tool for any situation."
    assert reasoner.conversation.build((), ()).to_messages()[-1].content == result.reply  # the context, too
