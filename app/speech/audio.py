"""Audio building blocks shared by the speech modules: file I/O (via app.audio_io), levels, rooms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from app.audio_io import read_wav_mono, resample, rms_db
from app.audio_io import write_wav as write_audio

__all__ = ["APP_RATE", "pad", "quantize16", "read_wav", "resample", "rms_db", "synthetic_rir", "to_pcm16",
           "write_wav"]

APP_RATE = 16000
"""Sample rate of every audio stream inside the app."""


def read_wav(path: str | Path, rate: int | None = APP_RATE) -> tuple[np.ndarray, int]:
    """Read an audio file as mono float32 in [-1, 1], resampled to `rate` unless it is None."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"Audio file not found: {p}. Check the path.")
    if rate is None:
        rate = sf.info(str(p)).samplerate
    return read_wav_mono(p, rate), rate


def write_wav(path: str | Path, audio: np.ndarray, rate: int = APP_RATE) -> None:
    """Write mono float audio as 16-bit PCM WAV."""
    write_audio(path, audio, rate)


def to_pcm16(audio: np.ndarray) -> np.ndarray:
    """Float [-1, 1] to int16 with rounding; `from_pcm16(to_pcm16(x))` is exact for quantized x."""
    return np.clip(np.round(np.asarray(audio, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def quantize16(audio: np.ndarray) -> np.ndarray:
    """Round float audio to the 16-bit grid, so what is kept in memory equals what a WAV holds."""
    return (to_pcm16(audio).astype(np.float32) / 32768.0).astype(np.float32)


def synthetic_rir(rate: int = APP_RATE, rt60_s: float = 0.25, length_s: float = 0.3, seed: int = 0) -> np.ndarray:
    """A reproducible room impulse response: a direct path plus exponentially decaying diffuse tail."""
    rng = np.random.default_rng(seed)
    n = int(rate * length_s)
    t = np.arange(n) / rate
    tail = rng.standard_normal(n) * np.exp(-6.91 * t / rt60_s)
    tail[: int(0.003 * rate)] = 0.0
    rir = 0.3 * tail / np.sqrt(np.sum(tail**2))
    rir[0] = 1.0
    return (rir / np.max(np.abs(rir))).astype(np.float32)


def pad(x: np.ndarray, before_s: float, after_s: float, rate: int = APP_RATE) -> np.ndarray:
    """Surround a signal with silence."""
    return np.concatenate(
        [
            np.zeros(int(before_s * rate), np.float32),
            np.asarray(x, np.float32),
            np.zeros(int(after_s * rate), np.float32),
        ]
    )
