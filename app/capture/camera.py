"""Camera capture with OpenCV: a blocking loop meant to run on its own worker thread (a QThread in the
app), writing downscaled, time-stamped frames into the video ring and reconnecting with back-off.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import cv2

from app.capture.backoff import Backoff
from app.capture.files import downscale
from app.core.frames import DeviceEvent, DeviceStatus, VideoFrame
from app.core.ring import VideoRing

log = logging.getLogger(__name__)


def parse_camera_device(device: str) -> int | str:
    """'default' -> 0, '2' -> 2, anything else (a /dev path or a file) stays a string."""
    d = device.strip()
    if d.lower() in ("", "default"):
        return 0
    return int(d) if d.isdigit() else d


class CameraCapture:
    """Reads frames at up to ``fps`` until stopped; a failed or vanished camera is retried, never fatal."""

    def __init__(self, ring: VideoRing, device: str = "default", *, width: int = 320, fps: float = 10.0,
                 on_event: Callable[[DeviceEvent], None] | None = None, backoff: Backoff | None = None) -> None:
        self._ring = ring
        self._device = parse_camera_device(device)
        self._width = width
        self._period = 1.0 / fps
        self.on_event = on_event or (lambda e: None)  # replaceable: a host may route events elsewhere
        self._backoff = backoff or Backoff(initial_s=0.5, max_s=10.0)
        self.status = DeviceStatus.STOPPED
        self.frames = 0

    def _emit(self, status: DeviceStatus, message: str) -> None:
        self.status = status
        log.info("camera %s: %s", status.value, message)
        self.on_event(DeviceEvent(t_ns=time.monotonic_ns(), device="camera", status=status, message=message))

    def run(self, stop: threading.Event) -> None:
        """Capture until ``stop`` is set."""
        self._emit(DeviceStatus.STARTING, f"opening camera {self._device!r}")
        while not stop.is_set():
            cap = cv2.VideoCapture(self._device)
            if not cap.isOpened():
                cap.release()
                delay = self._backoff.next_delay()
                self._emit(DeviceStatus.RETRYING, f"no camera at {self._device!r}; retrying in {delay:.1f} s")
                stop.wait(delay)
                continue
            self._emit(DeviceStatus.RUNNING, f"capturing from camera {self._device!r}")
            self._backoff.reset()
            next_t = time.monotonic()
            while not stop.is_set():
                ok, frame = cap.read()
                if not ok:
                    self._emit(DeviceStatus.LOST, "camera stopped delivering frames")
                    break
                now_ns = time.monotonic_ns()
                self._ring.write(VideoFrame(t_ns=now_ns, image=downscale(frame, self._width)))
                self.frames += 1
                next_t += self._period
                stop.wait(max(0.0, next_t - time.monotonic()))
            cap.release()
        self._emit(DeviceStatus.STOPPED, "camera stopped")
