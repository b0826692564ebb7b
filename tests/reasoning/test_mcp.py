"""MCP client against a real stdio MCP server built with the official SDK."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from app.reasoning.backend import ToolCall

pytest.importorskip("mcp")
SERVER = Path(__file__).with_name("mcp_demo_server.py")


def test_mcp_tools_listed_called_and_confirmed(make_worker: Any) -> None:
    asked: list[str] = []

    def confirm(call: ToolCall) -> bool:
        asked.append(call.name)
        return False  # the user declines the side effect

    settings = {"backend": "embedded", "tools": {"mcp_servers": [
        {"name": "demo", "command": sys.executable, "args": [str(SERVER)]},
        {"name": "broken", "command": "/nonexistent/mcp-server"}]}}
    worker = make_worker(settings, confirm=confirm)
    runner = worker.reasoner.runner
    names = {s.name for s in runner.specs()}
    assert {"mcp_demo__add", "mcp_demo__shout"} <= names
    add = worker.run(runner.run_one(ToolCall("1", "mcp_demo__add", {"a": 2, "b": 40})), 20)
    assert add.ok and "42" in add.content["text"]  # read-only: no confirmation needed
    shout = worker.run(runner.run_one(ToolCall("2", "mcp_demo__shout", {"text": "hi"})), 20)
    assert not shout.ok and "confirm" in (shout.error or "") and asked == ["mcp_demo__shout"]
    bad = worker.run(runner.run_one(ToolCall("3", "mcp_demo__add", {"a": "x"})), 20)
    assert not bad.ok
    notices = [f for f in worker.drain() if type(f).__name__ == "Notice"]
    assert any("broken" in n.text for n in notices)
