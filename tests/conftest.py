"""Shared fixtures: a real PulseAudio server with a null sink whose monitor is the default mic."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Keep what the app stores (echo checks, notes) out of the real user's data folder."""
    if "TANDEM_DATA_DIR" not in os.environ:
        os.environ["TANDEM_DATA_DIR"] = tempfile.mkdtemp(prefix="tandem-test-data-")


class PulseServer:
    """A private PulseAudio daemon: ``vspeaker`` null sink, ``vmic`` = its monitor, both defaults."""

    def __init__(self, runtime_dir: Path) -> None:
        self.runtime_dir = runtime_dir
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime_dir)}

    def start(self) -> None:
        """Start the daemon and wait until it answers."""
        subprocess.run(
            ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "--log-target=stderr",
             "-L", "module-native-protocol-unix",
             "-L", "module-null-sink sink_name=vspeaker rate=16000",
             "-L", "module-remap-source master=vspeaker.monitor source_name=vmic"],
            env=self.env, check=True, capture_output=True)
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["pactl", "set-default-sink", "vspeaker"], env=self.env, check=True)
        subprocess.run(["pactl", "set-default-source", "vmic"], env=self.env, check=True)

    def stop(self) -> None:
        """Kill the daemon: every stream on it really fails."""
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True)
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode != 0:
                return
            time.sleep(0.05)

    def play(self, wav: Path) -> subprocess.Popen[bytes]:
        """Play a file into the null sink (so it comes out of ``vmic``), in the background."""
        return subprocess.Popen(["paplay", "--device=vspeaker", str(wav)], env=self.env)


@pytest.fixture(scope="session")
def pulse() -> Iterator[PulseServer]:
    """A running PulseAudio server for tests that use real audio devices."""
    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is not installed: run `make test`, which installs it")
    runtime = Path(tempfile.mkdtemp(prefix="tandem-pulse-"))
    runtime.chmod(0o700)
    old = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)  # the ALSA pulse plugin in this process reads it
    server = PulseServer(runtime)
    server.stop()
    server.start()
    from app.capture.devices import refresh_portaudio

    refresh_portaudio()  # PortAudio was initialised at import, before this server existed
    yield server
    server.stop()
    if old is None:
        os.environ.pop("XDG_RUNTIME_DIR", None)
    else:
        os.environ["XDG_RUNTIME_DIR"] = old
    shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def shared_data() -> Path:
    """The folder of real recordings; tests using it skip where it is absent (a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("shared recordings folder not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def espeak(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], np.ndarray]:
    """Speak text with espeak-ng into a 16 kHz float array (skips when espeak-ng is not installed)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")
    folder = tmp_path_factory.mktemp("espeak")

    def speak(text: str) -> np.ndarray:
        path = folder / f"{abs(hash(text))}.wav"
        subprocess.run([exe, "-s", "150", "-w", str(path), text], check=True, capture_output=True)
        from app.speech.audio import read_wav

        return read_wav(path)[0]

    return speak


@pytest.fixture(scope="session")
def utterance_ticks(espeak: Callable[[str], np.ndarray]) -> tuple[np.ndarray, float]:
    """An espeak-ng utterance with 1 s of silence before and 1.5 s after, as rows of 200 ms micro-turns,
    and the utterance's length in seconds.
    """
    rate, tick = 16000, 3200
    voice = espeak("hello there, how are you today")
    signal = np.concatenate([np.zeros(rate, np.float32), voice, np.zeros(int(1.5 * rate), np.float32)])
    n = signal.size // tick
    return signal[:n * tick].reshape(n, tick), voice.size / rate
