"""Acoustic echo cancellation: a linear adaptive filter, then WebRTC's audio processing module (AEC3).

The far-end reference is the assistant's own played audio (the "self" channel). The playback delay is
estimated from the signals (GCC-PHAT), and the reference is delayed by that much (less a small lead)
before it reaches the cancellers, so the linear filter covers the echo path and AEC3's own delay search
only has to cover the residual jitter. The linear stage (`app.speech.linear_echo`) removes most of the
echo without touching the user's voice; AEC3 then removes what is left, including non-linear echo.
Noise suppression is off by default: whisper copes with steady noise, and WebRTC's suppressor costs
it words while both sides talk (measured in `tandem bench`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.speech.audio import APP_RATE, rms_db, to_pcm16
from app.speech.linear_echo import BLOCK, LinearEchoFilter


@dataclass(frozen=True)
class DelayEstimate:
    """Where the far-end signal shows up in the mic: lag in samples and ms, and peak sharpness (0..1)."""

    samples: int
    ms: float
    confidence: float


def estimate_delay(
    far: np.ndarray, mic: np.ndarray, rate: int = APP_RATE, max_delay_ms: float = 500.0
) -> DelayEstimate:
    """Estimate how late the far-end signal appears in the mic, with GCC-PHAT cross-correlation."""
    far = np.asarray(far, dtype=np.float64)
    mic = np.asarray(mic, dtype=np.float64)
    n = min(far.size, mic.size)
    if n == 0:
        return DelayEstimate(0, 0.0, 0.0)
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(mic[:n], size) * np.conj(np.fft.rfft(far[:n], size))
    spec /= np.abs(spec) + 1e-9
    cc = np.fft.irfft(spec, size)
    max_lag = min(n - 1, int(rate * max_delay_ms / 1000.0))
    window = cc[: max_lag + 1]
    lag = int(np.argmax(window))
    peak = float(window[lag])
    # Peak prominence: about 0.005 for unrelated signals, above 0.03 for a real echo even in noise.
    confidence = peak / (float(np.sum(np.abs(window))) / np.sqrt(window.size) + 1e-12)
    return DelayEstimate(lag, 1000.0 * lag / rate, float(min(1.0, confidence / 10.0)))


class DelayTracker:
    """Re-estimates the playback delay on consecutive windows of self and mic audio while the assistant talks.

    Windows are cut at fixed sample counts, so results do not depend on how the audio was chunked.
    """

    def __init__(
        self,
        window_s: float = 2.0,
        max_delay_ms: float = 500.0,
        min_confidence: float = 0.02,
        min_far_db: float = -50.0,
    ) -> None:
        self.window = int(window_s * APP_RATE)
        self.max_delay_ms = max_delay_ms
        self.min_confidence = min_confidence
        self.min_far_db = min_far_db
        self.reset()

    def reset(self) -> None:
        """Forget buffered audio and the last estimate."""
        self._far: list[np.ndarray] = []
        self._mic: list[np.ndarray] = []
        self._count = 0
        self.latest: DelayEstimate | None = None

    def update(self, mic: np.ndarray, far: np.ndarray) -> DelayEstimate | None:
        """Add time-aligned audio; returns a new confident estimate when a window completes, else None."""
        self._mic.append(np.asarray(mic, np.float32).reshape(-1))
        self._far.append(np.asarray(far, np.float32).reshape(-1))
        self._count += self._mic[-1].size
        found: DelayEstimate | None = None
        if self._count < self.window:
            return None
        mic_all, far_all = np.concatenate(self._mic), np.concatenate(self._far)
        whole = (mic_all.size // self.window) * self.window
        for start in range(0, whole, self.window):
            m, f = mic_all[start : start + self.window], far_all[start : start + self.window]
            if rms_db(f) < self.min_far_db:
                continue
            est = estimate_delay(f, m, APP_RATE, self.max_delay_ms)
            if est.confidence >= self.min_confidence:
                found = self.latest = est
        self._mic, self._far = [mic_all[whole:]], [far_all[whole:]]
        self._count = self._mic[0].size
        return found


def erle_db(mic: np.ndarray, cleaned: np.ndarray, skip_s: float = 0.0, rate: int = APP_RATE) -> float:
    """Echo return loss enhancement: mic power over cancelled power, in dB (far-end-only stretches)."""
    k = int(skip_s * rate)
    m = np.asarray(mic[k:], dtype=np.float64)
    c = np.asarray(cleaned[k : k + m.size], dtype=np.float64)
    m = m[: c.size]
    return float(10.0 * np.log10((np.mean(m * m) + 1e-12) / (np.mean(c * c) + 1e-12)))


class EchoCanceller:
    """Streaming echo canceller: feed time-aligned mic and self (played) audio, get cleaned mic audio.

    Input chunks of any size are buffered into 10 ms blocks and `chunked == whole` holds for any
    chunking. The module itself delays the audio by `latency_samples` (measured: 8 ms for AEC3,
    6 ms more with noise suppression), which matters when aligning transcripts to the mic clock.
    `delay_ms` is the playback delay (speaker to mic); the reference is delayed by that less
    `lead_ms`, so that a slightly early estimate still leaves the direct sound inside the filter.
    With a `tracker`, the delay is re-estimated while the assistant talks and followed when it moves.
    """

    def __init__(
        self,
        delay_ms: float = 0.0,
        noise_suppression: bool = False,
        high_pass_filter: bool = True,
        apm_delay_ms: int = 0,
        linear_stage: bool = True,
        lead_ms: float = 10.0,
        tracker: DelayTracker | None = None,
    ) -> None:
        self._noise_suppression = noise_suppression
        self._high_pass_filter = high_pass_filter
        self._apm_delay_ms = apm_delay_ms
        self._linear_stage = linear_stage
        self.lead_ms = lead_ms
        self.delay_ms = delay_ms
        self.tracker = tracker
        self.reset()

    @property
    def latency_samples(self) -> int:
        """Samples by which the cleaned output trails the mic input inside the processing module."""
        return 128 + (96 if self._noise_suppression else 0)

    @property
    def delay_samples(self) -> int:
        """Delay applied to the reference, in samples (the playback delay less the lead)."""
        return self._reference_delay(self.delay_ms)

    def _reference_delay(self, delay_ms: float) -> int:
        return max(0, round((delay_ms - self.lead_ms) * APP_RATE / 1000.0))

    def reset(self) -> None:
        """Start over: a fresh processing module and linear filter, an empty delay line and block buffers."""
        from livekit import rtc

        self._rtc = rtc
        self._apm = rtc.AudioProcessingModule(
            echo_cancellation=True,
            noise_suppression=self._noise_suppression,
            high_pass_filter=self._high_pass_filter,
            auto_gain_control=False,
        )
        self._linear = LinearEchoFilter() if self._linear_stage else None
        self._far = np.zeros(self.delay_samples, dtype=np.float32)
        self._mic = np.zeros(0, dtype=np.float32)
        if self.tracker is not None:
            self.tracker.reset()

    def set_delay_ms(self, delay_ms: float) -> None:
        """Change the playback delay in place (pads or trims the delay line), keeping AEC3's state.

        The linear filter starts over when the delay moves, since its echo path moved with it.
        """
        change = self._reference_delay(delay_ms) - self.delay_samples
        self.delay_ms = delay_ms
        if change > 0:
            self._far = np.concatenate([np.zeros(change, np.float32), self._far])
        elif change < 0:
            self._far = self._far[min(-change, self._far.size) :].copy()
        if change and self._linear is not None:
            self._linear.reset()

    def calibrate(self, far: np.ndarray, mic: np.ndarray, max_delay_ms: float = 500.0) -> DelayEstimate:
        """Estimate the playback delay from a window of played and recorded audio and use it."""
        est = estimate_delay(far, mic, APP_RATE, max_delay_ms)
        self.set_delay_ms(est.ms)
        return est

    def process(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """Cancel the echo of `far` (what was played, same length and clock as `mic`) from `mic`."""
        mic = np.asarray(mic, dtype=np.float32).reshape(-1)
        far = np.asarray(far, dtype=np.float32).reshape(-1)
        if mic.size != far.size:
            raise ValueError(f"mic and far-end chunks must have the same length ({mic.size} != {far.size})")
        if self.tracker is not None:
            est = self.tracker.update(mic, far)
            if est is not None and abs(est.ms - self.delay_ms) > 2.0:
                self.set_delay_ms(est.ms)
        self._mic = np.concatenate([self._mic, mic])
        self._far = np.concatenate([self._far, far])
        n = self._mic.size // BLOCK
        out = np.empty(n * BLOCK, dtype=np.int16)
        frame_cls = self._rtc.AudioFrame
        for i in range(n):
            sl = slice(i * BLOCK, (i + 1) * BLOCK)
            near_block = self._mic[sl]
            if self._linear is not None:
                near_block = self._linear.process_block(near_block, self._far[sl])
            rev = frame_cls(to_pcm16(self._far[sl]).tobytes(), APP_RATE, 1, BLOCK)
            self._apm.process_reverse_stream(rev)
            near = frame_cls(to_pcm16(near_block).tobytes(), APP_RATE, 1, BLOCK)
            self._apm.set_stream_delay_ms(self._apm_delay_ms)
            self._apm.process_stream(near)
            out[sl] = np.frombuffer(near.data, dtype=np.int16)
        self._mic = self._mic[n * BLOCK :].copy()
        self._far = self._far[n * BLOCK :].copy()
        return out.astype(np.float32) / 32768.0
