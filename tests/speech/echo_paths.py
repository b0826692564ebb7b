"""Simulated loudspeaker-to-mic paths and far-end signals shared by the echo tests."""

from __future__ import annotations

import numpy as np

from app.speech.audio import APP_RATE, synthetic_rir


def room(far: np.ndarray, delay_s: float, gain: float = 0.5, seed: int = 0) -> np.ndarray:
    """What the mic hears of the far-end: delayed, reverberant, plus a little noise."""
    echo = np.convolve(far, synthetic_rir(seed=seed))[: far.size] * gain
    d = int(delay_s * APP_RATE)
    mic = np.concatenate([np.zeros(d, np.float32), echo])[: far.size]
    return (mic + np.random.default_rng(seed).standard_normal(far.size) * 3e-4).astype(np.float32)


def noise_far(seconds: float, seed: int = 1) -> np.ndarray:
    """Speech-like far-end noise: white, with a slow syllable-rate envelope."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(seconds * APP_RATE)) * 0.1
    env = 0.4 + 0.6 * np.abs(np.sin(np.arange(x.size) / APP_RATE * np.pi * 3.0))
    return (x * env).astype(np.float32)
