"""An item's kept result stands for this run's only when that run was the same: code, policy, model,
settings and input audio. Anything else runs the item again."""

from __future__ import annotations

import json

from app.eval.fdb_resume import RESULT_FILE, file_digest, load_result, run_key, save_result

SETUP = {"voice": "joe", "asr_model": "tiny.en", "knobs": "Knobs(patience=0.5)", "tick_ms": 200,
         "timing": "Timing(measured=False)"}


def _item(tmp_path, audio=b"RIFF-one"):
    item = tmp_path / "items" / "smooth_turn_taking" / "0000"
    item.mkdir(parents=True, exist_ok=True)
    (item / "input.wav").write_bytes(audio)
    return item


def test_a_result_comes_back_only_for_the_same_run(tmp_path):
    item = _item(tmp_path)
    model = tmp_path / "m.onnx"
    model.write_bytes(b"weights")
    key = run_key(item, "model", SETUP, file_digest(model))
    out = tmp_path / "out" / "smooth_turn_taking" / "0000"
    row = {"item": "smooth_turn_taking/0000", "category": "smooth_turn_taking", "score": {"takeover": True}}
    save_result(out, key, row, [0.1, 0.2])
    assert load_result(out, key) == (row, [0.1, 0.2])
    assert not (out / (RESULT_FILE + ".partial")).exists()

    assert key == run_key(item, "model", SETUP, file_digest(model))
    assert run_key(item, "baseline", SETUP, file_digest(model)) != key
    assert run_key(item, "model", {**SETUP, "knobs": "Knobs(patience=0.9)"}, file_digest(model)) != key
    assert run_key(item, "model", {**SETUP, "timing": "Timing(measured=True)"}, file_digest(model)) != key
    model.write_bytes(b"retrained weights")
    assert run_key(item, "model", SETUP, file_digest(model)) != key
    model.write_bytes(b"weights")
    (item / "clean_input.wav").write_bytes(b"RIFF-clean")  # the overlap item got its clean twin
    assert run_key(item, "model", SETUP, file_digest(model)) != key
    (item / "clean_input.wav").unlink()
    _item(tmp_path, b"RIFF-regenerated")
    changed = run_key(item, "model", SETUP, file_digest(model))
    assert changed != key and load_result(out, changed) is None


def test_the_baseline_key_ignores_the_model_file(tmp_path):
    item = _item(tmp_path)
    a, b = tmp_path / "a.onnx", tmp_path / "b.onnx"
    a.write_bytes(b"one")
    b.write_bytes(b"two")
    assert run_key(item, "baseline", SETUP, file_digest(a)) == run_key(item, "baseline", SETUP, file_digest(b))


def test_a_missing_or_damaged_result_is_run_again(tmp_path):
    out = tmp_path / "out"
    assert load_result(out, "k") is None
    out.mkdir()
    (out / RESULT_FILE).write_text('{"key": "k", "row": {"item"', encoding="utf-8")  # cut off mid-write
    assert load_result(out, "k") is None
    (out / RESULT_FILE).write_text(json.dumps(["not", "a", "result"]), encoding="utf-8")
    assert load_result(out, "k") is None
    (out / RESULT_FILE).write_text(json.dumps({"key": "k", "row": None}), encoding="utf-8")
    assert load_result(out, "k") is None
