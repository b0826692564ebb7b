"""A live microphone level for the settings dialog, so the user sees the chosen mic hears them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

SAMPLE_RATE = 16000


class MicLevelTest(QObject):
    """Opens the named input device and reports its level (dBFS) ~20 times a second until stopped."""

    level = Signal(float)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stream: Any = None
        self._db = -100.0
        self.blocks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._publish)

    @property
    def running(self) -> bool:
        """Whether the test stream is open."""
        return self._stream is not None

    def start(self, device_name: str) -> bool:
        """Open ``device_name`` ("default" or part of a name); emits ``failed`` with the reason if it can't."""
        self.stop()
        try:
            import sounddevice as sd

            from app.capture.devices import find_audio_device

            index = find_audio_device(device_name, "input")
            stream = sd.InputStream(device=index, channels=1, samplerate=SAMPLE_RATE, dtype="float32",
                                    blocksize=SAMPLE_RATE // 20, callback=self._callback)
            stream.start()
        except Exception as exc:  # noqa: BLE001 - any device error becomes a message in the dialog
            self.failed.emit(f"Cannot open microphone {device_name!r}: {exc}")
            return False
        self._stream = stream
        self._timer.start()
        return True

    def _callback(self, indata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        rms = float(np.sqrt(np.mean(np.square(indata[:, 0])))) if frames else 0.0
        self._db = 20.0 * math.log10(max(rms, 1e-5))
        self.blocks += 1

    def _publish(self) -> None:
        self.level.emit(self._db)

    def stop(self) -> None:
        """Close the test stream."""
        self._timer.stop()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001 - a vanished device cannot be closed any further
                pass
