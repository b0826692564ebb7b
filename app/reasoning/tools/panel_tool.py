"""The show_panel tool: validates a declarative panel spec and hands it to the UI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.panels import PanelSpec, grammar_schema, panel_schema, validate_panel
from app.reasoning.tools.base import Tool


class PanelError(ValueError):
    """The spec was rejected; the message is fed back to the model."""


def panel_tool(on_panel: Callable[[PanelSpec], None] | None = None) -> Tool:
    """show_panel; an invalid spec raises PanelError whose text tells the model what to fix."""

    async def handler(args: dict[str, Any]) -> dict[str, Any]:
        res = validate_panel(args)
        if not res.ok or res.panel is None:
            raise PanelError(res.feedback())
        if on_panel is not None:
            on_panel(res.panel)
        return {"shown": True, "surfaceId": res.panel.surface_id, "panel": res.panel.spec}

    spec = ToolSpec("show_panel", "Show a panel on screen (A2UI-style surface: flat components by id).",
                    panel_schema(), (("show my shopping list", _example()),))
    return Tool(spec, handler, timeout_s=2.0)


def panel_tool_spec_for(kind: str, width: int = 2, columns: list[str] | None = None, *,
                        example: bool = True) -> ToolSpec:
    """show_panel narrowed to one panel kind, for grammar-constrained decoding in one turn.

    Leave the worked example out when the request names its own columns: a tiny model copies an
    example's topic instead of the user's.
    """
    shots = (("show me a table of fruits and their colours", _table_example()),)
    return ToolSpec("show_panel", f"Show a {kind} panel on screen.", grammar_schema(kind, width, columns),
                    shots if kind == "table" and example else ())


def _example() -> dict[str, Any]:
    return {"surfaceId": "shopping", "title": "Shopping list", "root": "root", "components": [
        {"id": "root", "component": "Column", "children": ["body"]},
        {"id": "body", "component": "List", "items": ["milk", "bread"]}]}


def _table_example() -> dict[str, Any]:
    return {"surfaceId": "fruits", "title": "Fruits and colours", "root": "root", "components": [
        {"id": "root", "component": "Column", "children": ["body"]},
        {"id": "body", "component": "Table", "columns": ["Fruit", "Colour"],
         "rows": [["Banana", "Yellow"], ["Apple", "Red"], ["Lime", "Green"]]}]}
