"""The whole conversation on a real recording of two requests: recognition, reasoning, speech, barge-in."""

import json

import numpy as np
import pytest
import soundfile as sf

from app.config import Settings
from app.paths import assets_dir
from app.session import run_headless


@pytest.mark.slow
def test_headless_dialogue_answers_each_request_and_yields_when_talked_over(tmp_path):
    # The level-threshold policy keeps this test about the conversation's plumbing, with fixed take times.
    settings = Settings.model_validate({"interaction": {"policy": "placeholder"}})
    result = run_headless(settings, assets_dir() / "sample" / "demo.wav", tmp_path, dialogue=True)
    talk = result.transcript["dialogue"]
    turns = [t.lower() for t in talk["user_turns"]]
    assert len(turns) == 2 and "weather" in turns[0] and "timer" in turns[1]
    # The timer request goes through the deterministic layer: its answer is exact.
    assert any("timer set for 5 minutes" in s.lower() for s in talk["spoken"])
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    takes = [e["t"] for e in events if e["decision"] == "take_turn"]
    assert takes == pytest.approx([4.6, 10.2])
    output, sr = sf.read(tmp_path / "output.wav", dtype="float32")
    assert len(output) == sf.info(str(assets_dir() / "sample" / "demo.wav")).frames
    # No chime: everything the assistant played is speech; its opener word starts at the take, not before.
    voiced = np.flatnonzero(np.abs(output) > 1e-3)
    assert voiced.size and takes[0] <= voiced[0] / sr < takes[0] + 0.4
    assert np.abs(output[int(takes[1] * sr):]).max() > 0.05  # the timer answer is heard
