"""The main window: live mic level, the interaction state and device status."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QVBoxLayout, QWidget

from app.core.frames import Decision, DeviceEvent

_STATE_TEXT = {
    "listen": "Listening", "backchannel": "Mm-hm", "take_turn": "Replying", "continue": "Speaking",
    "yield": "Stopped for you", "interject": "Interjecting",
}


class MainWindow(QMainWindow):
    """Shows what Tandem hears and decides, micro-turn by micro-turn."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Tandem")
        self.resize(420, 220)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.state_label = QLabel("Starting…", central)
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setStyleSheet("font-size: 22pt; font-weight: 600;")
        self.level_bar = QProgressBar(central)
        self.level_bar.setRange(0, 100)
        self.level_bar.setFormat("mic %v")
        self.level_bar.setTextVisible(False)
        self.user_label = QLabel("", central)
        self.user_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.device_label = QLabel("", central)
        self.device_label.setWordWrap(True)
        self.device_label.setStyleSheet("color: #666;")
        for w in (self.state_label, self.level_bar, self.user_label, self.device_label):
            layout.addWidget(w)
        self.setCentralWidget(central)
        self.decisions = 0

    @Slot(object)
    def show_decision(self, decision: Decision) -> None:
        """Update the state line and the level meter for one micro-turn."""
        self.decisions += 1
        self.state_label.setText(_STATE_TEXT.get(decision.action.value, decision.action.value))
        self.user_label.setText(f"you: {decision.user_state.value.replace('_', ' ')}")
        # -60 dBFS .. 0 dBFS onto 0..100
        self.level_bar.setValue(int(max(0.0, min(100.0, (decision.mic_level_db + 60.0) * 100.0 / 60.0))))

    @Slot(object)
    def show_device_event(self, event: DeviceEvent) -> None:
        """Show the latest device message (lost, retrying, back)."""
        self.device_label.setText(f"{event.device}: {event.status.value} — {event.message}")
