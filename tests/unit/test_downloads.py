"""Opt-in downloads from a hub on loopback: byte progress, all-or-nothing folders, clear failures."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.downloads import Cancelled, DownloadError, download, find, is_downloaded, target_dir
from app.speech.models import whisper_model_path
from tests.hub import Hub


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """A hub holding the bundled tiny.en model under base.en's name (a real model, any name will do)."""
    repo = tmp_path / "hub" / "Systran" / "faster-whisper-base.en"
    shutil.copytree(whisper_model_path(), repo)
    server = Hub(tmp_path / "hub")
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.stop()


def test_a_model_downloads_with_byte_progress_and_loads(hub: Hub, tmp_path: Path) -> None:
    from app.speech.asr import load_whisper

    item = find("base.en")
    seen: list[tuple[int, int]] = []
    folder = download(item, tmp_path / "models", lambda done, total: seen.append((done, total)))
    assert folder == target_dir(item, tmp_path / "models") and is_downloaded(item, tmp_path / "models")
    total = seen[-1][1]
    assert total > 10_000_000 and seen[-1][0] == total and seen[0] == (0, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not list((tmp_path / "models" / "asr").glob("*.downloading"))
    load_whisper(item.setting(folder))  # the folder is a working CTranslate2 model


def test_cancelling_keeps_nothing_half_done(hub: Hub, tmp_path: Path) -> None:
    item = find("base.en")
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(Cancelled):
        download(item, tmp_path / "models", progress, cancel)
    assert not is_downloaded(item, tmp_path / "models")
    assert not (tmp_path / "models" / "asr").exists() or not any((tmp_path / "models" / "asr").iterdir())


def test_a_missing_file_fails_with_its_name_and_keeps_the_old_copy(hub: Hub, tmp_path: Path) -> None:
    item = find("base.en")
    download(item, tmp_path / "models")
    (hub.root / "Systran" / "faster-whisper-base.en" / "model.bin").unlink()
    with pytest.raises(DownloadError, match=r"model\.bin could not be fetched \(HTTP 404\)"):
        download(item, tmp_path / "models")
    assert is_downloaded(item, tmp_path / "models")  # the earlier complete download is untouched


def test_an_unreachable_hub_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # the discard port: nothing listens
    with pytest.raises(DownloadError, match=r"Cannot reach 127\.0\.0\.1:9"):
        download(find("en_US-amy-medium"), tmp_path / "models", timeout_s=2.0)
    assert not (tmp_path / "models" / "voice" / "en_US-amy-medium").exists()


def test_a_voice_setting_is_the_onnx_path(tmp_path: Path) -> None:
    item = find("en_US-amy-medium")
    assert item.setting(target_dir(item, tmp_path)).endswith("voice/en_US-amy-medium/en_US-amy-medium.onnx")
    with pytest.raises(KeyError, match=r"known: base\.en"):
        find("huge.en")


def test_the_command_lists_fetches_and_says_which_setting_to_change(hub, tmp_path, monkeypatch, capsys) -> None:
    from app.__main__ import main

    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    assert main(["download", "--list"]) == 0
    assert "base.en" in capsys.readouterr().out
    assert main(["download", "base.en"]) == 0
    out = capsys.readouterr().out
    assert f"speech.asr_model: {tmp_path / 'data' / 'models' / 'asr' / 'base.en'}" in out
    assert main(["download", "huge.en"]) == 2
    assert "known:" in capsys.readouterr().err
