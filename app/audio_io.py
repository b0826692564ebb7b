"""Reading and writing audio files as mono float32 at the app's sample rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr


def read_wav_mono(path: Path | str, sample_rate: int) -> np.ndarray:
    """Load any libsndfile format, mix to mono and resample to ``sample_rate`` (float32, -1..1)."""
    try:
        audio, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise OSError(f"Cannot read audio file {path}: {exc}. Use a WAV or FLAC file.") from exc
    return resample(audio.mean(axis=1), sr, sample_rate)


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """High-quality band-limited resampling (soxr) of a mono signal, as float32."""
    x = np.asarray(x, dtype=np.float32)
    if sr_in == sr_out or x.size == 0:
        return x.copy()
    return np.ascontiguousarray(soxr.resample(x, sr_in, sr_out), dtype=np.float32)


def write_wav(path: Path | str, audio: np.ndarray, sample_rate: int) -> None:
    """Write mono 16-bit PCM, clipping to the valid range."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.clip(audio, -1.0, 1.0), sample_rate, subtype="PCM_16")


def rms_db(x: np.ndarray) -> float:
    """Root-mean-square level in dB full scale (-120 for silence)."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return -120.0
    return float(10.0 * np.log10(np.mean(x * x) + 1e-12))


def level_db(block: np.ndarray) -> float:
    """RMS level in dBFS as the meters and the policy show it (floor -100)."""
    return max(-100.0, rms_db(block))
