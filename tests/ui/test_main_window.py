import threading
import time

import pytest

from app.config import Settings
from app.core.frames import Action, Decision, DeviceEvent, DeviceStatus, UserState
from app.ui.app import SessionThread, SessionWorker
from app.ui.main_window import MainWindow


def decision(action: Action, user: UserState, level: float, tick: int = 1) -> Decision:
    return Decision(t_ns=tick * 200_000_000, tick=tick, action=action, user_state=user, mic_level_db=level)


def test_window_follows_a_scripted_sequence_of_decisions(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    script = [
        (decision(Action.LISTEN, UserState.SILENT, -80), "Listening", "you: silent", 0),
        (decision(Action.LISTEN, UserState.SPEAKING, -20), "You're speaking", "you: speaking", 66),
        (decision(Action.LISTEN, UserState.PAUSING, -70), "Holding for your pause", "you: pausing", 0),
        (decision(Action.TAKE_TURN, UserState.END_OF_TURN, -75), "Thinking", "you: end of turn", 0),
        (Decision(t_ns=1, tick=5, action=Action.TAKE_TURN, user_state=UserState.SILENT, mic_level_db=-80,
                  say="Sure."), "Speaking", "you: silent", 0),
        (decision(Action.CONTINUE, UserState.SILENT, -80), "Speaking", "you: silent", 0),
        (decision(Action.BACKCHANNEL, UserState.PAUSING, -70), "Mm-hm", "you: pausing", 0),
        (decision(Action.INTERJECT, UserState.SILENT, -80), "Interjecting", "you: silent", 0),
        (decision(Action.YIELD, UserState.SPEAKING, -10), "You're speaking", "you: speaking", 83),
    ]
    colours = set()
    for d, state, user, level in script:
        w.show_decision(d)
        assert w.state_label.text() == state
        assert w.user_label.text() == user
        assert w.level_bar.value() == level
        colours.add(w.state_label.styleSheet())
    assert len(colours) == 7  # one colour per distinct state
    w.show_device_event(DeviceEvent(t_ns=0, device="microphone", status=DeviceStatus.LOST, message="unplugged"))
    assert "microphone: lost" in w.device_label.text() and "unplugged" in w.device_label.text()


@pytest.mark.audio
def test_live_session_thread_drives_the_window_and_stops_cleanly(qtbot, pulse):
    w = MainWindow()
    qtbot.addWidget(w)
    worker = SessionWorker(Settings())
    worker.decision.connect(w.show_decision)
    worker.device_event.connect(w.show_device_event)
    thread = SessionThread(worker)
    thread.start()
    try:
        qtbot.waitUntil(lambda: w.decisions >= 5, timeout=60_000)  # the models load first (slow when the CPU is busy)
        qtbot.waitUntil(lambda: "microphone: running" in w.device_label.text()
                        or "speaker: running" in w.device_label.text(), timeout=15000)
    finally:
        t0 = time.monotonic()
        thread.shutdown()
    assert thread.isFinished()
    assert time.monotonic() - t0 < 3.0
    assert w.state_label.text() in ("Listening", "You're speaking", "Holding for your pause", "Thinking", "Speaking")
    assert not [t for t in threading.enumerate() if t.name == "mic-supervisor"]
