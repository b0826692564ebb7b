"""Checking a panel spec before rendering, and turning one into plain text for the clipboard."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 24


class PanelError(ValueError):
    """A spec that cannot be rendered; the message goes on the error card."""


def check_spec(spec: Any) -> list[str]:
    """Problems with ``spec`` (empty when it can be rendered); uses the reasoning tier's validator if present."""
    if isinstance(spec, (str, bytes, bytearray)):
        try:
            spec = json.loads(spec)
        except ValueError as exc:
            return [f"not valid JSON: {exc}"]
    if not isinstance(spec, dict):
        return [f"a panel must be a JSON object, found {type(spec).__name__}"]
    try:
        from app.reasoning.panels import validate_panel
    except Exception:  # noqa: BLE001 - the validator is optional; fall back to the structural checks below
        validate_panel = None
    if validate_panel is not None:
        try:
            result = validate_panel(spec)
            return [] if result.ok else list(result.errors)
        except Exception:  # noqa: BLE001 - a broken validator must not take the window down
            pass
    return _structural_errors(spec)


def _structural_errors(spec: dict[str, Any]) -> list[str]:
    comps = spec.get("components")
    if not isinstance(comps, list) or not comps:
        return ["'components' must be a non-empty list"]
    if not all(isinstance(c, dict) and isinstance(c.get("id"), str) and isinstance(c.get("component"), str)
               for c in comps):
        return ["every component needs a string 'id' and 'component'"]
    ids = {c["id"] for c in comps}
    if spec.get("root") not in ids:
        return [f"root {spec.get('root')!r} is not a component id"]
    return []


def components_by_id(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The flat component list as a dict keyed by id."""
    return {c["id"]: c for c in spec.get("components", []) if isinstance(c, dict) and "id" in c}


def cell_text(v: Any) -> str:
    """A table or card value as display text (whole floats without ".0", None as empty)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def spec_to_text(spec: dict[str, Any]) -> str:
    """A readable plain-text rendition of a panel (what "copy" puts on the clipboard as text)."""
    comps = components_by_id(spec)
    lines: list[str] = []
    if spec.get("title"):
        lines.append(str(spec["title"]))
    seen: set[str] = set()

    def walk(cid: str, depth: int) -> None:
        comp = comps.get(cid)
        if comp is None or cid in seen or depth > MAX_DEPTH:
            return
        seen.add(cid)
        kind = comp.get("component")
        if kind == "Text":
            lines.append(str(comp.get("text", "")))
        elif kind == "List":
            for i, item in enumerate(comp.get("items", []), 1):
                lines.append(f"{i}. {item}" if comp.get("ordered") else f"- {item}")
        elif kind == "Table":
            lines.append("\t".join(cell_text(c) for c in comp.get("columns", [])))
            lines.extend("\t".join(cell_text(c) for c in row) for row in comp.get("rows", []))
        elif kind == "KeyValue":
            lines.extend(f"{e.get('key')}: {cell_text(e.get('value'))}" for e in comp.get("entries", []))
        elif kind == "Chart":
            labels = [str(x) for x in comp.get("labels", [])]
            for s in comp.get("series", []):
                pairs = ", ".join(f"{lab} {cell_text(v)}" for lab, v in zip(labels, s.get("values", []), strict=False))
                lines.append(f"{s.get('name', '')}: {pairs}")
        elif kind == "Timer":
            lines.append(f"{comp.get('label', 'Timer')}: {cell_text(comp.get('durationSeconds'))} s")
        elif kind == "Progress":
            lines.append(f"{comp.get('label', 'Progress')}: {round(float(comp.get('value', 0)) * 100)}%")
        elif kind == "Image":
            lines.append(f"[image: {comp.get('description') or comp.get('url', '')}]")
        elif kind == "Button":
            lines.append(f"[{comp.get('label', '')}]")
        for kid in list(comp.get("children", [])) + ([comp["child"]] if "child" in comp else []):
            walk(kid, depth + 1)

    walk(str(spec.get("root", "")), 0)
    return "\n".join(lines)
