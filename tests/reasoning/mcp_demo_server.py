"""A tiny MCP server for the tests: one read-only tool and one with side effects."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

server = MCPServer("demo")


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def shout(text: str) -> str:
    """Upper-case the text (pretend side effect)."""
    return text.upper()


if __name__ == "__main__":
    server.run()
