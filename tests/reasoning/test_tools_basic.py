"""Calculator, SQLite notes, FTS5 document search, timers and the concurrent runner."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from app.reasoning.backend import ToolCall, ToolSpec
from app.reasoning.clock import VirtualClock
from app.reasoning.tools.base import Tool, ToolRunner
from app.reasoning.tools.calculator import CalcError, evaluate, format_number
from app.reasoning.tools.documents import DocumentIndex, documents_tool
from app.reasoning.tools.notes import NotesStore, notes_tools
from app.reasoning.tools.timers import TimerService


@pytest.mark.parametrize("expr, want", [("2**10", "1024"), ("2^10", "1024"), ("12*7", "84"), ("sqrt(16)", "4"),
                                        ("(1+2)*3 - 4/2", "7"), ("-3 % 5", "2"), ("10/4", "2.5")])
def test_calculator(expr: str, want: str) -> None:
    assert format_number(evaluate(expr)) == want


@pytest.mark.parametrize("expr", ["__import__('os').system('true')", "open('x')", "1/0", "9**9**9", "a+1",
                                  "x" * 400, "(lambda: 1)()", "[1,2]", "True+1", "10**100000"])
def test_calculator_rejects(expr: str) -> None:
    with pytest.raises(CalcError):
        evaluate(expr)


def test_notes_roundtrip(tmp_path: Path) -> None:
    store = NotesStore(tmp_path)
    store.add("the car is parked on level 3")
    store.add("buy oat milk", kind="memory")
    hits = store.search("where is the car parked?")
    assert hits and "level 3" in hits[0]["text"]
    assert store.search("") == []
    assert next(n["text"] for n in store.recent()) == "buy oat milk"
    store.close()
    assert NotesStore(tmp_path).search("milk")[0]["kind"] == "memory"  # persisted


def test_notes_tools_run(tmp_path: Path) -> None:
    runner = ToolRunner(notes_tools(NotesStore(tmp_path)))
    res = asyncio.run(runner.run_many([ToolCall("1", "add_note", {"text": "dentist on friday"})]))
    assert res[0].ok
    res = asyncio.run(runner.run_many([ToolCall("2", "search_notes", {"query": "dentist"})]))
    assert res[0].ok and res[0].content["notes"][0]["text"] == "dentist on friday"


def test_document_search(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "budget.md").write_text("# Budget 2026\nRent is 900 euros and groceries are 300.")
    (docs / "sub" / "trip.txt").write_text("Train to Lisbon leaves at 9:15 from platform 4.")
    (docs / "image.bin").write_bytes(b"\x00\x01")
    index = DocumentIndex(tmp_path / "data", docs)
    assert index.refresh() == 2
    assert index.refresh() == 0  # unchanged files are not re-read
    hits = index.search("when does the train to Lisbon leave")
    assert hits and hits[0]["path"].endswith("trip.txt") and "[Lisbon]" in hits[0]["snippet"]
    (docs / "sub" / "trip.txt").unlink()
    index.refresh()
    assert index.search("Lisbon") == []
    assert index.search("!!! ***") == []  # FTS syntax characters never reach MATCH


def test_document_tool_off_is_clear() -> None:
    res = asyncio.run(ToolRunner([documents_tool(None)]).run_one(ToolCall("1", "search_documents", {"query": "x"})))
    assert not res.ok and "documents_dir" in (res.error or "")


def _sleepy(name: str, seconds: float, timeout: float = 5.0, side_effect: bool = False) -> Tool:
    async def handler(args: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(seconds)
        return {"slept": seconds}

    return Tool(ToolSpec(name, "sleeps", {"type": "object"}), handler, timeout_s=timeout, side_effect=side_effect)


def test_three_slow_tools_run_concurrently() -> None:
    runner = ToolRunner([_sleepy("a", 1.0), _sleepy("b", 1.0), _sleepy("c", 1.0)])
    t0 = time.monotonic()
    res = asyncio.run(runner.run_many([ToolCall(str(i), n, {}) for i, n in enumerate("abc")]))
    elapsed = time.monotonic() - t0
    assert all(r.ok for r in res)
    assert elapsed < 1.5, elapsed


def test_timeout_and_confirmation() -> None:
    asked: list[str] = []

    def confirm(call: ToolCall) -> bool:
        asked.append(call.name)
        return call.name == "ok_fx"

    runner = ToolRunner([_sleepy("slow", 2.0, timeout=0.2), _sleepy("fx", 0, side_effect=True),
                         _sleepy("ok_fx", 0, side_effect=True)], confirm=confirm)
    slow, fx, ok = asyncio.run(runner.run_many([ToolCall("1", "slow", {}), ToolCall("2", "fx", {}),
                                                ToolCall("3", "ok_fx", {})]))
    assert not slow.ok and "timed out" in (slow.error or "")
    assert not fx.ok and "confirm" in (fx.error or "")
    assert ok.ok and asked == ["fx", "ok_fx"]
    unknown = asyncio.run(runner.run_one(ToolCall("4", "nope", {})))
    assert not unknown.ok


def test_timer_service_virtual_clock() -> None:
    clock = VirtualClock()
    svc = TimerService(clock, autostart=False)
    fired: list[str] = []
    svc.subscribe(lambda ev: fired.append(ev.timer.label))
    svc.add(3, "tea")
    svc.add(10, "eggs")
    clock.advance(2.9)
    assert svc.poll() == [] and fired == []
    clock.advance(0.2)
    assert [e.timer.label for e in svc.poll()] == ["tea"]
    assert [t.label for t in svc.pending()] == ["eggs"]
    assert svc.cancel()[0].label == "eggs" and svc.pending() == []
    with pytest.raises(ValueError):
        svc.add(-1)
