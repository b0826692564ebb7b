"""The main window: state, mic level, captions, camera preview, background tasks and panels."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.frames import Action, Decision, DeviceEvent, DeviceStatus, HeardSpan
from app.ui.icons import app_icon
from app.ui.panels.area import PanelArea
from app.ui.proactivity import InterjectionBudget
from app.ui.states import LOOKS, UiState, level_percent, state_for
from app.ui.widgets.camera import CameraPreview, LiveIndicator
from app.ui.widgets.captions import CaptionView, WordTiming
from app.ui.widgets.tasks import TaskList

MAX_LOG = 200


class MainWindow(QMainWindow):
    """Shows what Tandem hears and decides, micro-turn by micro-turn."""

    listening_toggled = Signal(bool)
    camera_toggled = Signal(bool)
    settings_requested = Signal()
    panel_action = Signal(object)  # app.ui.panels.events.ButtonEvent
    timer_finished = Signal(str)
    state_changed = Signal(str)  # a UiState value

    def __init__(self, interjections_per_minute: int = 3) -> None:
        super().__init__()
        self.setWindowTitle("Tandem")
        self.setWindowIcon(app_icon())
        self.resize(1000, 680)
        self.decisions = 0
        self.state = UiState.STARTING
        self.listening = True
        self.budget = InterjectionBudget(interjections_per_minute)
        self._last_action: Action | None = None
        self.quit_on_close = True
        self.reason_hold_ms = 4000  # the reason line stays readable after a short interjection
        self._build()
        self._paint_state(UiState.STARTING)

    def _build(self) -> None:
        central = QWidget(self)
        root = QVBoxLayout(central)
        top = QHBoxLayout()
        self.state_label = QLabel("Starting…", central)
        self.state_label.setObjectName("stateLabel")
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setMinimumWidth(260)
        self.user_label = QLabel("", central)
        self.level_bar = QProgressBar(central)
        self.level_bar.setRange(0, 100)
        self.level_bar.setFormat("mic %v")
        self.level_bar.setTextVisible(False)
        self.level_bar.setMaximumHeight(14)
        self.level_bar.setToolTip("Microphone level")
        meter = QVBoxLayout()
        meter.addWidget(self.user_label)
        meter.addWidget(self.level_bar)
        self.live = LiveIndicator(central)
        top.addWidget(self.state_label)
        top.addLayout(meter, 1)
        top.addWidget(self.live)
        root.addLayout(top)

        self.reason_label = QLabel("", central)
        self.reason_label.setObjectName("interjectionReason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet("background: #fdecea; color: #b71c1c; border-radius: 6px; padding: 4px 8px;")
        self.reason_label.hide()
        self._reason_timer = QTimer(self)
        self._reason_timer.setSingleShot(True)
        self._reason_timer.timeout.connect(self.reason_label.hide)
        root.addWidget(self.reason_label)

        split = QSplitter(Qt.Orientation.Horizontal, central)
        left = QSplitter(Qt.Orientation.Vertical, split)
        self.captions = CaptionView(left)
        self.camera = CameraPreview(left)
        self.camera.toggled.connect(self._camera_switched)
        right = QSplitter(Qt.Orientation.Vertical, split)
        self.tasks = TaskList(right)
        self.panels = PanelArea(right)
        self.panels.action.connect(self.panel_action)
        self.panels.timer_finished.connect(self.timer_finished)
        left.setSizes([400, 200])
        right.setSizes([150, 450])
        split.setSizes([450, 550])
        root.addWidget(split, 1)

        self.log = QListWidget(central)
        self.log.setObjectName("activityLog")
        self.log.setMaximumHeight(90)
        root.addWidget(self.log)
        bottom = QHBoxLayout()
        self.device_label = QLabel("", central)
        self.device_label.setWordWrap(True)
        self.device_label.setStyleSheet("color: #666;")
        self.hotkey_label = QLabel("", central)
        self.hotkey_label.setObjectName("hotkeyStatus")
        self.hotkey_label.setStyleSheet("color: #666;")
        bottom.addWidget(self.device_label, 1)
        bottom.addWidget(self.hotkey_label)
        root.addLayout(bottom)
        self.setCentralWidget(central)

        bar = QToolBar("Controls", self)
        bar.setMovable(False)
        self.listen_action = QAction("Listening", self)
        self.listen_action.setCheckable(True)
        self.listen_action.setChecked(True)
        self.listen_action.setToolTip("Turn the microphone on or off")
        self.listen_action.toggled.connect(self._listen_switched)
        self.camera_action = QAction("Camera", self)
        self.camera_action.setCheckable(True)
        self.camera_action.toggled.connect(self.camera.set_enabled)
        self.settings_action = QAction("Settings…", self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.settings_requested)
        for a in (self.listen_action, self.camera_action, self.settings_action):
            bar.addAction(a)
        self.addToolBar(bar)

    # ---- state -------------------------------------------------------------------------------------

    def _paint_state(self, state: UiState) -> None:
        changed = state is not self.state
        self.state = state
        look = LOOKS[state]
        self.state_label.setText(look.text)
        self.state_label.setStyleSheet(
            f"font-size: 20pt; font-weight: 600; color: white; background: {look.color};"
            " border-radius: 10px; padding: 6px 14px;")
        if changed:
            self.state_changed.emit(state.value)

    def show_decision(self, decision: Decision, reason: str | None = None) -> None:
        """Update the state, the level meter and the interjection line for one micro-turn."""
        self.decisions += 1
        self.level_bar.setValue(level_percent(decision.mic_level_db))
        self.user_label.setText(f"you: {decision.user_state.value.replace('_', ' ')}")
        state = state_for(decision) if self.listening else UiState.MIC_OFF
        reason = reason or decision.reason or None
        if decision.action is Action.INTERJECT:
            if self._last_action is not Action.INTERJECT:
                self._start_interjection(decision, reason)
            elif reason:
                self.reason_label.setText(self.reason_label.text().split(" — ")[0] + f" — {reason}")
            if self.reason_label.isHidden():
                state = state_for(Decision(decision.t_ns, decision.tick, Action.LISTEN, decision.user_state,
                                           decision.mic_level_db))
        elif self._last_action is Action.INTERJECT and self.reason_label.isVisible():
            self._reason_timer.start(self.reason_hold_ms)
        self._last_action = decision.action
        if self.listening:
            self._paint_state(state)

    def _start_interjection(self, decision: Decision, reason: str | None) -> None:
        per_min = self.budget.per_minute
        self._reason_timer.stop()
        if self.budget.try_spend(decision.t_ns):
            used = self.budget.used(decision.t_ns)
            why = reason or decision.say or "something worth mentioning"
            self.reason_label.setText(f"Interjecting ({used}/{per_min} this minute) — {why}")
            self.reason_label.show()
            self.log_event(f"interjection: {why}")
        else:
            self.reason_label.hide()
            self.log_event(f"interjection held back: {per_min} per minute already shown")

    def set_listening(self, on: bool) -> None:
        """Reflect whether the mic is on (from the toolbar, the hotkey, the tray or push-to-talk)."""
        if on == self.listening:
            return
        self.listening = on
        self.listen_action.blockSignals(True)
        self.listen_action.setChecked(on)
        self.listen_action.setText("Listening" if on else "Mic off")
        self.listen_action.blockSignals(False)
        self._paint_state(UiState.LISTENING if on else UiState.MIC_OFF)
        if not on:
            self.level_bar.setValue(0)
        self.log_event("listening on" if on else "listening off")
        self.listening_toggled.emit(on)

    def toggle_listening(self) -> None:
        """Flip listening (the global hotkey)."""
        self.set_listening(not self.listening)

    def _listen_switched(self, on: bool) -> None:
        self.set_listening(on)

    def _camera_switched(self, on: bool) -> None:
        self.camera_action.blockSignals(True)
        self.camera_action.setChecked(on)
        self.camera_action.blockSignals(False)
        self.log_event("camera on" if on else "camera off")
        if not on:
            self.live.set_camera_live(False)
        self.camera_toggled.emit(on)

    def toggle_camera(self) -> None:
        """Flip the camera (the mute-camera shortcut)."""
        self.camera.set_enabled(not self.camera.enabled)

    # ---- events from the session, the reasoning tier and the devices -------------------------------

    def show_device_event(self, event: DeviceEvent) -> None:
        """Show the latest device message and keep the live indicators true."""
        self.device_label.setText(f"{event.device}: {event.status.value} — {event.message}")
        self.log_event(f"{event.device}: {event.status.value}")
        live = event.status is DeviceStatus.RUNNING
        if event.device == "microphone":
            self.live.set_mic_live(live)
        elif event.device == "camera":
            self.live.set_camera_live(live and self.camera.enabled)

    def show_heard(self, span: HeardSpan, words: Sequence[WordTiming] | None = None) -> None:
        """Caption an utterance of Tandem's with exactly what was heard and what was cut."""
        entry = self.captions.heard(span, words)
        if entry.cut:
            self.log_event(f"interrupted after: {entry.text!r}")

    def show_user_text(self, text: str, final: bool = True) -> None:
        """Caption the user's words (partial while they speak, then final)."""
        if final:
            self.captions.user_final(text)
        else:
            self.captions.user_partial(text)

    def show_assistant_text(self, key: str, text: str, append: bool = False) -> None:
        """Caption what Tandem says (``append`` for a streamed piece)."""
        self.captions.assistant_text(key, text, append=append)

    def show_task(self, info: Any) -> None:
        """Add or update a background task row."""
        self.tasks.update_task(info)

    def show_panel(self, spec: Any) -> None:
        """Render a generative UI panel (an error card if the spec is bad)."""
        self.panels.show_panel(spec)

    def show_notice(self, text: str, level: str = "info") -> None:
        """A status line from the reasoning tier."""
        self.log_event(("error: " if level == "error" else "") + text)

    def show_frame(self, frame: Any) -> None:
        """Route any frame from the session or the reasoning worker to the right view."""
        name = type(frame).__name__
        if isinstance(frame, Decision):
            self.show_decision(frame)
        elif isinstance(frame, DeviceEvent):
            self.show_device_event(frame)
        elif isinstance(frame, HeardSpan):
            self.show_heard(frame, getattr(frame, "words", None))
        elif name == "TaskInfo":
            self.show_task(frame)
            result = getattr(frame, "result", None)
            for panel in getattr(result, "panels", ()) or ():
                self.show_panel(panel)
        elif name == "PanelSpec" or (isinstance(frame, dict) and "components" in frame):
            self.show_panel(frame)
        elif name == "TokenFrame":
            self.show_assistant_text(str(frame.task_id), str(frame.text), append=True)
        elif name == "Notice":
            self.show_notice(str(frame.text), str(getattr(frame, "level", "info")))
        elif name == "PartialTranscript":
            self.show_user_text(str(frame.text), final=False)
        elif name == "FinalTranscript":
            if str(frame.text).strip():
                self.show_user_text(str(frame.text), final=True)
        elif name == "SpokenClause":
            # Captioned per utterance, so the HeardSpan with the same id can mark what was cut.
            self.show_assistant_text(f"utt{frame.utterance_id}", str(frame.text))
        elif name == "Delivery":
            for panel in frame.result.panels or ():
                self.show_panel(panel)
        elif name == "TimerFired":
            timer = frame.timer
            self.log_event(f"{timer.kind} done: {timer.label}")
            self.timer_finished.emit(str(timer.label or timer.kind))

    def log_event(self, text: str) -> None:
        """Append a line to the activity log (newest last)."""
        self.log.addItem(f"{time.strftime('%H:%M:%S')}  {text}")
        while self.log.count() > MAX_LOG:
            self.log.takeItem(0)
        self.log.scrollToBottom()

    def log_lines(self) -> list[str]:
        """The activity log's texts without their times."""
        return [self.log.item(i).text().split("  ", 1)[-1] for i in range(self.log.count())]

    def set_hotkey_status(self, text: str) -> None:
        """Say which hotkeys work (or why the global one does not)."""
        self.hotkey_label.setText(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window quits unless a tray icon keeps Tandem running."""
        if not self.quit_on_close:
            event.ignore()
            self.hide()
            return
        super().closeEvent(event)
