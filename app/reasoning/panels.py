"""Declarative generative-UI panels: validation and grammar schemas for the show_panel tool.

Format decision: panels follow A2UI v0.9's surface shape (a flat list of components addressed by id,
``component`` naming the catalog entry, buttons carrying ``action.event``), but are validated by our
own JSON schema (``panel_schema.json``) instead of ``a2ui-core``/``a2ui-pydantic``. a2ui-core 0.4 pulls
pydantic, babel and regex and splits its schema across catalog files, and a2ui-pydantic targets v0.8;
neither gives one small self-contained schema that llama.cpp can turn into a decoding grammar, which
the embedded model needs. Tandem's own catalog additions (Table, KeyValue, Chart, Timer, Progress)
live in the same schema.
"""

from __future__ import annotations

import copy
import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

PANEL_KINDS = ("text", "list", "table", "card", "timer", "progress", "chart", "image", "buttons")


@dataclass(frozen=True)
class PanelSpec:
    """A validated panel, ready to cross to the UI thread."""

    surface_id: str
    spec: dict[str, Any]
    t_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True)
class PanelEvent:
    """A button press sent back from the UI (A2UI action event) as a frame."""

    surface_id: str
    component_id: str
    name: str
    context: dict[str, Any]
    t_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of validating a panel spec; ``errors`` is empty when valid."""

    ok: bool
    errors: tuple[str, ...]
    panel: PanelSpec | None = None

    def feedback(self) -> str:
        """One message the model can read to correct its spec."""
        return "Invalid panel spec: " + "; ".join(self.errors[:5])


@lru_cache(maxsize=1)
def panel_schema() -> dict[str, Any]:
    """The full panel JSON schema shipped next to this module."""
    text = resources.files("app.reasoning").joinpath("panel_schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = panel_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _semantic_errors(spec: dict[str, Any]) -> list[str]:
    """Checks JSON schema cannot express: unique ids, references, root, table and chart shapes."""
    errors: list[str] = []
    comps: dict[str, dict[str, Any]] = {}
    for comp in spec["components"]:
        cid = comp["id"]
        if cid in comps:
            errors.append(f"duplicate component id {cid!r}")
        comps[cid] = comp
    if spec["root"] not in comps:
        errors.append(f"root {spec['root']!r} is not a component id")
    for comp in spec["components"]:
        refs = list(comp.get("children", []))
        if "child" in comp:
            refs.append(comp["child"])
        for ref in refs:
            if ref not in comps:
                errors.append(f"component {comp['id']!r} refers to unknown id {ref!r}")
            elif ref == comp["id"]:
                errors.append(f"component {comp['id']!r} contains itself")
        kind = comp["component"]
        if kind == "Table":
            width = len(comp["columns"])
            for i, row in enumerate(comp["rows"]):
                if len(row) != width:
                    errors.append(f"table {comp['id']!r} row {i} has {len(row)} cells, expected {width}")
                    break
        elif kind == "Chart":
            n = len(comp["labels"])
            for s in comp["series"]:
                if len(s["values"]) != n:
                    got = len(s["values"])
                    errors.append(f"chart {comp['id']!r} series {s['name']!r} has {got} values, expected {n}")
        elif kind == "List" and "children" not in comp and "items" not in comp:
            errors.append(f"list {comp['id']!r} needs 'items' or 'children'")
    if not errors:
        errors.extend(_cycle_errors(spec["root"], comps))
    return errors


def _cycle_errors(root: str, comps: dict[str, dict[str, Any]]) -> list[str]:
    """Reject containment cycles so a renderer walking from the root always terminates."""
    state: dict[str, int] = {}
    stack: list[tuple[str, int]] = [(root, 0)]
    while stack:
        cid, phase = stack.pop()
        if phase == 1:
            state[cid] = 2
            continue
        if state.get(cid) == 1:
            return [f"component {cid!r} is part of a cycle"]
        if state.get(cid) == 2:
            continue
        state[cid] = 1
        stack.append((cid, 1))
        comp = comps[cid]
        kids = list(comp.get("children", [])) + ([comp["child"]] if "child" in comp else [])
        for kid in kids:
            if state.get(kid) == 1:
                return [f"component {kid!r} is part of a cycle"]
            if state.get(kid) != 2:
                stack.append((kid, 0))
    return []


def validate_panel(spec: Any) -> ValidationResult:
    """Validate a panel given as a dict or a JSON string; never raises."""
    try:
        if isinstance(spec, (str, bytes, bytearray)):
            try:
                spec = json.loads(spec)
            except (ValueError, RecursionError) as exc:
                return ValidationResult(False, (f"not valid JSON: {exc}",))
        errors = []
        for err in _validator().iter_errors(spec):
            where = "/".join(str(p) for p in err.absolute_path) or "(top)"
            errors.append(f"{where}: {_short(err.message)}")
            if len(errors) >= 10:
                break
        if errors:
            return ValidationResult(False, tuple(errors))
        sem = _semantic_errors(spec)
        if sem:
            return ValidationResult(False, tuple(sem))
        return ValidationResult(True, (), PanelSpec(spec["surfaceId"], copy.deepcopy(spec)))
    except RecursionError:
        return ValidationResult(False, ("spec is nested too deeply",))
    except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
        return ValidationResult(False, (f"could not validate spec: {type(exc).__name__}: {_short(str(exc))}",))


def _short(msg: str, limit: int = 200) -> str:
    return msg if len(msg) <= limit else msg[: limit - 3] + "..."


def parse_button_event(frame: Any) -> PanelEvent | None:
    """Turn a UI event frame ``{"surfaceId", "componentId", "name", "context"}`` into a PanelEvent."""
    if not isinstance(frame, dict):
        return None
    sid, cid, name = frame.get("surfaceId"), frame.get("componentId"), frame.get("name")
    ctx = frame.get("context", {})
    if not (isinstance(sid, str) and isinstance(cid, str) and isinstance(name, str) and sid and cid and name):
        return None
    if not isinstance(ctx, dict):
        return None
    return PanelEvent(sid, cid, name, dict(ctx))


# ---- grammar schemas: small, closed shapes a tiny model can fill under constrained decoding ----

_SHORT = {"type": "string", "minLength": 1, "maxLength": 40}


def kind_for_request(text: str) -> str:
    """Pick the panel kind a request asks for, so the model decodes under the narrowest grammar."""
    t = text.lower()
    for word, kind in (("table", "table"), ("chart", "chart"), ("graph", "chart"), ("plot", "chart"),
                       ("progress", "progress"), ("timer", "timer"), ("countdown", "timer"),
                       ("list", "list"), ("card", "card"), ("summary", "card"), ("button", "buttons"),
                       ("photo", "image"), ("snapshot", "image"), ("picture", "image")):
        if re.search(rf"\b{word}", t):
            return kind
    return "text"


def table_width_hint(text: str) -> int:
    """Guess the column count from the request ("planets and their moons" -> 2)."""
    m = re.search(r"(?:table|chart) of (.+)", text.lower())
    subject = m.group(1) if m else text.lower()
    parts = [p for p in re.split(r",|\band\b|\bwith\b", subject) if p.strip()]
    return max(2, min(4, len(parts)))


def column_hint(text: str) -> list[str]:
    """Column names suggested by the request ("planets and their moons" -> ["Planets", "Moons"])."""
    m = re.search(r"(?:table|chart|graph) of (.+)", text.lower())
    if not m:
        return []
    parts = [re.sub(r"\b(?:the|their|its|a|an|of|all)\b", " ", p).strip(" ?.!") for p in
             re.split(r",|\band\b|\bwith\b", m.group(1))]
    return [" ".join(p.split()).capitalize() for p in parts if p.strip()][:4]


def _surface(components: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 60},
            "components": {"type": "array", "prefixItems": components,
                           "minItems": len(components), "maxItems": len(components), "items": False},
            "surfaceId": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,20}$"},
            "root": {"const": "root"},
        },
        "required": ["title", "components", "surfaceId", "root"],
        "additionalProperties": False,
    }


def _comp(cid: str, kind: str, props: dict[str, Any]) -> dict[str, Any]:
    # Content fields come first: a tiny model echoes the ids it has just written into the cells otherwise.
    return {
        "type": "object",
        "properties": {**props, "id": {"const": cid}, "component": {"const": kind}},
        "required": [*props.keys(), "id", "component"],
        "additionalProperties": False,
    }


def grammar_schema(kind: str, width: int = 2, columns: list[str] | None = None) -> dict[str, Any]:
    """A closed JSON schema for one panel kind; every instance also passes ``validate_panel``.

    ``columns`` (from the request) pins a table's header, so a tiny model only has to fill the rows.
    """
    cell = {"type": "string", "minLength": 1, "maxLength": 24}
    body: dict[str, Any]
    if kind == "table":
        if columns:
            width = len(columns)
        header = {"const": list(columns)} if columns else {
            "type": "array", "items": cell, "minItems": width, "maxItems": width}
        body = _comp("body", "Table", {
            "columns": header,
            "rows": {"type": "array", "minItems": 1, "maxItems": 10,
                     "items": {"type": "array", "items": cell, "minItems": width, "maxItems": width}},
        })
    elif kind == "list":
        body = _comp("body", "List", {"items": {"type": "array", "items": _SHORT, "minItems": 1, "maxItems": 8}})
    elif kind == "card":
        body = _comp("body", "KeyValue", {"entries": {"type": "array", "minItems": 1, "maxItems": 8, "items": {
            "type": "object", "properties": {"key": _SHORT, "value": _SHORT},
            "required": ["key", "value"], "additionalProperties": False}}})
    elif kind == "chart":
        body = _comp("body", "Chart", {
            "chartType": {"enum": ["bar", "line"]},
            "labels": {"type": "array", "items": _SHORT, "minItems": width, "maxItems": width},
            "series": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
                "type": "object", "properties": {"name": _SHORT, "values": {
                    "type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 100000},
                    "minItems": width, "maxItems": width}},
                "required": ["name", "values"], "additionalProperties": False}},
        })
    elif kind == "timer":
        body = _comp("body", "Timer", {"label": _SHORT,
                                       "durationSeconds": {"type": "integer", "minimum": 1, "maximum": 86400}})
    elif kind == "progress":
        body = _comp("body", "Progress", {"label": _SHORT, "value": {"type": "number", "minimum": 0, "maximum": 1}})
    elif kind == "image":
        body = _comp("body", "Image", {"url": {"const": "snapshot://latest"}, "description": _SHORT})
    elif kind == "buttons":
        body = _comp("body", "Button", {"label": _SHORT, "action": {
            "type": "object", "properties": {"event": {
                "type": "object", "properties": {"name": {"type": "string", "pattern": "^[a-z_]{1,20}$"}},
                "required": ["name"], "additionalProperties": False}},
            "required": ["event"], "additionalProperties": False}})
    else:
        body = _comp("body", "Text", {"text": {"type": "string", "minLength": 1, "maxLength": 400}})
    root = _comp("root", "Column", {"children": {"type": "array", "prefixItems": [{"const": "body"}],
                                                 "minItems": 1, "maxItems": 1, "items": False}})
    return _surface([body, root])


def fallback_text_panel(title: str, text: str) -> dict[str, Any]:
    """A minimal valid panel used when a model cannot produce one."""
    return {"surfaceId": "note", "title": title[:200] or "Note", "root": "root", "components": [
        {"id": "root", "component": "Column", "children": ["body"]},
        {"id": "body", "component": "Text", "text": text[:4000] or "(empty)"},
    ]}
