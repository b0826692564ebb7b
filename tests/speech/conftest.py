"""Shared fixtures for the speech tests: real models loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

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
def speech_data() -> Path:
    """The folder of real recordings; tests using it skip when it is absent."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"recordings folder {DATA_DIR} is not present")
    return DATA_DIR
