"""Linear echo canceller that keeps the user's voice intact while both sides talk (double talk).

A partitioned-block frequency-domain adaptive filter (overlap-save, 10 ms blocks) models the
loudspeaker-to-mic path from the time-aligned far-end reference and subtracts its echo estimate.
It runs in front of AEC3: once most of the echo is gone linearly, AEC3's residual suppressor has
little left to suppress and stops attenuating the near-end talker, which it otherwise does
heavily during double talk (measured in `tandem bench` on LJ Speech clips 12 dB over the echo:
WER 22.7 % with AEC3 alone, 8.0 % with this stage in front, 4.5 % without any echo).

Double talk is handled with two filters (the "two-path" scheme): a background filter adapts on
every block, and its coefficients are copied to the foreground filter, which makes the output,
only while the background one removes clearly more energy. When the user talks, the background
filter is pulled off course by their voice, its error grows, and the foreground keeps the last
good echo path; if the background stays much worse for a while it restarts from the foreground.
"""

from __future__ import annotations

import numpy as np

from app.speech.audio import APP_RATE

BLOCK = APP_RATE // 100
"""Samples per block: 10 ms, the same blocks the processing module takes."""


class LinearEchoFilter:
    """Two-path frequency-domain adaptive echo filter; feed 10 ms blocks of mic and aligned reference.

    `taps_s` is how much of the echo path (direct sound plus reverberation) the filter covers;
    the reference must already be delayed by the playback delay, give or take `taps_s`.
    """

    def __init__(
        self,
        taps_s: float = 0.25,
        step: float = 1.0,
        block: int = BLOCK,
        rate: int = APP_RATE,
        copy_ratio: float = 0.5,
        diverged_ratio: float = 4.0,
        diverged_blocks: int = 20,
    ) -> None:
        self.block = block
        self.fft_size = 2 * block
        self.partitions = max(1, int(np.ceil(taps_s * rate / block)))
        self.step = step
        self.copy_ratio = copy_ratio
        self.diverged_ratio = diverged_ratio
        self.diverged_blocks = diverged_blocks
        self.reset()

    def reset(self) -> None:
        """Forget the echo path and the reference history."""
        bins = self.block + 1
        self._spectra = np.zeros((self.partitions, bins), np.complex128)  # newest reference block first
        self._background = np.zeros((self.partitions, bins), np.complex128)
        self._foreground = np.zeros((self.partitions, bins), np.complex128)
        self._previous_far = np.zeros(self.block)
        self._far_power = np.zeros(bins)
        self._fg_energy = self._bg_energy = self._mic_energy = 0.0
        self._diverged = 0
        self.copies = 0

    def _echo(self, weights: np.ndarray) -> np.ndarray:
        return np.fft.irfft(np.sum(weights * self._spectra, axis=0), self.fft_size)[self.block :]

    def process_block(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        """Cancel the echo of one block; returns the mic block minus the foreground echo estimate."""
        mic = np.asarray(mic, np.float64)
        far = np.asarray(far, np.float64)
        if mic.size != self.block or far.size != self.block:
            raise ValueError(f"blocks must be {self.block} samples (got {mic.size} and {far.size})")
        self._spectra = np.roll(self._spectra, 1, axis=0)
        self._spectra[0] = np.fft.rfft(np.concatenate([self._previous_far, far]))
        self._previous_far = far.copy()
        out = mic - self._echo(self._foreground)
        err = mic - self._echo(self._background)
        self._adapt(err)
        self._choose(mic, out, err)
        return out

    def _adapt(self, err: np.ndarray) -> None:
        """Normalised LMS step of the background filter, gradient-constrained (linear, not circular)."""
        spectrum = np.fft.rfft(np.concatenate([np.zeros(self.block), err]))
        self._far_power = 0.9 * self._far_power + 0.1 * np.abs(self._spectra[0]) ** 2
        norm = self.partitions * self._far_power + 1e-4 * self.fft_size
        gradient = np.fft.irfft(np.conj(self._spectra) * spectrum / norm, self.fft_size, axis=1)
        gradient[:, self.block :] = 0.0
        self._background += self.step * np.fft.rfft(gradient, axis=1)

    def _choose(self, mic: np.ndarray, out: np.ndarray, err: np.ndarray) -> None:
        """Promote the background filter when it is clearly better; restart it when it went astray."""
        a = 0.9
        self._fg_energy = a * self._fg_energy + (1 - a) * float(out @ out)
        self._bg_energy = a * self._bg_energy + (1 - a) * float(err @ err)
        self._mic_energy = a * self._mic_energy + (1 - a) * float(mic @ mic)
        if self._bg_energy < self.copy_ratio * self._fg_energy and self._bg_energy < self._mic_energy:
            self._foreground = self._background.copy()
            self._fg_energy = self._bg_energy
            self._diverged = 0
            self.copies += 1
        elif self._bg_energy > self.diverged_ratio * self._fg_energy:
            self._diverged += 1
            if self._diverged > self.diverged_blocks:
                self._background = self._foreground.copy()
                self._bg_energy = self._fg_energy
                self._diverged = 0
        else:
            self._diverged = 0
