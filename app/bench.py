"""``tandem bench``: one JSON document, one key per component, of speed and cost figures measured here."""

from __future__ import annotations

import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from app.audio_io import write_wav
from app.config import Settings
from app.core.frames import VideoFrame
from app.core.ring import RingBuffer


def synthetic_conversation(seconds: float, sample_rate: int = 16000, seed: int = 0) -> np.ndarray:
    """Speech-like bursts (modulated harmonics) separated by pauses, for timing runs."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * sample_rate), np.float32)
    pos = int(0.5 * sample_rate)
    while pos < len(out):
        n = int(rng.uniform(1.0, 3.0) * sample_rate)
        t = np.arange(min(n, len(out) - pos)) / sample_rate
        f0 = rng.uniform(100, 220)
        burst = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
        burst *= 0.2 * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t) ** 2)
        out[pos:pos + len(t)] = burst
        pos += len(t) + int(rng.uniform(0.4, 1.6) * sample_rate)
    return out


def bench_ring() -> dict[str, Any]:
    """Cost of the audio callback's write and of one 200 ms snapshot of every channel."""
    ring = RingBuffer(16000, 30.0, 32)
    block = np.zeros(160, np.float32)
    t = 0
    n = 20000
    t0 = time.perf_counter_ns()
    for _ in range(n):
        ring.mic.write(block, t)
        t += 10_000_000
    write_us = (time.perf_counter_ns() - t0) / n / 1000
    for i in range(3000):
        ring.self_audio.write(block, i * 10_000_000)
    ring.video.write(VideoFrame(t_ns=t, image=np.zeros((180, 320, 3), np.uint8)))
    snaps = []
    for _ in range(2000):
        s0 = time.perf_counter_ns()
        ring.snapshot(t - 1_000_000, 200_000_000)
        snaps.append((time.perf_counter_ns() - s0) / 1000)
    return {"write_block_us": round(write_us, 2), "snapshot_us_p50": round(float(np.percentile(snaps, 50)), 2),
            "snapshot_us_p99": round(float(np.percentile(snaps, 99)), 2)}


def bench_scheduler(settings: Settings) -> dict[str, Any]:
    """A 60 s headless session on the virtual clock: tick compute time and wall time."""
    from app.session import run_headless

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "in.wav"
        write_wav(wav, synthetic_conversation(60.0), 16000)
        result = run_headless(settings, wav, Path(tmp) / "out", fast=True)
    return {"input_s": result.duration_s, "fast_wall_s": round(result.wall_s, 3),
            "realtime_factor": round(result.wall_s / result.duration_s, 4), **result.timing}


def bench_interaction(settings: Settings, seconds: float = 60.0) -> dict[str, Any]:
    """The interaction model on one thread: per-tick time of the model alone, of the whole policy step
    (mel features, silero VAD, model, floor rules) and of the echo canceller the live loop runs first
    (linear filter, AEC3, delay tracking), over a synthetic conversation with the assistant talking.
    """
    from app.core.frames import Snapshot
    from app.interaction.model import InteractionModel
    from app.interaction.model_policy import ModelPolicy
    from app.interaction.policies import knobs_from
    from app.speech.aec import DelayTracker, EchoCanceller
    from app.speech.vad import SileroVad

    model = InteractionModel(threads=1)
    policy = ModelPolicy(model, SileroVad(threads=1), knobs=knobs_from(settings))
    mic = synthetic_conversation(seconds)
    far = synthetic_conversation(seconds, seed=1)
    tick = 3200
    step_ms, model_ms, echo_ms = [], [], []
    canceller = EchoCanceller(delay_ms=60.0, tracker=DelayTracker())
    original = model.step

    def timed_step(feats: Any) -> Any:
        t = time.perf_counter_ns()
        out = original(feats)
        model_ms.append((time.perf_counter_ns() - t) / 1e6)
        return out

    model.step = timed_step  # type: ignore[method-assign]
    for k in range(len(mic) // tick):
        snap = Snapshot(t_ns=(k + 1) * 200_000_000, start_ns=k * 200_000_000, mic=mic[k * tick:(k + 1) * tick],
                        self_audio=far[k * tick:(k + 1) * tick] * (k % 20 < 10))
        t = time.perf_counter_ns()
        canceller.process(snap.mic, snap.self_audio)
        echo_ms.append((time.perf_counter_ns() - t) / 1e6)
        t = time.perf_counter_ns()
        policy.step(snap, assistant_speaking=k % 20 < 10)
        step_ms.append((time.perf_counter_ns() - t) / 1e6)
    return {"ticks": len(step_ms), "model_file": model.path.name, "model_bytes": model.path.stat().st_size,
            "model_ms_p50": round(float(np.percentile(model_ms, 50)), 3),
            "model_ms_p99": round(float(np.percentile(model_ms, 99)), 3),
            "policy_step_ms_p50": round(float(np.percentile(step_ms, 50)), 3),
            "policy_step_ms_p99": round(float(np.percentile(step_ms, 99)), 3),
            "echo_cancel_ms_p50": round(float(np.percentile(echo_ms, 50)), 3),
            "echo_cancel_ms_p99": round(float(np.percentile(echo_ms, 99)), 3)}


def default_recordings() -> Path | None:
    """The development recordings folder beside a source checkout, if there is one."""
    candidate = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"
    return candidate if candidate.is_dir() else None


def components(settings: Settings, recordings: Path | None = None) -> dict[str, Callable[[], dict[str, Any]]]:
    """Every benchmark by its key in the JSON document."""
    def speech() -> dict[str, Any]:
        from app.speech.bench import bench

        return bench(recordings)

    def reasoning() -> dict[str, Any]:
        from app.reasoning.bench import bench

        return bench(settings.reasoning.as_dict())

    return {"ring": bench_ring, "scheduler": lambda: bench_scheduler(settings),
            "interaction": lambda: bench_interaction(settings), "speech": speech, "reasoning": reasoning}


def run_bench(settings: Settings, only: list[str] | None = None,
              progress: Callable[[str], None] | None = None, recordings: Path | None = None) -> dict[str, Any]:
    """Run the selected benchmarks (all by default); a failing one reports its error, not a crash.

    ``recordings``: a folder of real speech (LJ Speech clips, asr-reference.wav) for per-file WER.
    """
    doc: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                       "python": platform.python_version()}}
    for key, fn in components(settings, recordings or default_recordings()).items():
        if only and key not in only:
            continue
        if progress:
            progress(key)
        try:
            doc[key] = fn()
        except Exception as exc:  # noqa: BLE001 - one broken component must not hide the others
            doc[key] = {"error": f"{type(exc).__name__}: {exc}"}
    return doc
