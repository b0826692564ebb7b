import time

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.core.frames import DeviceStatus
from app.ui.app import TandemApp
from app.ui.first_run import Check, CheckResult
from app.ui.hotkeys import HotkeyManager, parse_hotkey
from tests.ui.test_camera_thread import make_video

SESSION_START_MS = 60_000
"""A session loads recognition, speech and the embedded LLM before its first micro-turn: seconds when
the machine is idle, tens of seconds when other work shares its two cores."""


def test_parse_hotkey_forms():
    hk = parse_hotkey("Ctrl+Alt+Space")
    assert hk.pynput() == "<ctrl>+<alt>+<space>" and hk.qt() == "Ctrl+Alt+Space"
    assert parse_hotkey("alt+ctrl+p").pynput() == "<ctrl>+<alt>+p"
    assert parse_hotkey("super+f9").qt() == "Meta+F9"
    for bad in ("", "ctrl+alt", "hyper+x", "ctrl+banana"):
        with pytest.raises(ValueError):
            parse_hotkey(bad)


def key(kind, k, mods=Qt.KeyboardModifier.NoModifier):
    return QKeyEvent(kind, k, mods)


def test_in_window_fallback_toggles_and_push_to_talk(qtbot, monkeypatch):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    hk = HotkeyManager(w)
    status = hk.start()
    try:
        assert hk.mode == "window" and "Wayland" in status and "Ctrl+Alt+Space" in status
        talk = []
        hk.push_to_talk.connect(talk.append)
        mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        QApplication.sendEvent(w, key(QEvent.Type.KeyPress, Qt.Key.Key_P, mods))
        QApplication.sendEvent(w, key(QEvent.Type.KeyPress, Qt.Key.Key_P, mods))
        QApplication.sendEvent(w, key(QEvent.Type.KeyRelease, Qt.Key.Key_P, mods))
        QApplication.sendEvent(w, key(QEvent.Type.KeyPress, Qt.Key.Key_P))  # no modifiers: not push-to-talk
        assert talk == [True, False]
        with qtbot.waitSignal(hk.toggle_listening, timeout=1000):
            hk._shortcuts[0].activated.emit()
    finally:
        hk.stop()
    assert hk.mode == "off" and not hk._shortcuts


def ok_checks():
    return [Check("A", lambda: CheckResult("ok", "fine"))]


@pytest.mark.audio
def test_app_toggles_the_real_mic_camera_and_quits_cleanly(qtbot, pulse, tmp_path):
    video = tmp_path / "cam.avi"
    make_video(video, frames=400)
    settings = Settings.model_validate({"camera": {"device": str(video), "fps": 20}})
    app = TandemApp(settings, config_path=tmp_path / "config.yaml", use_global_hotkeys=False,
                    first_run_checks=ok_checks(), first_run_dir=tmp_path / "data")
    w = app.window
    qtbot.addWidget(w)
    try:
        app.start()
        assert app.first_run_dialog is not None
        qtbot.waitUntil(lambda: app.first_run_dialog.results.get("A") is not None, timeout=3000)
        app.first_run_dialog.accept()
        assert (tmp_path / "data" / "first-run-done").exists()
        qtbot.waitUntil(lambda: app.mic.status is DeviceStatus.RUNNING and w.decisions > 3,
                        timeout=SESSION_START_MS)
        assert w.live.mic_live
        # the hotkey path: off stops the real device, on reopens it
        app.hotkeys.toggle_listening.emit()
        assert not w.listening and app.mic.status is DeviceStatus.STOPPED and not w.live.mic_live
        assert app.tray.mute_action.isChecked() and w.state_label.text() == "Mic off"
        time.sleep(0.5)
        assert app.mic.status is DeviceStatus.STOPPED
        # push-to-talk opens the mic only while held
        app.hotkeys.set_talking(True)
        qtbot.waitUntil(lambda: app.mic.status is DeviceStatus.RUNNING, timeout=10000)
        app.hotkeys.set_talking(False)
        assert app.mic.status is DeviceStatus.STOPPED
        app.tray.mute_action.trigger()  # tray "mute" unchecked: listening again
        assert w.listening
        qtbot.waitUntil(lambda: app.mic.status is DeviceStatus.RUNNING, timeout=10000)
        # camera: preview fills, indicator shows, switching off stops the capture thread
        app.hotkeys.toggle_camera.emit()
        qtbot.waitUntil(lambda: w.camera.frames_shown > 2 and w.live.camera_live, timeout=10000)
        assert app.tray.camera_action.isChecked()
        cam = app.camera_thread
        w.camera_action.trigger()
        assert app.camera_thread is None and cam.isFinished() and not w.live.camera_live
        # a panel timer ends in a tray notification
        w.show_panel({"surfaceId": "t", "root": "r", "components": [
            {"id": "r", "component": "Timer", "label": "Tea", "durationSeconds": 0.3}]})
        qtbot.waitUntil(lambda: app.tray.notifications == [("Tandem timer", "Tea is done")], timeout=3000)
        assert app.tray.state.value == w.state.value
    finally:
        app.shutdown()
    assert app.session_thread is None and app.camera_thread is None


@pytest.mark.audio
def test_saved_settings_apply_without_restarting_the_app(qtbot, pulse, tmp_path):
    app = TandemApp(Settings(), config_path=tmp_path / "config.yaml", use_global_hotkeys=False)
    qtbot.addWidget(app.window)
    try:
        app.start()
        qtbot.waitUntil(lambda: app.window.decisions > 2, timeout=SESSION_START_MS)
        first_worker = app.worker
        dlg = app.open_settings()
        dlg.theme_combo.setCurrentText("dark")
        dlg.hotkey_edit.setText("ctrl+alt+k")
        dlg.patience_spin.setValue(1.2)
        with qtbot.waitSignal(app.settings_changed, timeout=5000):
            dlg.save()
        assert QApplication.instance().property("tandemTheme") == "dark"
        assert "Ctrl+Alt+K" in app.window.hotkey_label.text()
        assert app.worker is not first_worker and app.worker.session.settings.interaction.patience_s == 1.2
        assert "settings applied: session restarted" in app.window.log_lines()
        qtbot.waitUntil(lambda: app.mic.status is DeviceStatus.RUNNING, timeout=SESSION_START_MS)
    finally:
        app.shutdown()
        from app.ui.theme import apply_theme

        apply_theme(QApplication.instance(), "system")


class FakeReasoning:
    def __init__(self, frames):
        self.frames = list(frames)
        self.pressed = []

    def drain(self):
        out, self.frames = self.frames, []
        return out

    def press_button(self, frame):
        self.pressed.append(frame)
        return "task9"


def test_reasoning_frames_reach_the_window_and_buttons_go_back(qtbot, tmp_path):
    from app.reasoning.tasks import TaskInfo

    app = TandemApp(Settings(), start_session=False, use_global_hotkeys=False)
    qtbot.addWidget(app.window)
    panel = {"surfaceId": "q", "root": "b", "components": [
        {"id": "b", "component": "Button", "label": "Go", "action": {"event": {"name": "go"}}}]}
    fake = FakeReasoning([TaskInfo("task1", "look it up", "running", 0.0), panel])
    try:
        app.start()
        app.attach_reasoning(fake)
        qtbot.waitUntil(lambda: "q" in app.window.panels.cards, timeout=3000)
        assert app.window.tasks.state_of("task1") == "Working"
        from app.ui.panels.components import ActionButton

        body = app.window.panels.cards["q"].body
        button = body if isinstance(body, ActionButton) else body.findChildren(ActionButton)[0]
        button.click()
        assert fake.pressed == [{"surfaceId": "q", "componentId": "b", "name": "go", "context": {}}]
    finally:
        app.shutdown()


def test_listener_thread_events_arrive_on_the_qt_thread(qtbot):
    import threading

    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    hk = HotkeyManager(w, use_global=False)
    got = []
    hk.push_to_talk.connect(lambda on: got.append((on, threading.current_thread() is threading.main_thread())))
    t = threading.Thread(target=hk._global_ptt)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: got == [(True, True)], timeout=2000)
    t = threading.Thread(target=hk._global_toggle)
    with qtbot.waitSignal(hk.toggle_listening, timeout=2000):
        t.start()
        t.join()


@pytest.mark.audio
def test_the_transcript_is_restored_at_start_and_each_line_saved_as_it_comes(qtbot, pulse, tmp_path):
    from app.history import ConversationHistory

    path = tmp_path / "conversation.sqlite3"
    earlier = ConversationHistory(path, 30)
    earlier.add("user", "Remind me about the dentist.")
    earlier.add("assistant", "I will remind you", "at five tomorrow.")
    earlier.close()
    app = TandemApp(Settings(), use_global_hotkeys=False, history=ConversationHistory(path, 30))
    qtbot.addWidget(app.window)
    try:
        app.start()
        shown = [(c.speaker, c.text, c.cut) for c in app.window.captions.entries]
        assert shown[:2] == [("user", "Remind me about the dentist.", ""),
                             ("assistant", "I will remind you", "at five tomorrow.")]
        assert "transcript: 2 earlier lines restored" in app.window.log_lines()
        final = type("FinalTranscript", (), {"text": "And buy some milk.", "words": ()})()
        app.worker.frame.emit(final)
        qtbot.waitUntil(lambda: app.window.captions.entries[-1].text == "And buy some milk.", timeout=3000)
    finally:
        app.shutdown()
    lines = ConversationHistory(path, 30).recent()
    assert lines[-1].text == "And buy some milk." and lines[-1].speaker == "user"
