"""The one small interface every reasoning backend implements: chat messages in, streamed events out."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True)
class ToolCall:
    """A model's request to run one tool with JSON arguments."""

    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str = ""
    parse_error: str | None = None


@dataclass(frozen=True)
class Message:
    """One chat message in OpenAI shape."""

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None

    def to_openai(self) -> dict[str, Any]:
        """Render as an OpenAI chat message dict."""
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": c.raw_arguments or _dumps(c.arguments)}}
                for c in self.tool_calls
            ]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        if self.name is not None and self.role == "tool":
            out["name"] = self.name
        return out


@dataclass(frozen=True)
class ToolSpec:
    """A tool as offered to a model: name, description, JSON schema of its arguments, few-shot examples."""

    name: str
    description: str
    parameters: dict[str, Any]
    examples: tuple[tuple[str, dict[str, Any]], ...] = ()

    def to_openai(self) -> dict[str, Any]:
        """Render in the OpenAI ``tools`` list shape."""
        return {"type": "function",
                "function": {"name": self.name, "description": self.description, "parameters": self.parameters}}


@dataclass(frozen=True)
class StreamEvent:
    """One streamed step: a text delta, a finished tool call, the end, or an error the user should see."""

    kind: Literal["token", "tool_call", "done", "error"]
    text: str = ""
    tool_call: ToolCall | None = None
    channel: Literal["reply", "tool"] = "reply"
    t_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True)
class Request:
    """What to generate: messages, optionally tools (with a forced choice) or a JSON schema for the reply."""

    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: str | None = None  # None/"auto", "required", or a tool name
    json_schema: dict[str, Any] | None = None
    max_tokens: int = 256
    temperature: float = 0.2


class BackendError(RuntimeError):
    """A failure the user can act on (server down, bad URL, missing model); the message says what to do."""


class Backend(Protocol):
    """A reasoning model: streams events for a request; blocking, so callers run it off their loop."""

    name: str

    def stream(self, request: Request) -> Iterator[StreamEvent]:
        """Yield tokens and tool calls, then one ``done`` or ``error`` event."""
        ...


@dataclass(frozen=True)
class Completion:
    """A whole response gathered from a stream, with timings."""

    text: str
    tool_calls: tuple[ToolCall, ...]
    error: str | None
    first_token_s: float | None
    total_s: float
    n_tokens: int


def collect(backend: Backend, request: Request) -> Completion:
    """Drain a backend stream into a Completion (the blocking convenience path)."""
    t0 = time.monotonic_ns()
    first: int | None = None
    parts: list[str] = []
    calls: list[ToolCall] = []
    error: str | None = None
    n = 0
    for ev in backend.stream(request):
        if ev.kind == "token":
            if first is None:
                first = ev.t_ns
            if ev.channel == "reply":
                parts.append(ev.text)
            n += 1
        elif ev.kind == "tool_call" and ev.tool_call is not None:
            if first is None:
                first = ev.t_ns
            calls.append(ev.tool_call)
        elif ev.kind == "error":
            error = ev.text
    total = (time.monotonic_ns() - t0) / 1e9
    return Completion("".join(parts), tuple(calls), error,
                      None if first is None else (first - t0) / 1e9, total, n)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def parse_arguments(raw: str) -> tuple[dict[str, Any], str | None]:
    """Parse a tool call's JSON arguments; returns ({}, reason) when they are not a JSON object."""
    try:
        value = json.loads(raw, strict=False) if raw.strip() else {}  # tolerate raw newlines in strings
    except (ValueError, RecursionError) as exc:
        return {}, f"arguments are not valid JSON: {str(exc)[:120]}"
    if not isinstance(value, dict):
        return {}, "arguments must be a JSON object"
    return value, None
