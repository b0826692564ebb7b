"""What the interaction model reads each micro-turn, computed the same way in training and at run time.

Per 200 ms tick: 20 log-mel frames (10 ms hop, 32 bands) of the mic and of the assistant's own output,
and a short vector of scalars: levels, silero speech probability, whether and since when the assistant
speaks, time since the user last spoke, time to the next requested cue, and the camera's features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from app.audio_io import rms_db
from app.speech.audio import APP_RATE

N_MELS = 32
HOP = 160
WIN = 400
N_FFT = 512
TICK_SAMPLES = 3200
FRAMES_PER_TICK = TICK_SAMPLES // HOP
VISUAL_DIMS = 7
SCALAR_NAMES = (
    "mic_level", "self_level", "vad_mean", "vad_max", "vad_last", "assistant_speaking", "since_assistant",
    "since_user_speech", "has_cue", "cue_near", "cue_far", "camera_on",
    "face_present", "face_x", "face_y", "face_size", "motion", "scene_change", "brightness",
)
N_SCALARS = len(SCALAR_NAMES)
USER_SPEECH_PROB = 0.5


@cache
def mel_filterbank(rate: int = APP_RATE) -> np.ndarray:
    """Triangular mel filters, shape (N_MELS, N_FFT // 2 + 1), 60 Hz to 7.6 kHz."""
    def hz_to_mel(f: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + f / 700.0)

    mels = np.linspace(hz_to_mel(np.array(60.0)), hz_to_mel(np.array(7600.0)), N_MELS + 2)
    hz = 700.0 * (10 ** (mels / 2595.0) - 1.0)
    bins = np.fft.rfftfreq(N_FFT, 1.0 / rate)
    fb = np.zeros((N_MELS, bins.size), dtype=np.float32)
    for m in range(N_MELS):
        lo, mid, hi = hz[m], hz[m + 1], hz[m + 2]
        fb[m] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0.0, None)
    return fb


@cache
def _window() -> np.ndarray:
    return np.hanning(WIN).astype(np.float32)


def log_mel(audio: np.ndarray, history: np.ndarray | None = None) -> np.ndarray:
    """Scaled log-mel frames, one per ``HOP`` samples of ``audio``; each frame ends where its hop ends and
    reaches back into ``history`` (the previous samples, zeros at the start of a stream).
    """
    audio = np.asarray(audio, dtype=np.float32)
    hist = np.zeros(WIN - HOP, np.float32)
    if history is not None:
        h = np.asarray(history, np.float32)[-(WIN - HOP):]
        hist[hist.size - h.size:] = h  # a short history is zero-padded at the front
    buf = np.concatenate([hist, audio])
    n = audio.size // HOP
    idx = np.arange(WIN)[None, :] + HOP * np.arange(n)[:, None]
    frames = buf[idx] * _window()
    power = np.abs(np.fft.rfft(frames, N_FFT, axis=1)) ** 2
    mel = power @ mel_filterbank().T
    return ((10.0 * np.log10(mel + 1e-10) + 60.0) / 30.0).astype(np.float32)


def level_scaled(audio: np.ndarray) -> float:
    """RMS level in dBFS mapped so that -80 dB is -1 and -20 dB is 1."""
    return float(np.clip((rms_db(audio) + 50.0) / 30.0, -2.0, 2.0))


@dataclass(frozen=True)
class TickContext:
    """What the runtime knows besides the audio: its own speech, the cue clock and the camera."""

    assistant_speaking: bool = False
    since_assistant_s: float = 30.0
    time_to_cue_s: float | None = None
    visual: np.ndarray | None = None


@dataclass(frozen=True)
class TickFeatures:
    """One micro-turn's model input."""

    mic_mel: np.ndarray
    self_mel: np.ndarray
    scalars: np.ndarray


def scalars(mic: np.ndarray, self_audio: np.ndarray, vad: np.ndarray, since_user_s: float,
            ctx: TickContext) -> np.ndarray:
    """The scalar part of a tick's features, in ``SCALAR_NAMES`` order."""
    vad = vad if vad.size else np.zeros(1, np.float32)
    ttc = ctx.time_to_cue_s
    vis = ctx.visual if ctx.visual is not None else np.zeros(VISUAL_DIMS, np.float32)
    out = [level_scaled(mic), level_scaled(self_audio), float(vad.mean()), float(vad.max()), float(vad[-1]),
           float(ctx.assistant_speaking), min(ctx.since_assistant_s, 10.0) / 10.0, min(since_user_s, 5.0) / 5.0,
           float(ttc is not None), float(np.clip(ttc, -1.0, 1.0)) if ttc is not None else 0.0,
           float(np.clip(ttc, -2.0, 15.0)) / 15.0 if ttc is not None else 0.0,
           float(ctx.visual is not None), *map(float, vis)]
    return np.asarray(out, dtype=np.float32)


@dataclass
class FeatureState:
    """Audio history for the mel frames and the time since the user was last heard."""

    mic_tail: np.ndarray = field(default_factory=lambda: np.zeros(WIN - HOP, np.float32))
    self_tail: np.ndarray = field(default_factory=lambda: np.zeros(WIN - HOP, np.float32))
    since_user_s: float = 30.0

    def reset(self) -> None:
        """Forget all history (a new conversation)."""
        self.mic_tail = np.zeros(WIN - HOP, np.float32)
        self.self_tail = np.zeros(WIN - HOP, np.float32)
        self.since_user_s = 30.0


class FeatureExtractor:
    """Streaming per-tick features; ``vad`` is a SileroVad-like object with ``process`` and ``reset``."""

    def __init__(self, vad: object, tick_s: float = 0.2) -> None:
        self._vad = vad
        self.tick_s = tick_s
        self.state = FeatureState()

    def reset(self) -> None:
        """Start a new conversation."""
        self.state.reset()
        self._vad.reset()  # type: ignore[attr-defined]

    def __call__(self, mic: np.ndarray, self_audio: np.ndarray, ctx: TickContext) -> TickFeatures:
        """Features for one tick of mic and self audio (``TICK_SAMPLES`` each)."""
        st = self.state
        vad = self._vad.process(mic)  # type: ignore[attr-defined]
        st.since_user_s = 0.0 if vad.size and vad.max() >= USER_SPEECH_PROB else st.since_user_s + self.tick_s
        feats = TickFeatures(mic_mel=log_mel(mic, st.mic_tail), self_mel=log_mel(self_audio, st.self_tail),
                             scalars=scalars(mic, self_audio, vad, st.since_user_s, ctx))
        st.mic_tail = np.asarray(mic, np.float32)[-(WIN - HOP):].copy()
        st.self_tail = np.asarray(self_audio, np.float32)[-(WIN - HOP):].copy()
        return feats
