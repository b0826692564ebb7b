"""MCP client: exposes the tools of configured MCP servers (stdio) through the official ``mcp`` SDK.

Remote tools act outside the app, so each needs the user's confirmation unless the server marks it
read-only or the user marks the server trusted.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.tools.base import Tool


@dataclass(frozen=True)
class McpServerConfig:
    """One configured server: a command line that speaks MCP on stdio."""

    name: str
    command: str
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    trusted: bool = False
    timeout_s: float = 20.0

    @staticmethod
    def from_settings(item: dict[str, Any]) -> McpServerConfig:
        """Build from a settings entry ``{name, command, args, env, trusted, timeout_s}``."""
        name = re.sub(r"[^a-z0-9_]", "_", str(item["name"]).lower())[:20]
        return McpServerConfig(name, str(item["command"]), tuple(str(a) for a in item.get("args", [])),
                               {str(k): str(v) for k, v in (item.get("env") or {}).items()},
                               bool(item.get("trusted", False)), float(item.get("timeout_s", 20.0)))


def _attr(obj: Any, *names: str, default: Any = None) -> Any:
    for n in names:  # mcp 2.x uses snake_case, 1.x camelCase
        if hasattr(obj, n):
            return getattr(obj, n)
    return default


class McpHub:
    """Keeps one session per server open on the worker's event loop."""

    def __init__(self, servers: list[McpServerConfig]) -> None:
        self.servers = servers
        self._stack = contextlib.AsyncExitStack()
        self._sessions: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    async def connect(self) -> list[Tool]:
        """Start every server, list its tools, and return them as Tandem tools; failures land in ``errors``."""
        try:
            from mcp import ClientSession, StdioServerParameters
            from mcp.client.stdio import stdio_client
        except ImportError:
            self.errors = {s.name: "MCP support is not installed (pip install mcp)" for s in self.servers}
            return []
        tools: list[Tool] = []
        for server in self.servers:
            try:
                params = StdioServerParameters(command=server.command, args=list(server.args), env=server.env or None)
                read, write = await self._stack.enter_async_context(stdio_client(params))
                session = await self._stack.enter_async_context(ClientSession(read, write))
                await session.initialize()
                listed = await session.list_tools()
            except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
                self.errors[server.name] = f"could not start MCP server {server.name!r}: {exc}"
                continue
            self._sessions[server.name] = session
            for remote in listed.tools:
                tools.append(self._wrap(server, session, remote))
        return tools

    def _wrap(self, server: McpServerConfig, session: Any, remote: Any) -> Tool:
        remote_name = str(remote.name)
        schema = _attr(remote, "input_schema", "inputSchema", default=None) or {"type": "object"}
        annotations = _attr(remote, "annotations", default=None)
        read_only = bool(_attr(annotations, "read_only_hint", "readOnlyHint", default=False)) if annotations else False

        async def handler(args: dict[str, Any]) -> dict[str, Any]:
            result = await session.call_tool(remote_name, args)
            texts = [str(_attr(c, "text", default="")) for c in _attr(result, "content", default=[]) or []]
            if _attr(result, "is_error", "isError", default=False):
                raise RuntimeError(" ".join(texts) or "the MCP tool reported an error")
            out: dict[str, Any] = {"text": "\n".join(t for t in texts if t)}
            structured = _attr(result, "structured_content", "structuredContent", default=None)
            if structured is not None:
                out["structured"] = structured
            return out

        name = f"mcp_{server.name}__{re.sub(r'[^A-Za-z0-9_]', '_', remote_name)}"[:64]
        spec = ToolSpec(name, str(_attr(remote, "description", default="") or remote_name)[:300], dict(schema))
        return Tool(spec, handler, timeout_s=server.timeout_s, side_effect=not (server.trusted or read_only))

    async def close(self) -> None:
        """Close every session and stop the server processes."""
        await self._stack.aclose()
