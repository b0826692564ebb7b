"""File-backed sources for headless runs: a WAV as the microphone, a video file as the camera.

Both are pulled, not pushed: ``pump(until_ns)`` writes everything up to that time into the ring, so a
run on the virtual clock and one in real time see exactly the same data at every tick.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from app.audio_io import read_wav_mono
from app.core.clock import NS_PER_S
from app.core.frames import VideoFrame
from app.core.ring import AudioRing, VideoRing


class FileMic:
    """A WAV file played into the mic ring as if captured live, starting at ``t0_ns``."""

    def __init__(self, path: Path, ring: AudioRing, t0_ns: int, block_ms: int = 10) -> None:
        self.audio = read_wav_mono(path, ring.sample_rate)
        self._ring = ring
        self._t0 = t0_ns
        self._block = ring.sample_rate * block_ms // 1000
        self._pos = 0

    @property
    def duration_ns(self) -> int:
        """Length of the file on the ring's time axis."""
        return len(self.audio) * NS_PER_S // self._ring.sample_rate

    def pump(self, until_ns: int) -> None:
        """Write every whole block captured before ``until_ns``."""
        sr = self._ring.sample_rate
        target = min(len(self.audio), (until_ns - self._t0) * sr // NS_PER_S)
        while self._pos < target:
            n = min(self._block, target - self._pos)
            self._ring.write(self.audio[self._pos:self._pos + n], self._t0 + self._pos * NS_PER_S // sr)
            self._pos += n


class FileCamera:
    """A video file as the camera: frames are stamped by their position in the file."""

    def __init__(self, path: Path, ring: VideoRing, t0_ns: int, width: int = 320) -> None:
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            raise OSError(f"Cannot open video file {path}: is it a video OpenCV can read (mp4, avi, mkv)?")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self._period_ns = int(NS_PER_S / fps) if fps and fps > 0 else NS_PER_S // 25
        self._ring = ring
        self._t0 = t0_ns
        self._width = width
        self._next_ns = t0_ns
        self.frames = 0

    def pump(self, until_ns: int) -> None:
        """Decode every frame whose time has come, keeping a downscaled copy in the ring."""
        while self._cap is not None and self._next_ns <= until_ns:
            ok, frame = self._cap.read()
            if not ok:
                self.close()
                return
            self._ring.write(VideoFrame(t_ns=self._next_ns, image=downscale(frame, self._width)))
            self.frames += 1
            self._next_ns += self._period_ns

    def close(self) -> None:
        """Release the decoder."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None  # type: ignore[assignment]


def downscale(frame: np.ndarray, width: int) -> np.ndarray:
    """Resize to ``width`` pixels wide, keeping the aspect ratio; the model needs no more."""
    h, w = frame.shape[:2]
    if w <= width:
        return frame
    return cv2.resize(frame, (width, max(1, h * width // w)), interpolation=cv2.INTER_AREA)
