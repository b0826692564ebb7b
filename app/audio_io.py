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


def level_db(block: np.ndarray) -> float:
    """RMS level in dBFS (floor -100)."""
    if len(block) == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return max(-100.0, 20.0 * np.log10(rms + 1e-10))
