"""Tool definitions and the concurrent runner with per-tool timeouts and confirmation for side effects."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from app.reasoning.backend import ToolCall, ToolSpec

Handler = Callable[[dict[str, Any]], Awaitable[Any]]
Confirm = Callable[[ToolCall], "Awaitable[bool] | bool"]


@dataclass(frozen=True)
class Tool:
    """A callable tool: its model-facing spec, an async handler, a timeout and whether it acts outside the app."""

    spec: ToolSpec
    handler: Handler
    timeout_s: float = 10.0
    side_effect: bool = False

    @property
    def name(self) -> str:
        """The tool's name."""
        return self.spec.name


@dataclass(frozen=True)
class ToolResult:
    """The outcome of one call; ``error`` set means it failed, was refused or timed out."""

    call_id: str
    name: str
    ok: bool
    content: Any = None
    error: str | None = None
    duration_s: float = 0.0
    t_ns: int = field(default_factory=time.monotonic_ns)

    def for_model(self) -> str:
        """Compact text fed back to the model as the tool message."""
        import json

        if self.ok:
            return json.dumps(self.content, ensure_ascii=False, default=str)[:4000]
        return f"ERROR: {self.error}"


def argument_errors(schema: dict[str, Any], args: Any) -> list[str]:
    """Validate tool arguments against a JSON schema; never raises."""
    try:
        v = jsonschema.Draft202012Validator(schema)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in v.iter_errors(args)][:5]
    except RecursionError:
        return ["arguments are nested too deeply"]
    except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
        return [f"could not validate arguments: {type(exc).__name__}"]


class ToolRunner:
    """Runs a batch of tool calls concurrently on the current asyncio loop."""

    def __init__(self, tools: Iterable[Tool] = (), confirm: Confirm | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        self.confirm = confirm
        for t in tools:
            self.add(t)

    def add(self, tool: Tool) -> None:
        """Register (or replace) a tool."""
        self._tools[tool.name] = tool

    def get(self, name: str) -> Tool | None:
        """Look a tool up by name."""
        return self._tools.get(name)

    def specs(self, names: Iterable[str] | None = None) -> tuple[ToolSpec, ...]:
        """Specs of all tools, or only of the named ones (the turn's fitting subset)."""
        if names is None:
            return tuple(t.spec for t in self._tools.values())
        return tuple(self._tools[n].spec for n in names if n in self._tools)

    async def run_one(self, call: ToolCall) -> ToolResult:
        """Validate, confirm if needed, and run one call under its timeout."""
        t0 = time.monotonic()
        tool = self._tools.get(call.name)
        if tool is None:
            return ToolResult(call.id, call.name, False, error=f"unknown tool {call.name!r}")
        if call.parse_error:
            return ToolResult(call.id, call.name, False, error=call.parse_error)
        errs = argument_errors(tool.spec.parameters, call.arguments)
        if errs:
            return ToolResult(call.id, call.name, False, error="invalid arguments: " + "; ".join(errs))
        if tool.side_effect:
            allowed = False
            if self.confirm is not None:
                answer = self.confirm(call)
                allowed = bool(await answer) if inspect.isawaitable(answer) else bool(answer)
            if not allowed:
                return ToolResult(call.id, call.name, False, error="the user did not confirm this action")
        try:
            content = await asyncio.wait_for(tool.handler(dict(call.arguments)), timeout=tool.timeout_s)
        except TimeoutError:
            return ToolResult(call.id, call.name, False, error=f"timed out after {tool.timeout_s:g} s",
                              duration_s=time.monotonic() - t0)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
            return ToolResult(call.id, call.name, False, error=f"{type(exc).__name__}: {exc}"[:500],
                              duration_s=time.monotonic() - t0)
        return ToolResult(call.id, call.name, True, content=content, duration_s=time.monotonic() - t0)

    async def run_many(self, calls: Iterable[ToolCall]) -> list[ToolResult]:
        """Run calls concurrently; results keep the calls' order."""
        return list(await asyncio.gather(*(self.run_one(c) for c in calls)))
