"""Runs the real app on an X display for the end-to-end test: writes the activity log to a file,
takes a screenshot once the hotkeys toggled listening off, held push-to-talk and toggled it back on,
then quits and reports leftover threads.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.config import Settings
from app.core.frames import Action, Decision, HeardSpan, UserState
from app.ui.app import TandemApp


def _in_order(lines: list[str], wanted: list[str]) -> bool:
    """Whether ``wanted`` appear in ``lines`` in this order (other lines may come between)."""
    i = 0
    for line in lines:
        if i < len(wanted) and line == wanted[i]:
            i += 1
    return i == len(wanted)


class Driver(QObject):
    """Mirrors the window's log to a file and ends the run once listening went off and back on."""

    def __init__(self, app: TandemApp, log_path: Path, shot: Path) -> None:
        super().__init__()
        self.app = app
        self.log_path = log_path
        self.shot = shot
        self.written = 0
        self.done = False
        self.timer = QTimer(self)
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        lines = self.app.window.log_lines()
        with self.log_path.open("a", encoding="utf-8") as f:
            for line in lines[self.written:]:
                f.write(line + "\n")
        self.written = len(lines)
        if not self.done and _in_order(lines, ["listening off", "microphone: stopped", "push-to-talk: held",
                                               "push-to-talk: released", "listening on", "microphone: running"]):
            self.done = True
            self.decorate()
            QTimer.singleShot(1500, self.finish)

    def decorate(self) -> None:
        """Give the screenshot something to show in every area."""
        w = self.app.window
        w.show_user_text("What's on my calendar this afternoon?")
        w.show_assistant_text("utt1", "You have a dentist appointment at three and then the team call")
        w.show_heard(HeardSpan(t_ns=1, utterance_id=1, heard_samples=24000, total_samples=64000, stopped=True))
        w.show_user_text("oh wait, move the dentist", final=False)
        w.show_task({"id": "task1", "request": "find a new dentist slot", "state": "running", "progress": 0.4})
        w.show_task({"id": "task2", "request": "weather for tomorrow", "state": "done"})
        w.show_panel({"surfaceId": "tea", "title": "Tea timer", "root": "t", "components": [
            {"id": "t", "component": "Timer", "label": "Green tea", "durationSeconds": 180}]})
        w.show_panel({"surfaceId": "week", "title": "Steps this week", "root": "c", "components": [
            {"id": "c", "component": "Chart", "chartType": "bar", "labels": ["Mon", "Tue", "Wed", "Thu"],
             "series": [{"name": "steps", "values": [4200, 8100, 6500, 9900]}]}]})
        w.show_decision(Decision(t_ns=10**12, tick=1, action=Action.INTERJECT, user_state=UserState.SILENT,
                                 mic_level_db=-50), reason="the tea timer you set is about to end")

    def finish(self) -> None:
        self.poll()
        screen = QGuiApplication.primaryScreen()
        screen.grabWindow(0).save(str(self.shot))
        self.app.window.grab().save(str(self.shot.with_name(self.shot.stem + "-window.png")))
        self.app.quit()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--shot", type=Path, required=True)
    args = parser.parse_args()
    qapp = QApplication(sys.argv[:1])
    app = TandemApp(Settings(), config_path=args.log.with_name("config.yaml"))
    app.window.resize(1100, 720)
    driver = Driver(app, args.log, args.shot)
    QTimer.singleShot(90_000, app.quit)  # never hang the test run
    app.start()
    code = qapp.exec()
    app.shutdown()
    driver.poll()
    leaked = [t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    print(f"exit {code} leaked threads: {leaked}", flush=True)
    return 3 if leaked else int(code)


if __name__ == "__main__":
    sys.exit(main())
