"""The real app on a virtual X display: the global hotkey (sent with xdotool) toggles the real mic."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"


def free_display() -> int:
    for n in range(90, 100):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    pytest.skip("no free X display number in :90-:99")


def start_xvfb(record: bool = True):
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        pytest.skip("Xvfb or xdotool is not installed")
    n = free_display()
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "+extension" if record else "-extension",
                             "RECORD", "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = Path(f"/tmp/.X11-unix/X{n}")
    for _ in range(100):
        if sock.exists() or proc.poll() is not None:
            break
        time.sleep(0.05)
    if not sock.exists():
        proc.kill()
        pytest.skip("Xvfb did not start")
    return f":{n}", proc


@pytest.fixture
def xvfb():
    display, proc = start_xvfb()
    yield display
    proc.terminate()
    proc.wait(5)


NO_RECORD_SNIPPET = """
from PySide6.QtWidgets import QApplication, QWidget
from app.ui.hotkeys import HotkeyManager
app = QApplication([])
w = QWidget()
hk = HotkeyManager(w)
print("STATUS", hk.start(), hk.mode, flush=True)
hk.stop()
"""


def test_without_the_record_extension_hotkeys_fall_back_to_the_window():
    display, proc = start_xvfb(record=False)
    try:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("WAYLAND_DISPLAY", None)
        out = subprocess.run([sys.executable, "-c", NO_RECORD_SNIPPET], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=30)
    finally:
        proc.terminate()
        proc.wait(5)
    assert out.returncode == 0, out.stderr[-2000:]
    status = next(line for line in out.stdout.splitlines() if line.startswith("STATUS"))
    assert "Global hotkeys unavailable" in status and status.endswith(" window")


def wait_for(path: Path, proc: subprocess.Popen, lines: list[str], timeout: float) -> list[str]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = path.read_text().splitlines() if path.exists() else []
        if all(line in got for line in lines):
            return got
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    out = proc.stdout.read() if proc.poll() is not None and proc.stdout else ""
    raise AssertionError(f"waited for {lines}; log: {got[-15:]}; output: {out[-2000:]}")


def index_after(lines: list[str], wanted: str, start: int) -> int:
    return lines.index(wanted, start)


@pytest.mark.audio
@pytest.mark.slow
def test_hotkey_toggles_listening_in_the_real_window(xvfb, pulse, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "e2e-xvfb.png"
    for old in (shot, shot.with_name("e2e-xvfb-window.png")):
        old.unlink(missing_ok=True)
    log = tmp_path / "activity.log"
    wav = tmp_path / "voice.wav"
    t = np.arange(16000 * 30) / 16000
    sf.write(wav, 0.3 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t)), 16000)
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb", "TANDEM_DATA_DIR": str(tmp_path / "data")}
    env.pop("WAYLAND_DISPLAY", None)
    player = pulse.play(wav)
    app = subprocess.Popen([sys.executable, "-m", "tests.ui.xvfb_app", "--log", str(log), "--shot", str(shot)],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(log, app, ["hotkeys: global", "microphone: running"], 30)
        subprocess.run(["xdotool", "key", "ctrl+alt+space"], env=env, check=True)
        wait_for(log, app, ["listening off", "microphone: stopped"], 10)
        subprocess.run(["xdotool", "keydown", "ctrl+alt+p"], env=env, check=True)
        held = wait_for(log, app, ["push-to-talk: held"], 10)
        n = len(held)
        for _ in range(100):  # the mic opens while the keys are held
            got = log.read_text().splitlines()
            if "microphone: running" in got[n - 2:]:
                break
            time.sleep(0.1)
        subprocess.run(["xdotool", "keyup", "ctrl+alt+p"], env=env, check=True)
        wait_for(log, app, ["push-to-talk: released"], 10)
        subprocess.run(["xdotool", "key", "ctrl+alt+space"], env=env, check=True)
        out, _ = app.communicate(timeout=40)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        player.kill()
        player.wait()
    lines = log.read_text().splitlines()
    assert app.returncode == 0, out
    assert "leaked threads: []" in out
    off = lines.index("listening off")
    stopped = index_after(lines, "microphone: stopped", off)
    held = index_after(lines, "push-to-talk: held", stopped)
    released = index_after(lines, "push-to-talk: released", held)
    assert "microphone: running" in lines[stopped:released]  # the mic was live only while held
    assert lines[released + 1] == "listening off"
    index_after(lines, "microphone: stopped", released)
    on = index_after(lines, "listening on", released)
    index_after(lines, "microphone: running", on)
    from PySide6.QtGui import QImage

    img = QImage(str(shot))
    assert not img.isNull() and img.width() == 1280
    colours = {img.pixel(x, y) for x in range(0, img.width(), 16) for y in range(0, img.height(), 16)}
    assert len(colours) > 20  # a drawn window, not a blank screen
