"""Shared fixtures for the speech tests: real models loaded once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.speech.audio import read_wav
from tests.conftest import SHARED_DATA

DATA_DIR = Path(os.environ.get("TANDEM_SPEECH_DATA", SHARED_DATA / "speech"))


@pytest.fixture(scope="session")
def whisper() -> Any:
    """The bundled tiny.en model, loaded once."""
    from app.speech.asr import load_whisper

    return load_whisper(cpu_threads=2)


@pytest.fixture(scope="session")
def tts() -> Any:
    """The bundled piper voice, loaded once, without synthesis noise so every run hears the same audio."""
    from app.speech.tts import PiperTts

    return PiperTts(noise_scale=0.0, noise_w_scale=0.0)


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
        return read_wav(path)[0]

    return speak


@pytest.fixture(scope="session")
def speech_data() -> Path:
    """The folder of real recordings; tests using it skip when it is absent."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"recordings folder {DATA_DIR} is not present")
    return DATA_DIR
