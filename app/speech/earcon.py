"""Short synthesized sounds: the reply chime used until speech synthesis is configured."""

from __future__ import annotations

import numpy as np


def chime(sample_rate: int = 16000, duration_s: float = 0.6, level: float = 0.3) -> np.ndarray:
    """A soft two-note chime (E5 then A5) with smooth attack and decay."""
    n = int(sample_rate * duration_s)
    t = np.arange(n) / sample_rate
    half = n // 2
    freq = np.where(np.arange(n) < half, 659.25, 880.0)
    phase = 2 * np.pi * np.cumsum(freq) / sample_rate
    env = np.minimum(1.0, t / 0.01) * np.exp(-3.0 * (t % (duration_s / 2)))
    return (level * env * np.sin(phase)).astype(np.float32)
