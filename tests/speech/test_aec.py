"""Echo cancellation: delay estimation, streaming equivalence, reset, and removal of real TTS echo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from app.speech.aec import EchoCanceller, erle_db, estimate_delay
from app.speech.audio import APP_RATE, pad, rms_db
from app.speech.wer import normalize, word_errors
from tests.speech.echo_paths import noise_far, room


@pytest.mark.parametrize("delay_ms", [0, 37, 120, 310])
def test_gcc_phat_recovers_delay(delay_ms: int) -> None:
    far = noise_far(2.0)
    est = estimate_delay(far, room(far, delay_ms / 1000))
    assert abs(est.ms - delay_ms) <= 1.0


def test_chunked_equals_whole() -> None:
    far = noise_far(1.5)
    mic = room(far, 0.05)
    whole = EchoCanceller(delay_ms=50).process(mic, far)
    aec = EchoCanceller(delay_ms=50)
    cuts = np.sort(np.random.default_rng(5).integers(0, far.size, 30))
    chunked = np.concatenate([aec.process(m, f) for m, f in zip(np.split(mic, cuts), np.split(far, cuts), strict=True)])
    assert chunked.size == whole.size == (far.size // 160) * 160
    np.testing.assert_array_equal(chunked, whole)


def test_reset_starts_over() -> None:
    far_a, far_b = noise_far(1.0, seed=2), noise_far(1.0, seed=3)
    mic_a, mic_b = room(far_a, 0.05), room(far_b, 0.05)
    fresh = EchoCanceller(delay_ms=50).process(mic_b, far_b)
    aec = EchoCanceller(delay_ms=50)
    aec.process(mic_a, far_a)
    dirty = aec.process(mic_b, far_b)
    aec.reset()
    np.testing.assert_array_equal(aec.process(mic_b, far_b), fresh)
    assert not np.array_equal(dirty, fresh)


def test_cancels_far_end_noise_echo() -> None:
    far = noise_far(4.0)
    mic = room(far, 0.09)
    aec = EchoCanceller()
    aec.calibrate(far, mic)
    out = aec.process(mic, far)
    assert erle_db(mic[: out.size], out, skip_s=1.0) > 25.0


@pytest.mark.slow
def test_removes_played_phrase_and_keeps_near_end(tts: Any, whisper: Any, espeak: Callable[[str], np.ndarray]) -> None:
    from app.speech.asr import StreamingTranscriber

    played, _ = tts.synthesize("The weather today is sunny and warm, with a light breeze from the west.")
    far = pad(played * 0.6, 0.3, 2.5)
    near = espeak("Please call my sister tomorrow.")
    mic = room(far, 0.11, gain=0.7)
    start = int(2.0 * APP_RATE)
    span = slice(start, start + near.size)
    # The near-end talker is 12 dB above the echo (closer to the mic than the loudspeaker is).
    near = near * 10 ** ((rms_db(mic[span]) + 12.0 - rms_db(near)) / 20)
    mic[span] += near
    aec = EchoCanceller()
    est = aec.calibrate(far[: 2 * APP_RATE], mic[: 2 * APP_RATE])
    assert abs(est.ms - 110) <= 2
    cleaned = aec.process(mic, far)

    asr = StreamingTranscriber(whisper)
    asr.feed(mic)
    raw = normalize(asr.finalize().text)
    asr.feed(cleaned)
    heard = normalize(asr.finalize().text)
    # Without cancellation the played phrase is heard; with it only the near-end phrase remains.
    assert "weather" in raw or "sunny" in raw
    assert not {"weather", "sunny", "breeze", "west"} & set(heard)
    assert word_errors("Please call my sister tomorrow.", " ".join(heard)).errors <= 1


def test_delay_tracker_follows_a_changed_delay_and_ignores_silence() -> None:
    from app.speech.aec import DelayTracker

    tracker = DelayTracker(window_s=1.0)
    silent = np.zeros(APP_RATE, np.float32)
    assert tracker.update(silent, silent) is None
    far = noise_far(4.0)
    mic = np.concatenate([room(far[: 2 * APP_RATE], 0.06), room(far[2 * APP_RATE :], 0.14)])
    found = [tracker.update(m, f) for m, f in zip(np.split(mic, 16), np.split(far, 16), strict=True)]
    delays = [round(e.ms) for e in found if e is not None]
    assert delays[0] == 60 and delays[-1] == 140
    unrelated = tracker.update(noise_far(1.0, seed=9), far[:APP_RATE])
    assert unrelated is None
    tracker.reset()
    assert tracker.latest is None


@pytest.mark.parametrize("noise_suppression", [True, False])
def test_reported_latency_matches_the_module(noise_suppression: bool) -> None:
    x = noise_far(2.0, seed=4)
    out = EchoCanceller(noise_suppression=noise_suppression).process(x, np.zeros_like(x))
    lags = [float(np.dot(out[8000 + k : 24000 + k], x[8000:24000])) for k in range(300)]
    assert int(np.argmax(lags)) == EchoCanceller(noise_suppression=noise_suppression).latency_samples
