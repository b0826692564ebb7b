"""Outputs that pull from the playback queue: the sound card, or a virtual sink for headless runs."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import sounddevice as sd

from app.capture.devices import find_audio_device
from app.core.clock import NS_PER_S
from app.speech.playback import PlaybackQueue


class SpeakerOutput:
    """A sounddevice ``OutputStream`` whose callback renders the playback queue block by block."""

    def __init__(
        self, playback: PlaybackQueue, device_name: str = "default", *, sample_rate: int = 16000, block_ms: int = 10
    ) -> None:
        self._playback = playback
        self._block = sample_rate * block_ms // 1000
        index = find_audio_device(device_name, "output")
        self._stream = sd.OutputStream(
            device=index,
            channels=1,
            samplerate=sample_rate,
            dtype="float32",
            blocksize=self._block,
            latency="low",
            callback=self._callback,
        )
        self.blocks = 0

    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: sd.CallbackFlags) -> None:
        # Stamp with the time the block will actually be heard: the far-end reference must line up.
        t = time.monotonic_ns() + int(self._stream.latency * NS_PER_S)
        self._playback.render(outdata[:, 0], t)
        self.blocks += 1

    @property
    def latency_s(self) -> float:
        """Output latency PortAudio reports for the open stream."""
        return float(self._stream.latency)

    def start(self) -> None:
        """Begin pulling audio (silence when the queue is empty)."""
        self._stream.start()

    def close(self) -> None:
        """Stop and release the device."""
        self._stream.stop()
        self._stream.close()


class VirtualSpeaker:
    """Renders the playback queue into a growing buffer on the session's time axis (headless runs)."""

    def __init__(
        self, playback: PlaybackQueue, t0_ns: int, total_samples: int, *, sample_rate: int = 16000, block_ms: int = 10
    ) -> None:
        self._playback = playback
        self._t0 = t0_ns
        self._sr = sample_rate
        self._block = sample_rate * block_ms // 1000
        self.output = np.zeros(total_samples, dtype=np.float32)
        self._pos = 0

    def pump(self, until_ns: int) -> None:
        """Render every block that would have been played before ``until_ns``."""
        target = min(len(self.output), (until_ns - self._t0) * self._sr // NS_PER_S)
        while self._pos < target:
            n = min(self._block, target - self._pos)
            self._playback.render(self.output[self._pos : self._pos + n], self._t0 + self._pos * NS_PER_S // self._sr)
            self._pos += n
