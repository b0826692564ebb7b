"""Panel schema validation, including a fuzz run over malformed specs and tool arguments."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.reasoning.backend import ToolCall
from app.reasoning.panels import (
    PANEL_KINDS,
    grammar_schema,
    kind_for_request,
    panel_schema,
    parse_button_event,
    table_width_hint,
    validate_panel,
)
from app.reasoning.tools.base import argument_errors

GOOD = {
    "surfaceId": "planets", "title": "Planets", "root": "root",
    "components": [
        {"id": "root", "component": "Column", "children": ["h", "tbl", "chart", "kv", "btn", "tm", "pg", "img", "lst"]},
        {"id": "h", "component": "Text", "text": "Planets", "variant": "h2"},
        {"id": "tbl", "component": "Table", "columns": ["Planet", "Moons"], "rows": [["Earth", 1], ["Mars", 2]]},
        {"id": "chart", "component": "Chart", "chartType": "bar", "labels": ["Earth", "Mars"],
         "series": [{"name": "moons", "values": [1, 2]}]},
        {"id": "kv", "component": "KeyValue", "entries": [{"key": "largest", "value": "Jupiter"}]},
        {"id": "btn", "component": "Button", "label": "More",
         "action": {"event": {"name": "more", "context": {"n": 1}}}},
        {"id": "tm", "component": "Timer", "label": "tea", "durationSeconds": 180},
        {"id": "pg", "component": "Progress", "value": 0.5},
        {"id": "img", "component": "Image", "url": "snapshot://latest"},
        {"id": "lst", "component": "List", "items": ["a", "b"]},
    ],
}


def test_good_spec_valid() -> None:
    res = validate_panel(GOOD)
    assert res.ok, res.errors
    assert res.panel is not None and res.panel.surface_id == "planets"
    assert validate_panel(json.dumps(GOOD)).ok


@pytest.mark.parametrize("mutate, needle", [
    (lambda s: s["components"][2]["rows"].append(["Venus"]), "row 2"),
    (lambda s: s.__setitem__("root", "nope"), "root"),
    (lambda s: s["components"][0]["children"].append("ghost"), "ghost"),
    (lambda s: s["components"].append(dict(s["components"][1])), "duplicate"),
    (lambda s: s["components"][1].__setitem__("component", "Script"), "components/1"),
    (lambda s: s["components"][8].__setitem__("url", "javascript:alert(1)"), "components/8"),
    (lambda s: s["components"][3]["series"][0]["values"].append(3), "chart"),
    (lambda s: s["components"].append({"id": "c2", "component": "Card", "child": "root"}) or
     s["components"][0]["children"].append("c2"), "cycle"),
])
def test_bad_specs_rejected(mutate, needle: str) -> None:  # type: ignore[no-untyped-def]
    spec = copy.deepcopy(GOOD)
    mutate(spec)
    res = validate_panel(spec)
    assert not res.ok
    assert needle in " ".join(res.errors), res.errors
    assert "Invalid panel spec" in res.feedback()


def test_schema_is_valid_draft_2020() -> None:
    jsonschema.Draft202012Validator.check_schema(panel_schema())


@pytest.mark.parametrize("kind", PANEL_KINDS)
def test_grammar_schemas_are_closed_and_examples_validate(kind: str) -> None:
    """Every grammar schema is itself a valid schema whose minimal instance passes full validation."""
    schema = grammar_schema(kind, 3)
    jsonschema.Draft202012Validator.check_schema(schema)
    body = schema["properties"]["components"]["prefixItems"][0]
    comp: dict = {"id": "body", "component": body["properties"]["component"]["const"]}
    samples = {"Table": {"columns": ["a", "b", "c"], "rows": [["1", "2", "3"]]}, "List": {"items": ["x"]},
               "KeyValue": {"entries": [{"key": "k", "value": "v"}]},
               "Chart": {"chartType": "bar", "labels": ["a", "b", "c"], "series": [{"name": "n", "values": [1, 2, 3]}]},
               "Timer": {"label": "t", "durationSeconds": 5}, "Progress": {"label": "p", "value": 0.3},
               "Image": {"url": "snapshot://latest", "description": "d"},
               "Button": {"label": "ok", "action": {"event": {"name": "ok"}}}, "Text": {"text": "hi"}}
    comp.update(samples[comp["component"]])
    spec = {"surfaceId": "s", "title": "T", "root": "root",
            "components": [comp, {"id": "root", "component": "Column", "children": ["body"]}]}
    jsonschema.validate(spec, schema)
    assert validate_panel(spec).ok


def test_kind_and_width_hints() -> None:
    assert kind_for_request("show me a table of the planets and their moons") == "table"
    assert table_width_hint("show me a table of the planets and their moons") == 2
    assert kind_for_request("plot my steps") == "chart"


def test_button_event_frames() -> None:
    ev = parse_button_event({"surfaceId": "s", "componentId": "btn", "name": "more", "context": {"n": 1}})
    assert ev is not None and ev.name == "more" and ev.t_ns > 0
    assert parse_button_event({"surfaceId": "s"}) is None
    assert parse_button_event("garbage") is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=10), kids, max_size=5),
    max_leaves=30,
)
component_keys = st.sampled_from(["id", "component", "children", "child", "text", "columns", "rows", "labels",
                                  "series", "values", "url", "action", "entries", "label", "value", "chartType"])
component_like = st.dictionaries(component_keys, json_values | st.sampled_from(
    ["Text", "Table", "Chart", "root", "body", "Column", "Button"]), max_size=8)
spec_like = st.fixed_dictionaries(
    {"surfaceId": json_values | st.text(max_size=10), "root": st.sampled_from(["root", "a", ""]) | json_values,
     "components": st.lists(component_like, max_size=6) | json_values},
    optional={"title": json_values, "extra": json_values})


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(spec_like, json_values, st.text(max_size=200), st.binary(max_size=50)))
def test_fuzz_panel_specs_never_crash(spec: object) -> None:
    res = validate_panel(spec)  # must not raise
    assert res.ok == (not res.errors)
    if res.ok:
        assert res.panel is not None


@settings(max_examples=800, deadline=None)
@given(json_values | st.dictionaries(st.sampled_from(["seconds", "label", "expression", "hour"]), json_values))
def test_fuzz_tool_arguments_never_crash(args: object) -> None:
    from app.reasoning.tools.timers import TimerService, timer_tools

    svc = TimerService(autostart=False)
    for tool in timer_tools(svc):
        errs = argument_errors(tool.spec.parameters, args)
        assert isinstance(errs, list)
    ToolCall("x", "set_timer", {}, "{", "bad")


def test_deeply_nested_spec_is_an_error_not_a_crash() -> None:
    deep: object = []
    for _ in range(5000):
        deep = [deep]
    res = validate_panel({"surfaceId": "s", "root": "r", "components": deep})
    assert not res.ok
    text = "[" * 100000
    assert not validate_panel(text).ok
