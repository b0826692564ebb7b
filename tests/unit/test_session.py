import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from app.audio_io import write_wav
from app.bench import synthetic_conversation
from app.config import Settings
from app.paths import assets_dir
from app.session import run_headless

SR = 16000


def placeholder() -> Settings:
    """These tests pin down the session's timing with the level-threshold policy on synthetic tones."""
    return Settings.model_validate({"interaction": {"policy": "placeholder"}})


@pytest.fixture
def turn_wav(tmp_path):
    """1 s silence, 1.5 s of speech-like sound, 2.5 s silence: one user turn ending at 2.5 s."""
    audio = np.zeros(int(5.0 * SR), np.float32)
    t = np.arange(int(1.5 * SR)) / SR
    audio[SR:SR + len(t)] = 0.2 * np.sin(2 * np.pi * 180 * t)
    path = tmp_path / "turn.wav"
    write_wav(path, audio, SR)
    return path


def test_outputs_are_time_aligned_and_exactly_as_long_as_the_input(turn_wav, tmp_path):
    out = tmp_path / "out"
    result = run_headless(placeholder(), turn_wav, out, fast=True)
    output, sr = sf.read(out / "output.wav", dtype="float32")
    assert sr == SR and len(output) == 5 * SR
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert [e["tick"] for e in events] == list(range(1, 26))  # one per 200 ms of input
    assert [e["t"] for e in events] == pytest.approx([0.2 * k for k in range(1, 26)])
    takes = [e for e in events if e["decision"] == "take_turn"]
    assert len(takes) == 1
    # Speech ends at 2.5 s; with 0.8 s patience the turn is taken at the first tick >= 3.3 s.
    assert takes[0]["t"] == pytest.approx(3.4)
    onset = int(np.flatnonzero(output)[0])
    assert onset == pytest.approx(3.4 * SR, abs=16)  # the reply starts when it was decided
    assert np.abs(output[onset:onset + int(0.6 * SR)]).max() > 0.1
    transcript = json.loads((out / "transcript.json").read_text())
    assert transcript["assistant"][0]["start"] == pytest.approx(3.4)
    assert transcript["assistant"][0]["heard_s"] == pytest.approx(0.6)
    assert result.timing["ticks"] == 25


def test_user_speech_over_the_reply_stops_it_and_records_what_was_heard(tmp_path):
    audio = np.zeros(int(6.0 * SR), np.float32)
    t = np.arange(SR) / SR
    audio[SR:2 * SR] = 0.2 * np.sin(2 * np.pi * 180 * t)          # the user's turn
    audio[int(3.0 * SR):int(3.4 * SR)] = 0.2 * np.sin(2 * np.pi * 200 * t[:int(0.4 * SR)])  # barge-in
    wav = tmp_path / "barge.wav"
    write_wav(wav, audio, SR)

    def long_reply(_t):
        return np.full(3 * SR, 0.1, np.float32), "a long reply"

    out = tmp_path / "out"
    run_headless(placeholder(), wav, out, fast=True, responder=long_reply)
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    take = next(e for e in events if e["decision"] == "take_turn")
    stop = next(e for e in events if e["decision"] == "yield")
    assert take["t"] == pytest.approx(2.8) and stop["t"] == pytest.approx(3.2)
    reply = json.loads((out / "transcript.json").read_text())["assistant"][0]
    assert reply["stopped"] and reply["heard_s"] == pytest.approx(0.4)
    output, _ = sf.read(out / "output.wav", dtype="float32")
    heard = np.flatnonzero(output[:int(4.0 * SR)])
    assert heard[0] == pytest.approx(2.8 * SR, abs=1) and heard[-1] == pytest.approx(3.2 * SR, abs=1)
    # After the barge-in ends (3.4 s) the assistant waits its patience before speaking again.
    retake = [e["t"] for e in events if e["decision"] == "take_turn"][1]
    assert retake == pytest.approx(4.2)


@pytest.mark.slow
def test_real_time_run_makes_the_same_decisions_as_fast(tmp_path):
    sample = assets_dir() / "sample" / "demo.wav"
    fast = run_headless(Settings(), sample, tmp_path / "fast", fast=True)
    real = run_headless(Settings(), sample, tmp_path / "real", fast=False)
    strip = [{k: v for k, v in d.items() if k not in ("compute_ms", "late_ms")} for d in fast.decisions]
    assert strip == [{k: v for k, v in d.items() if k not in ("compute_ms", "late_ms")} for d in real.decisions]
    assert real.wall_s >= real.duration_s - 0.3  # it really kept to the clock
    assert real.timing["deadline_misses"] == 0
    a, _ = sf.read(tmp_path / "fast" / "output.wav")
    b, _ = sf.read(tmp_path / "real" / "output.wav")
    np.testing.assert_array_equal(a, b)


def test_camera_file_frames_enter_the_session(tmp_path):
    import cv2

    video = tmp_path / "cam.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (640, 360))
    for i in range(30):
        frame = np.full((360, 640, 3), i * 8, np.uint8)
        writer.write(frame)
    writer.release()
    wav = tmp_path / "in.wav"
    write_wav(wav, synthetic_conversation(3.0), SR)
    from app.capture.files import FileCamera
    from app.core.ring import VideoRing

    ring = VideoRing(64)
    cam = FileCamera(video, ring, t0_ns=0, width=320)
    cam.pump(1_000_000_000)
    assert cam.frames == 11  # frames at 0, 100, ..., 1000 ms
    latest = ring.latest(1_000_000_000)
    assert latest is not None and latest.t_ns == 1_000_000_000 and latest.image.shape == (180, 320, 3)
    result = run_headless(Settings(), wav, tmp_path / "out", camera_file=video, fast=True)
    assert result.timing["ticks"] == 15


def test_cli_headless_run_and_bad_config(tmp_path, turn_wav):
    out = tmp_path / "cli"
    proc = subprocess.run([sys.executable, "-m", "app", "run", "--headless", "--mic-file", str(turn_wav),
                           "--out-dir", str(out), "--fast"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "25 ticks" in proc.stdout
    assert {p.name for p in out.iterdir()} >= {"output.wav", "events.jsonl", "transcript.json"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("interaction:\n  tick_ms: often\n")
    proc = subprocess.run([sys.executable, "-m", "app", "--config", str(bad), "devices"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "line 2" in proc.stderr and "interaction.tick_ms" in proc.stderr


def test_cli_version_and_bench_json():
    proc = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.stdout.startswith("tandem ")
    proc = subprocess.run([sys.executable, "-m", "app", "bench", "--json", "--only", "ring", "scheduler"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["scheduler"]["ticks"] == 300 and doc["scheduler"]["deadline_misses"] == 0
    assert doc["ring"]["write_block_us"] > 0


def test_self_test_passes_and_reports_each_check():
    proc = subprocess.run([sys.executable, "-m", "app", "self-test"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[ok] headless session" in proc.stdout and "self-test passed" in proc.stdout


@pytest.mark.slow
def test_headless_run_transcribes_the_user_channel_with_word_times(tmp_path):
    from app.session import file_transcriber

    sample = assets_dir() / "sample" / "demo.wav"
    run_headless(Settings(), sample, tmp_path, fast=True, transcriber=file_transcriber(Settings()))
    user = json.loads((tmp_path / "transcript.json").read_text())["user"]
    text = user["text"].lower()
    assert "weather" in text and "timer" in text
    words = user["words"]
    assert len(words) >= 15
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and all(w["end"] >= w["start"] for w in words)
    timer = next(w for w in words if "timer" in w["word"].lower())
    assert 6.0 < timer["start"] < 11.0  # the second sentence starts after the 2 s pause at ~4.3 s


def test_interaction_bench_times_the_model_the_policy_and_the_echo_canceller():
    from app.bench import bench_interaction
    from app.config import Settings

    r = bench_interaction(Settings(), seconds=10.0)
    assert r["ticks"] == 50
    for key in ("model_ms", "policy_step_ms", "echo_cancel_ms"):
        assert 0 < r[f"{key}_p50"] <= r[f"{key}_p99"]
