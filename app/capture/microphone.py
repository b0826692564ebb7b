"""Microphone capture through sounddevice: the callback only copies into the ring; a supervisor thread
reopens the device with back-off when it fails or goes silent (unplugged, sound server restarted).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import sounddevice as sd

from app.capture.backoff import Backoff
from app.capture.devices import find_audio_device, has_devices, refresh_portaudio
from app.core.clock import NS_PER_S
from app.core.frames import DeviceEvent, DeviceStatus
from app.core.ring import AudioRing

log = logging.getLogger(__name__)

EventSink = Callable[[DeviceEvent], None]


class MicCapture:
    """Keeps a named input device streaming into ``ring`` for as long as it runs."""

    def __init__(self, ring: AudioRing, device_name: str = "default", *, block_ms: int = 10,
                 on_event: EventSink | None = None, stall_s: float = 1.0, startup_grace_s: float = 4.0,
                 latency: float | str = 0.05, backoff: Backoff | None = None) -> None:
        self._ring = ring
        self._device_name = device_name
        self._block = ring.sample_rate * block_ms // 1000
        self._on_event = on_event or (lambda e: None)
        self._stall_ns = int(stall_s * NS_PER_S)
        # Some sound servers take over a second to deliver the first block of a new stream.
        self._grace_ns = int(startup_grace_s * NS_PER_S)
        self._latency = latency
        self._opened_ns = 0
        self._got_audio = False
        self._backoff = backoff or Backoff()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_cb_ns = 0
        self._block_ns = self._block * NS_PER_S // ring.sample_rate
        self.status = DeviceStatus.STOPPED
        self.blocks = 0  # callbacks received since start; lets tests and the UI see that audio flows

    def start(self) -> None:
        """Start the supervisor thread; returns at once, the device opens in the background."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._supervise, name="mic-supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the device and end the supervisor."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._emit(DeviceStatus.STOPPED, "microphone stopped")

    def _emit(self, status: DeviceStatus, message: str) -> None:
        self.status = status
        log.info("microphone %s: %s", status.value, message)
        self._on_event(DeviceEvent(t_ns=time.monotonic_ns(), device="microphone", status=status, message=message))

    def _callback(self, indata: np.ndarray, frames: int, _time: Any, _status: sd.CallbackFlags) -> None:
        now = time.monotonic_ns()
        self._ring.write(indata[:, 0], now - self._block_ns)
        self._last_cb_ns = now
        self._got_audio = True
        self.blocks += 1

    def _open(self) -> sd.InputStream:
        index = find_audio_device(self._device_name, "input")
        stream = sd.InputStream(device=index, channels=1, samplerate=self._ring.sample_rate, dtype="float32",
                                blocksize=self._block, latency=self._latency, callback=self._callback)
        self._got_audio = False
        self._opened_ns = time.monotonic_ns()
        stream.start()
        return stream

    def _healthy(self, stream: sd.InputStream) -> bool:
        now = time.monotonic_ns()
        if not stream.active:
            return False
        if not self._got_audio:
            return now - self._opened_ns < self._grace_ns
        return now - self._last_cb_ns < self._stall_ns

    def _supervise(self) -> None:
        self._emit(DeviceStatus.STARTING, f"opening {self._device_name!r}")
        while not self._stop.is_set():
            try:
                stream = self._open()
            except Exception as exc:  # noqa: BLE001 - any device error means: wait and retry
                if not has_devices("input"):
                    # PortAudio lists devices once, at start-up: a sound server or USB mic that came
                    # (back) later is only seen after a re-scan.
                    refresh_portaudio()
                delay = self._backoff.next_delay()
                self._emit(DeviceStatus.RETRYING, f"cannot open microphone ({exc}); retrying in {delay:.1f} s")
                self._stop.wait(delay)
                continue
            self._emit(DeviceStatus.RUNNING, f"capturing from {self._device_name!r}")
            self._backoff.reset()
            while not self._stop.wait(0.05):
                if not self._healthy(stream):
                    self._emit(DeviceStatus.LOST, "microphone stopped delivering audio")
                    break
            _close_quietly(stream)


def _close_quietly(stream: sd.InputStream | sd.OutputStream) -> None:
    """Abort and close a stream whose device may already be gone, in a thread so a hung driver cannot
    stall the supervisor.
    """
    def close() -> None:
        with contextlib.suppress(Exception):  # the device is gone; nothing to save
            stream.abort()
        with contextlib.suppress(Exception):
            stream.close()
    t = threading.Thread(target=close, name="close-stream", daemon=True)
    t.start()
    t.join(timeout=2)
