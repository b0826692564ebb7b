"""Starts the desktop app: the window, the live session on a QThread, camera, tray and hotkeys."""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.capture.camera import CameraCapture
from app.config import Settings
from app.core.frames import DeviceEvent, DeviceStatus
from app.history import ConversationHistory, history_path
from app.live import LiveSession
from app.ui.camera_thread import CameraThread
from app.ui.first_run import Check, FirstRunDialog, first_run_needed, mark_first_run_done
from app.ui.hotkeys import HotkeyManager
from app.ui.icons import app_icon
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import SettingsDialog
from app.ui.states import UiState
from app.ui.theme import apply_theme
from app.ui.thread_join import join
from app.ui.tray import Tray
from app.ui.widgets.camera import bgr_to_qimage

log = logging.getLogger(__name__)


class SessionWorker(QObject):
    """Runs a LiveSession on its QThread and re-emits its callbacks as (queued) Qt signals."""

    decision = Signal(object)
    device_event = Signal(object)
    frame = Signal(object)  # transcripts, replies, notices, tasks, panels, timers
    finished = Signal()

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self._stop = threading.Event()
        # Built here (no device opens until run) so the camera thread can share its ring.
        self.session = LiveSession(settings, on_decision=self.decision.emit,
                                   on_device_event=self.device_event.emit, on_frame=self.frame.emit)

    @Slot()
    def run(self) -> None:
        """Blocking; returns when ``stop`` is called."""
        self.session.run(self._stop)
        self.finished.emit()

    def stop(self) -> None:
        """Ask the session to end at its next micro-turn."""
        self._stop.set()


class SessionThread(QThread):
    """Hosts the SessionWorker; stops it and waits on close so no thread outlives the window."""

    def __init__(self, worker: SessionWorker) -> None:
        super().__init__()
        self.worker = worker

    def run(self) -> None:
        """Qt thread entry point."""
        self.worker.run()

    def shutdown(self) -> None:
        """Stop the session and wait for the thread to end (a session still loading its models ends once
        they are in, at its first micro-turn).
        """
        self.worker.stop()
        join(self, "the live session")


class TandemApp(QObject):
    """Wires the window to the live session, the camera, the tray, the hotkeys and the settings dialog."""

    settings_changed = Signal(object)

    def __init__(self, settings: Settings, *, config_path: Path | None = None, start_session: bool = True,
                 use_global_hotkeys: bool = True, first_run_checks: Sequence[Check] | None = None,
                 first_run_dir: Path | None = None, history: ConversationHistory | None = None) -> None:
        super().__init__()
        self.history = history  # the transcript on disk (None: not kept)
        self.settings = settings
        self.config_path = config_path
        self.start_session = start_session
        self.first_run_checks = first_run_checks
        self.first_run_dir = first_run_dir
        self.window = MainWindow(int(settings.ui.interjections_per_minute))
        self.tray = Tray(self)
        self.hotkeys = HotkeyManager(self.window, settings.ui.hotkey,
                                     str(settings.ui.push_to_talk_hotkey),
                                     str(settings.ui.mute_camera_hotkey),
                                     use_global=use_global_hotkeys)
        self.worker: SessionWorker | None = None
        self.session_thread: SessionThread | None = None
        self.camera_thread: CameraThread | None = None
        self.reasoning: Any = None
        self.settings_dialog: SettingsDialog | None = None
        self.first_run_dialog: FirstRunDialog | None = None
        self._listen_before_talk: bool | None = None
        self._reasoning_timer = QTimer(self)
        self._reasoning_timer.setInterval(100)
        self._reasoning_timer.timeout.connect(self._drain_reasoning)
        self._stopped = False
        self._connect()

    def _connect(self) -> None:
        w = self.window
        w.listening_toggled.connect(self._listening_changed)
        w.camera_toggled.connect(self._camera_changed)
        w.settings_requested.connect(self.open_settings)
        w.state_changed.connect(self._state_changed)
        w.timer_finished.connect(self._timer_finished)
        w.panel_action.connect(self._panel_action)
        w.camera.frame_source = self.latest_frame
        w.panels.snapshot = self.latest_image
        self.hotkeys.toggle_listening.connect(w.toggle_listening)
        self.hotkeys.show_window.connect(self.show_window)
        self.hotkeys.toggle_camera.connect(w.toggle_camera)
        self.hotkeys.push_to_talk.connect(self._push_to_talk)
        self.hotkeys.status_changed.connect(self._hotkeys_changed)
        self.tray.show_requested.connect(self.show_window)
        self.tray.mute_toggled.connect(self._tray_mute)
        self.tray.camera_toggled.connect(w.camera.set_enabled)
        self.tray.quit_requested.connect(self.quit)

    # ---- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the session (and the camera if enabled), hotkeys and tray; show the window."""
        qapp = QApplication.instance()
        if isinstance(qapp, QApplication):
            apply_theme(qapp, self.settings.ui.theme)
            qapp.setWindowIcon(app_icon())
            qapp.aboutToQuit.connect(self.shutdown)
        if self.start_session:
            self._start_session()
        self.window.set_hotkey_status(self.hotkeys.start())
        self.window.log_event(f"hotkeys: {self.hotkeys.mode}")
        if Tray.available():
            self.tray.show()
            self.window.quit_on_close = False
        if self.history is not None:
            earlier = self.history.recent()
            self.window.captions.restore([(line.speaker, line.text, line.cut) for line in earlier])
            if earlier:
                self.window.log_event(f"transcript: {len(earlier)} earlier lines restored")
        self.window.show()
        if self.settings.camera.enabled:
            self.window.camera.set_enabled(True)
        if self.first_run_dir is not None and first_run_needed(self.first_run_dir):
            self.show_first_run()

    def _start_session(self) -> None:
        self.worker = SessionWorker(self.settings)
        self.worker.decision.connect(self.window.show_decision)
        self.worker.device_event.connect(self._device_event)
        self.worker.frame.connect(self.window.show_frame)
        self.worker.frame.connect(self._record)
        self.session_thread = SessionThread(self.worker)
        self.session_thread.start()

    def _stop_session(self) -> None:
        thread, self.session_thread = self.session_thread, None
        if thread is not None:
            thread.shutdown()
        self.worker = None

    def shutdown(self) -> None:
        """Stop every thread this app started; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self._reasoning_timer.stop()
        self.hotkeys.stop()
        self._stop_camera()
        self._stop_session()
        if self.settings_dialog is not None:
            self.settings_dialog.mic_test.stop()
        self.tray.close()
        if self.history is not None:
            self.history.close()
            self.history = None

    def _record(self, frame: object) -> None:
        """Keep the line on disk; a failing disk stops keeping the transcript but never the conversation."""
        if self.history is None:
            return
        try:
            self.history.record(frame)
        except (sqlite3.Error, OSError) as exc:
            self.window.show_notice(f"The transcript is no longer being saved ({exc}).", "error")
            self.history = None

    def quit(self) -> None:
        """Quit the whole app (tray menu)."""
        self.shutdown()
        QApplication.quit()

    def show_window(self) -> None:
        """Bring the window to the front."""
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    # ---- listening, push-to-talk, camera -----------------------------------------------------------

    @property
    def mic(self) -> Any:
        """The session's MicCapture (None before the session exists)."""
        return self.worker.session.mic if self.worker is not None else None

    def _hotkeys_changed(self, status: str) -> None:
        self.window.set_hotkey_status(status)
        self.window.log_event(f"hotkeys: {self.hotkeys.mode}")

    def _listening_changed(self, on: bool) -> None:
        self.tray.set_muted(not on)
        mic = self.mic
        if mic is None:
            return
        if on:
            if mic.status is DeviceStatus.STOPPED:
                mic.start()
        else:
            mic.stop()

    def _device_event(self, event: DeviceEvent) -> None:
        self.window.show_device_event(event)
        # The mic must never be live while listening is off (the session may open it after a toggle).
        if (event.device == "microphone" and not self.window.listening
                and event.status in (DeviceStatus.STARTING, DeviceStatus.RUNNING)):
            QTimer.singleShot(0, self._enforce_mute)

    def _enforce_mute(self) -> None:
        if not self.window.listening and self.mic is not None and self.mic.status is not DeviceStatus.STOPPED:
            self.mic.stop()

    def _push_to_talk(self, down: bool) -> None:
        if down:
            self._listen_before_talk = self.window.listening
            self.window.set_listening(True)
            self.window.log_event("push-to-talk: held")
        else:
            self.window.log_event("push-to-talk: released")
            if self._listen_before_talk is False:
                self.window.set_listening(False)
            self._listen_before_talk = None

    def _tray_mute(self, muted: bool) -> None:
        self.window.set_listening(not muted)

    def _camera_changed(self, on: bool) -> None:
        self.tray.set_camera(on)
        if on:
            self._start_camera()
        else:
            self._stop_camera()

    def _start_camera(self) -> None:
        if self.camera_thread is not None or self.worker is None:
            return
        cam = self.settings.camera
        capture = CameraCapture(self.worker.session.ring.video, cam.device, width=cam.width, fps=cam.fps)
        self.camera_thread = CameraThread(capture)
        self.camera_thread.device_event.connect(self._device_event)
        self.camera_thread.start()

    def _stop_camera(self) -> None:
        thread, self.camera_thread = self.camera_thread, None
        if thread is not None:
            thread.shutdown()
            self.window.live.set_camera_live(False)

    def latest_frame(self) -> np.ndarray | None:
        """The newest camera frame while the camera is on."""
        if self.worker is None or self.camera_thread is None:
            return None
        frame = self.worker.session.ring.video.latest()
        return frame.image if frame is not None else None

    def latest_image(self) -> QImage | None:
        """The newest camera frame as a QImage (panels' snapshot://latest)."""
        frame = self.latest_frame()
        return bgr_to_qimage(frame) if frame is not None else None

    # ---- tray, timers, panels, reasoning ------------------------------------------------------------

    def _state_changed(self, value: str) -> None:
        self.tray.set_state(UiState(value))

    def _timer_finished(self, label: str) -> None:
        self.tray.notify("Tandem timer", f"{label} is done")
        self.window.log_event(f"timer done: {label}")

    def _panel_action(self, event: Any) -> None:
        self.window.log_event(f"button: {event.name} on {event.surface_id}")
        if self.reasoning is not None:
            self.reasoning.press_button(event.as_frame())

    def attach_reasoning(self, worker: Any) -> None:
        """Show a ReasoningWorker's frames (tasks, panels, notices, timers) and send it button presses."""
        self.reasoning = worker
        self._reasoning_timer.start()

    def _drain_reasoning(self) -> None:
        if self.reasoning is None:
            return
        try:
            frames = self.reasoning.drain()
        except Exception as exc:  # noqa: BLE001 - the reasoning tier failing must not take the window down
            self.window.show_notice(f"background model: {exc}", "error")
            return
        for frame in frames:
            self.window.show_frame(frame)

    # ---- settings and first run ---------------------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        """Show the settings dialog; saved changes apply at once."""
        if self.settings_dialog is None:
            self.settings_dialog = SettingsDialog(self.settings, self.config_path, self.window)
            self.settings_dialog.settings_changed.connect(self.apply_settings)
            self.settings_dialog.finished.connect(self._settings_closed)
        self.settings_dialog.show()
        self.settings_dialog.raise_()
        return self.settings_dialog

    def _settings_closed(self, _result: int) -> None:
        dialog, self.settings_dialog = self.settings_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def apply_settings(self, new: Settings) -> None:
        """Apply new settings: theme and hotkey at once; devices and knobs by restarting the session."""
        old, self.settings = self.settings, new
        qapp = QApplication.instance()
        if new.ui.theme != old.ui.theme and isinstance(qapp, QApplication):
            apply_theme(qapp, new.ui.theme)
        keys = ("hotkey", "push_to_talk_hotkey", "mute_camera_hotkey")
        if any(getattr(new.ui, k) != getattr(old.ui, k) for k in keys):
            self.window.set_hotkey_status(self.hotkeys.rebind(
                new.ui.hotkey, new.ui.push_to_talk_hotkey, new.ui.mute_camera_hotkey))
        self.window.budget.per_minute = int(new.ui.interjections_per_minute)
        if self.history is not None and new.privacy != old.privacy:
            self.history.set_retention(new.privacy.transcript_retention_days)
        restart = ("audio", "interaction", "camera", "speech", "reasoning")
        if any(getattr(new, k) != getattr(old, k) for k in restart) and self.worker:
            camera_on = self.window.camera.enabled
            self._stop_camera()
            self._stop_session()
            self._start_session()
            if camera_on:
                self._start_camera()
            self.window.log_event("settings applied: session restarted")
        if new.camera.enabled != old.camera.enabled:
            self.window.camera.set_enabled(new.camera.enabled)
        self.settings_changed.emit(new)

    def show_first_run(self) -> FirstRunDialog:
        """Show the component checks (automatically on the first start)."""
        dialog = FirstRunDialog(self.first_run_checks, self.window)
        dialog.accepted.connect(self._first_run_accepted)
        self.first_run_dialog = dialog
        dialog.show()
        dialog.start()
        return dialog

    def _first_run_accepted(self) -> None:
        if self.first_run_dir is not None:
            mark_first_run_done(self.first_run_dir)


def open_history(settings: Settings) -> tuple[ConversationHistory | None, str]:
    """The user's transcript store, or None and why it cannot be opened (the file is left as it is)."""
    path = history_path()
    try:
        return ConversationHistory(path, settings.privacy.transcript_retention_days), ""
    except (sqlite3.Error, OSError) as exc:
        logging.getLogger(__name__).warning("transcript not kept: %s", exc)
        return None, (f"The saved transcript {path} cannot be opened ({exc}), so this conversation is not "
                      "being saved. Move that file away to start a new one.")


def run_gui(settings: Settings, argv: list[str] | None = None) -> int:
    """Show the window and run until quit; returns the exit code."""
    qapp = QApplication.instance() or QApplication(argv or sys.argv[:1])
    qapp.setApplicationName("Tandem")
    try:
        from app.paths import data_dir

        first_run_dir: Path | None = data_dir()
    except OSError:
        first_run_dir = None
    history, problem = open_history(settings)
    app = TandemApp(settings, first_run_dir=first_run_dir, history=history)
    app.start()
    if problem:
        app.window.show_notice(problem, "error")
    code = int(qapp.exec())
    app.shutdown()
    return code
