"""Silero VAD on onnxruntime: finds real speech, streams identically in chunks, resets cleanly."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.speech.audio import APP_RATE, pad
from app.speech.vad import FRAME, SileroVad, speech_segments


def test_finds_espeak_utterance_between_silences(espeak: Callable[[str], np.ndarray]) -> None:
    voice = espeak("The meeting starts at ten in the morning")
    loud = np.flatnonzero(np.abs(voice) > 0.02)
    true_start, true_end = 1.0 + loud[0] / APP_RATE, 1.0 + loud[-1] / APP_RATE
    signal = pad(voice, 1.0, 1.5)
    segs = speech_segments(SileroVad().process(signal))
    assert len(segs) == 1
    assert abs(segs[0].start - true_start) < 0.15
    assert abs(segs[0].end - true_end) < 0.25


def test_silence_and_noise_are_not_speech() -> None:
    rng = np.random.default_rng(3)
    noise = (rng.standard_normal(APP_RATE * 2) * 0.003).astype(np.float32)
    probs = SileroVad().process(noise)
    assert probs.size == 2 * APP_RATE // FRAME
    assert float(probs.max()) < 0.5


def test_chunked_equals_whole(espeak: Callable[[str], np.ndarray]) -> None:
    signal = pad(espeak("Chunk boundaries must not matter"), 0.3, 0.3)
    vad = SileroVad()
    whole = vad.process(signal)
    vad.reset()
    rng = np.random.default_rng(0)
    cuts = np.sort(rng.integers(0, signal.size, 40))
    parts = [vad.process(c) for c in np.split(signal, cuts)]
    chunked = np.concatenate(parts)
    assert chunked.shape == whole.shape
    np.testing.assert_allclose(chunked, whole, atol=1e-6)


def test_reset_forgets_state(espeak: Callable[[str], np.ndarray]) -> None:
    speech = espeak("Remember this")
    probe = pad(speech[: APP_RATE // 2], 0.0, 0.2)
    vad = SileroVad()
    fresh = vad.process(probe)
    vad.process(speech[:1000])  # leaves state, context and a partial frame behind
    vad.reset()
    np.testing.assert_allclose(vad.process(probe), fresh, atol=1e-6)
    vad.reset()
    vad.process(speech[:1000])
    assert not np.allclose(vad.process(probe)[:3], fresh[:3], atol=1e-6)


def test_follows_the_v5_context_protocol(espeak: Callable[[str], np.ndarray]) -> None:
    """Each 512-sample frame must reach the model with the previous frame's last 64 samples in front."""
    import onnxruntime as ort

    from app.speech.models import silero_vad_path

    signal = pad(espeak("Context matters"), 0.1, 0.1)
    session = ort.InferenceSession(str(silero_vad_path()), providers=["CPUExecutionProvider"])
    state = np.zeros((2, 1, 128), np.float32)
    context = np.zeros(64, np.float32)
    expected = []
    for i in range(signal.size // FRAME):
        frame = signal[i * FRAME : (i + 1) * FRAME]
        out, state = session.run(
            None, {"input": np.concatenate([context, frame])[None], "state": state, "sr": np.array(APP_RATE)}
        )
        expected.append(float(np.asarray(out).reshape(-1)[0]))
        context = frame[-64:]
    np.testing.assert_allclose(SileroVad().process(signal), expected, atol=1e-5)
