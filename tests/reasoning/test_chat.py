"""chat() end to end with the embedded model: timers fire on time, panels come out schema-valid."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from app.reasoning.chat import chat, wait_for_timers
from app.reasoning.panels import validate_panel


@pytest.mark.slow
def test_timer_intent_fires_about_3s_later(embedded_settings: dict[str, Any], tmp_path: Path) -> None:
    settings = {**embedded_settings, "data_dir": str(tmp_path)}
    t0 = time.monotonic()
    out = chat("set a timer for 3 seconds", settings=settings)
    assert [c["name"] for c in out["tool_calls"]] == ["set_timer"]
    assert out["tool_calls"][0]["arguments"] == {"seconds": 3.0} and out["tool_calls"][0]["ok"]
    assert out["timers"] and 2.0 < out["timers"][0]["fires_in_s"] <= 3.0
    assert "3 seconds" in out["reply"]
    fired_at: list[float] = []
    fired = wait_for_timers(settings=settings, timeout_s=10, on_fire=lambda ev: fired_at.append(time.monotonic()))
    assert len(fired) == 1 and len(fired_at) == 1
    assert 2.8 <= fired_at[0] - t0 <= 3.8, fired_at[0] - t0


@pytest.mark.slow
def test_table_panel_from_model_is_schema_valid(embedded_settings: dict[str, Any], tmp_path: Path) -> None:
    settings = {**embedded_settings, "data_dir": str(tmp_path)}
    out = chat("show me a table of the planets and their moons", settings=settings)
    assert out["error"] is None, out
    assert len(out["panels"]) == 1
    panel = out["panels"][0]
    assert validate_panel(panel).ok
    table = [c for c in panel["components"] if c["component"] == "Table"]
    assert len(table) == 1 and len(table[0]["columns"]) == 2 and table[0]["rows"]
    call = out["tool_calls"][0]
    assert call["name"] == "show_panel" and call["source"] == "model"
    assert out["timings"]["first_token_s"] > 0


@pytest.mark.slow
def test_plain_question_gets_a_model_reply(embedded_settings: dict[str, Any], tmp_path: Path) -> None:
    out = chat("say hello to me", settings={**embedded_settings, "data_dir": str(tmp_path)})
    assert out["error"] is None and out["reply"].strip()
    assert out["tool_calls"] == [] and out["timings"]["tokens"] > 0


def test_arithmetic_and_notes_need_no_model(tmp_path: Path) -> None:
    """Deterministic intents answer even with a model server that does not exist."""
    settings = {"backend": "http", "http": {"base_url": "http://127.0.0.1:9", "fallback_to_embedded": False},
                "data_dir": str(tmp_path)}
    out = chat("what is 2 to the power of 10", settings=settings)
    assert out["reply"] == "2**10 is 1024." and out["tool_calls"][0]["name"] == "calculate"
    assert chat("note that the spare key is under the plant pot", settings=settings)["reply"] == "Noted."
    from app.reasoning.tools.notes import NotesStore

    assert NotesStore(tmp_path).search("spare key")[0]["text"] == "the spare key is under the plant pot"


def test_bad_settings_become_one_clear_message(tmp_path: Path) -> None:
    out = chat("hello", settings={"backend": "http", "http": {"base_url": "ftp://nowhere"}, "data_dir": str(tmp_path)})
    assert out["error"] and "not an http(s) URL" in out["reply"]
    out = chat("hello", settings={"backend": "http", "http": {"base_url": "http://x", "api_key": "sk-1"},
                                  "data_dir": str(tmp_path)})
    assert "keyring" in out["reply"]
