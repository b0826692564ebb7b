"""The tray icon: the current state at a glance, quick mic/camera mute, quit, and timer notifications."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.ui.icons import state_icon
from app.ui.states import LOOKS, UiState


class Tray(QObject):
    """Wraps QSystemTrayIcon; works (silently) where the desktop has no tray."""

    show_requested = Signal()
    mute_toggled = Signal(bool)  # True = mic muted
    camera_toggled = Signal(bool)  # True = camera on
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.show_action = QAction("Show Tandem", self.menu)
        self.show_action.triggered.connect(self.show_requested)
        self.mute_action = QAction("Mute microphone", self.menu)
        self.mute_action.setCheckable(True)
        self.mute_action.toggled.connect(self.mute_toggled)
        self.camera_action = QAction("Camera on", self.menu)
        self.camera_action.setCheckable(True)
        self.camera_action.toggled.connect(self.camera_toggled)
        self.quit_action = QAction("Quit", self.menu)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.show_action)
        self.menu.addSeparator()
        self.menu.addAction(self.mute_action)
        self.menu.addAction(self.camera_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.state = UiState.STARTING
        self.notifications: list[tuple[str, str]] = []
        self.set_state(UiState.STARTING)

    @staticmethod
    def available() -> bool:
        """Whether the desktop shows tray icons."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        """Put the icon in the tray."""
        self.icon.show()

    def hide(self) -> None:
        """Take the icon out of the tray (before quitting)."""
        self.icon.hide()

    def set_state(self, state: UiState) -> None:
        """Show ``state`` as the icon and tooltip."""
        if state is self.state and not self.icon.icon().isNull():
            return
        self.state = state
        self.icon.setIcon(state_icon(state))
        self.icon.setToolTip(f"Tandem — {LOOKS[state].text}")

    def set_muted(self, muted: bool) -> None:
        """Mirror the mic state without re-emitting."""
        self.mute_action.blockSignals(True)
        self.mute_action.setChecked(muted)
        self.mute_action.blockSignals(False)

    def set_camera(self, on: bool) -> None:
        """Mirror the camera state without re-emitting."""
        self.camera_action.blockSignals(True)
        self.camera_action.setChecked(on)
        self.camera_action.blockSignals(False)

    def notify(self, title: str, message: str) -> None:
        """A desktop notification (timers, alarms); kept in ``notifications`` too."""
        self.notifications.append((title, message))
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 10000)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()

    def close(self) -> None:
        """Remove the icon and free the menu."""
        self.icon.hide()
        self.menu.deleteLater()
