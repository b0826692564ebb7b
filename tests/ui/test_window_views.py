import numpy as np
import pytest
from PySide6.QtWidgets import QProgressBar

from app.core.frames import Action, Decision, DeviceEvent, DeviceStatus, HeardSpan, UserState
from app.ui.main_window import MainWindow
from app.ui.proactivity import InterjectionBudget
from app.ui.widgets.captions import split_heard

S = 1_000_000_000


def d(action: Action, t_s: float, say: str = "", user: UserState = UserState.SILENT) -> Decision:
    return Decision(t_ns=int(t_s * S), tick=int(t_s * 5), action=action, user_state=user, mic_level_db=-70, say=say)


def test_split_heard_uses_word_timings_or_proportion():
    words = [("The", 0.0, 0.2), ("meeting", 0.2, 0.6), ("is", 0.6, 0.7), ("at", 0.7, 0.8), ("noon", 0.8, 1.2)]
    assert split_heard("The meeting is at noon", 8000, 19200, words) == ("The meeting", "is at noon")
    assert split_heard("The meeting is at noon", 15000, 19200, words) == ("The meeting is at", "noon")
    assert split_heard("aaaa bbbb cccc dddd", 50, 100) == ("aaaa bbbb", "cccc dddd")
    assert split_heard("aaaa bbbb", 0, 100) == ("", "aaaa bbbb")
    assert split_heard("all of it", 100, 100) == ("all of it", "")


def test_captions_show_both_sides_and_what_was_cut(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show_user_text("what's the", final=False)
    w.show_user_text("what's the weather", final=False)
    w.show_user_text("what's the weather like?")
    w.show_assistant_text("utt1", "It is sunny and warm all afternoon")
    c = w.captions
    assert [(e.speaker, e.text, e.partial) for e in c.entries] == [
        ("user", "what's the weather like?", False), ("assistant", "It is sunny and warm all afternoon", False)]
    w.show_heard(HeardSpan(t_ns=1, utterance_id=1, heard_samples=8000, total_samples=32000, stopped=True))
    entry = c.entries[-1]
    assert entry.text == "It is sunny" and entry.cut == "and warm all afternoon"
    html = c.toHtml()
    assert "line-through" in html and "interrupted" in html
    assert any("interrupted after" in line for line in w.log_lines())
    # an utterance that played to the end has nothing cut
    w.show_heard(HeardSpan(t_ns=2, utterance_id=2, heard_samples=100, total_samples=100, stopped=False, text="Okay."))
    assert (c.entries[-1].text, c.entries[-1].cut) == ("Okay.", "")
    w.show_assistant_text("task1", "Hel", append=True)
    w.show_assistant_text("task1", "lo", append=True)
    assert c.entries[-1].text == "Hello"


def test_task_list_shows_state_and_progress(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show_task({"id": "task1", "request": "search the web for otters", "state": "queued"})
    w.show_task({"id": "task1", "request": "search the web for otters", "state": "running", "progress": 0.3})
    item = w.tasks.rows["task1"]
    bar = w.tasks.itemWidget(item, 2)
    assert isinstance(bar, QProgressBar) and bar.value() == 30
    assert w.tasks.state_of("task1") == "Working"
    w.show_task({"id": "task1", "request": "search the web for otters", "state": "failed", "error": "offline"})
    assert w.tasks.state_of("task1") == "Failed: offline"
    w.show_task({"id": "task2", "request": "timer", "state": "done"})
    assert w.tasks.topLevelItemCount() == 2 and w.tasks.itemWidget(w.tasks.rows["task2"], 2).value() == 100


def test_interjection_shows_its_reason_within_the_budget(qtbot):
    w = MainWindow(interjections_per_minute=2)
    qtbot.addWidget(w)
    w.show()
    w.show_decision(d(Action.INTERJECT, 1.0, say="Your tea is ready"))
    assert w.reason_label.isVisible() and "Your tea is ready" in w.reason_label.text()
    assert "1/2" in w.reason_label.text() and w.state_label.text() == "Interjecting"
    w.show_decision(d(Action.INTERJECT, 1.2))  # the same interjection goes on: not counted again
    w.reason_hold_ms = 300
    w.show_decision(d(Action.LISTEN, 1.4))
    assert w.reason_label.isVisible()  # held a moment so it can be read
    qtbot.waitUntil(lambda: not w.reason_label.isVisible(), timeout=2000)
    w.show_decision(d(Action.INTERJECT, 10.0), reason="you said to remind you about the oven")
    assert "2/2" in w.reason_label.text() and "oven" in w.reason_label.text()
    w.show_decision(d(Action.LISTEN, 10.2))
    w.show_decision(d(Action.INTERJECT, 20.0, say="one more thing"))
    assert not w.reason_label.isVisible() and w.state_label.text() == "Listening"
    assert "interjection held back: 2 per minute already shown" in w.log_lines()
    w.show_decision(d(Action.LISTEN, 20.2))
    w.show_decision(d(Action.INTERJECT, 61.5, say="a minute later"))
    assert w.reason_label.isVisible() and "a minute later" in w.reason_label.text()


def test_interjection_budget_window():
    b = InterjectionBudget(1)
    assert b.try_spend(0) and not b.try_spend(59 * S) and b.try_spend(60 * S)
    assert not InterjectionBudget(0).try_spend(0)


def test_listening_toggle_and_live_indicators(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.listening_toggled) as sig:
        w.toggle_listening()
    assert sig.args == [False] and w.state_label.text() == "Mic off" and "listening off" in w.log_lines()
    w.show_decision(d(Action.LISTEN, 1.0, user=UserState.SPEAKING))
    assert w.state_label.text() == "Mic off"
    w.listen_action.trigger()
    assert w.listening and w.log_lines()[-1] == "listening on"
    w.show_device_event(DeviceEvent(t_ns=0, device="microphone", status=DeviceStatus.RUNNING, message="ok"))
    assert w.live.mic_live and "live" in w.live.mic.text()
    w.show_device_event(DeviceEvent(t_ns=0, device="microphone", status=DeviceStatus.STOPPED, message="bye"))
    assert not w.live.mic_live


def test_camera_preview_switch_shows_frames(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    frame = np.zeros((120, 160, 3), np.uint8)
    frame[:, :, 2] = 255  # red in BGR
    w.camera.frame_source = lambda: frame
    with qtbot.waitSignal(w.camera_toggled) as sig:
        w.toggle_camera()
    assert sig.args == [True] and w.camera_action.isChecked()
    qtbot.waitUntil(lambda: w.camera.frames_shown > 0, timeout=2000)
    img = w.camera.view.pixmap().toImage()
    assert img.pixelColor(img.width() // 2, img.height() // 2).red() > 200
    w.show_device_event(DeviceEvent(t_ns=0, device="camera", status=DeviceStatus.RUNNING, message="ok"))
    assert w.live.camera_live
    w.camera_action.trigger()
    assert not w.camera.enabled and not w.live.camera_live and w.camera.view.text() == "Camera off"


def test_frames_are_routed_by_type(qtbot):
    from app.reasoning.tasks import TaskInfo

    w = MainWindow()
    qtbot.addWidget(w)
    w.show_frame(TaskInfo("task7", "make a list", "running", 0.0))
    assert w.tasks.state_of("task7") == "Working"
    w.show_frame({"surfaceId": "n", "root": "r", "components": [{"id": "r", "component": "Text", "text": "hi"}]})
    assert "n" in w.panels.cards
    w.show_frame(d(Action.LISTEN, 1.0))
    assert w.decisions == 1


def test_reasoning_frames_of_every_type_are_shown(qtbot):
    from datetime import datetime

    PanelSpec = pytest.importorskip("app.reasoning.panels").PanelSpec
    from app.reasoning.reasoner import Notice, TokenFrame
    from app.reasoning.tools.timers import TimerFired, TimerInfo

    w = MainWindow()
    qtbot.addWidget(w)
    w.show_frame(TokenFrame("task3", "Otters "))
    w.show_frame(TokenFrame("task3", "hold hands."))
    assert w.captions.entries[-1].text == "Otters hold hands."
    w.show_frame(Notice("still working on it"))
    w.show_frame(Notice("search is offline", "error"))
    assert w.log_lines()[-2:] == ["still working on it", "error: search is offline"]
    spec = {"surfaceId": "p", "root": "r", "components": [{"id": "r", "component": "Text", "text": "x"}]}
    w.show_frame(PanelSpec("p", spec))
    assert "p" in w.panels.cards
    info = TimerInfo("t1", "pasta", "timer", 600.0, 0.0, datetime.now())
    with qtbot.waitSignal(w.timer_finished) as sig:
        w.show_frame(TimerFired(info, 0.0))
    assert sig.args == ["pasta"] and "timer done: pasta" in w.log_lines()


def test_spoken_clauses_are_captioned_and_an_interrupted_one_shows_its_cut_part(qtbot):
    from app.dialogue import SpokenClause

    w = MainWindow()
    qtbot.addWidget(w)
    w.show_frame(SpokenClause(7, "The weather today is sunny and warm."))
    w.show_frame(SpokenClause(8, "Bring a hat."))
    assert [e.text for e in w.captions.entries[-2:]] == ["The weather today is sunny and warm.", "Bring a hat."]
    # Utterance 7 was stopped halfway through its samples; 8 was dropped before it played.
    w.show_frame(HeardSpan(t_ns=1, utterance_id=7, heard_samples=5000, total_samples=10000, stopped=True,
                           text="The weather today is sunny and warm."))
    w.show_frame(HeardSpan(t_ns=1, utterance_id=8, heard_samples=0, total_samples=5000, stopped=True,
                           text="Bring a hat."))
    first, second = w.captions.entries[-2:]
    assert first.text == "The weather today" and first.cut == "is sunny and warm."
    assert second.text == "" and second.cut == "Bring a hat."
    assert any("interrupted after" in line for line in w.log_lines())
