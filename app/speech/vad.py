"""Voice activity detection with silero VAD's ONNX model on onnxruntime (no torch)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.speech.audio import APP_RATE
from app.speech.models import silero_vad_path

FRAME = 512
"""Samples per VAD frame at 16 kHz (32 ms)."""
CONTEXT = 64
"""Samples of the previous frame the v5/v6 model expects in front of each frame."""


@dataclass(frozen=True)
class SpeechSegment:
    """A stretch of speech in seconds from the start of the analysed signal."""

    start: float
    end: float


class SileroVad:
    """Streaming silero VAD: feed any-sized 16 kHz chunks, get one speech probability per 32 ms frame."""

    def __init__(self, model_path: str | Path | None = None, threads: int = 1) -> None:
        import onnxruntime as ort

        path = Path(model_path) if model_path else silero_vad_path()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
        self._sr = np.array(APP_RATE, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        """Forget all audio: recurrent state, context and any partial frame."""
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self.frames_done = 0

    def process(self, chunk: np.ndarray) -> np.ndarray:
        """Speech probabilities for every complete frame now available; leftover samples wait for more."""
        buf = np.concatenate([self._pending, np.asarray(chunk, dtype=np.float32).reshape(-1)])
        n = buf.size // FRAME
        probs = np.empty(n, dtype=np.float32)
        for i in range(n):
            frame = buf[i * FRAME : (i + 1) * FRAME]
            x = np.concatenate([self._context, frame])[None, :]
            out, state = self._session.run(None, {"input": x, "state": self._state, "sr": self._sr})
            self._state = np.asarray(state, dtype=np.float32)
            probs[i] = float(np.asarray(out).reshape(-1)[0])
            self._context = frame[-CONTEXT:]
        self._pending = buf[n * FRAME :].copy()
        self.frames_done += n
        return probs


def speech_segments(
    probs: np.ndarray,
    threshold: float = 0.5,
    min_speech_s: float = 0.1,
    min_silence_s: float = 0.3,
    pad_s: float = 0.03,
) -> list[SpeechSegment]:
    """Group frame probabilities into speech segments, with hysteresis (end at threshold - 0.15)."""
    dt = FRAME / APP_RATE
    segs: list[list[float]] = []
    in_speech = False
    start = 0
    silence = 0
    for i, p in enumerate(probs):
        if not in_speech and p >= threshold:
            in_speech, start, silence = True, i, 0
        elif in_speech:
            if p < threshold - 0.15:
                silence += 1
                if silence * dt >= min_silence_s:
                    segs.append([start * dt, (i - silence + 1) * dt])
                    in_speech = False
            else:
                silence = 0
    if in_speech:
        segs.append([start * dt, (len(probs) - silence) * dt])
    total = len(probs) * dt
    return [SpeechSegment(max(0.0, a - pad_s), min(total, b + pad_s)) for a, b in segs if b - a >= min_speech_s]


def speech_end_s(vad: SileroVad, audio: np.ndarray, threshold: float = 0.5) -> float | None:
    """Where the last speech in ``audio`` ends, in seconds (finer than a recognizer's word times), or None."""
    vad.reset()
    voiced = np.flatnonzero(vad.process(audio) >= threshold)
    return None if voiced.size == 0 else (int(voiced[-1]) + 1) * FRAME / APP_RATE
