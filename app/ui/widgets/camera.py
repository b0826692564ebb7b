"""The camera preview with its on/off switch, and the "mic/camera live" indicator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def bgr_to_qimage(frame: np.ndarray) -> QImage:
    """A deep-copied QImage from an OpenCV BGR frame."""
    rgb = np.ascontiguousarray(frame[:, :, ::-1])
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class LiveIndicator(QWidget):
    """Always visible: a red dot and words whenever the microphone or the camera is capturing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.mic = QLabel(self)
        self.camera = QLabel(self)
        layout.addWidget(self.mic)
        layout.addWidget(self.camera)
        self.mic_live = False
        self.camera_live = False
        self.set_mic_live(False)
        self.set_camera_live(False)

    @staticmethod
    def _paint(label: QLabel, live: bool, what: str) -> None:
        if live:
            label.setText(f"● {what} live")
            label.setStyleSheet("color: white; background: #d32f2f; border-radius: 6px; padding: 2px 6px;"
                                " font-weight: 600;")
        else:
            label.setText(f"○ {what} off")
            label.setStyleSheet("color: #757575; padding: 2px 6px;")

    def set_mic_live(self, live: bool) -> None:
        """Show whether the microphone is capturing."""
        self.mic_live = live
        self._paint(self.mic, live, "Mic")

    def set_camera_live(self, live: bool) -> None:
        """Show whether the camera is capturing."""
        self.camera_live = live
        self._paint(self.camera, live, "Camera")


class CameraPreview(QWidget):
    """Shows the newest camera frame ~10 times a second; the switch turns the camera itself off."""

    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None, frame_source: Callable[[], np.ndarray | None] | None = None
                 ) -> None:
        super().__init__(parent)
        self.frame_source = frame_source
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = QLabel("Camera off", self)
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.setMinimumSize(160, 120)
        self.view.setStyleSheet("background: #202020; color: #bdbdbd;")
        self.switch = QPushButton("Turn camera on", self)
        self.switch.setCheckable(True)
        self.switch.toggled.connect(self._switched)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.switch)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.refresh)
        self.frames_shown = 0

    @property
    def enabled(self) -> bool:
        """Whether the user wants the camera on."""
        return self.switch.isChecked()

    def set_enabled(self, on: bool) -> None:
        """Set the switch without the user (settings, shortcut); emits ``toggled`` if it changes."""
        self.switch.setChecked(on)

    def _switched(self, on: bool) -> None:
        self.switch.setText("Turn camera off" if on else "Turn camera on")
        if on:
            self.view.setText("Waiting for the camera…")
            self._timer.start()
        else:
            self._timer.stop()
            self.view.clear()
            self.view.setText("Camera off")
        self.toggled.emit(on)

    def refresh(self) -> None:
        """Show the newest frame, if there is one."""
        if self.frame_source is None or not self.enabled:
            return
        frame = self.frame_source()
        if frame is None:
            return
        pix = QPixmap.fromImage(bgr_to_qimage(frame))
        self.view.setPixmap(pix.scaled(self.view.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation))
        self.frames_shown += 1
