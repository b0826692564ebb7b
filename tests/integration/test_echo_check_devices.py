"""The echo check on real devices: PulseAudio's null sink loops the speaker back into the mic."""

from __future__ import annotations

import pytest

from app.capture.playrec import device_play_and_record
from app.config import Settings
from app.core.frames import DeviceEvent
from app.live import LiveSession
from app.speech.echo_check import FULL_DUPLEX, EchoCheckResult, run_echo_check
from app.speech.echo_store import default_store

pytestmark = pytest.mark.audio


def test_echo_check_measures_the_loopback_through_sounddevice(pulse) -> None:
    result = run_echo_check(device_play_and_record("default", "default"))
    assert result.echo_detected and result.mode == FULL_DUPLEX
    assert 5.0 < result.delay_ms < 400.0  # the sound server's buffering, measured, not assumed
    assert result.erle_db >= 25.0 and result.near_end_loss_db < 6.0


def test_session_runs_the_check_once_per_device_pair_and_says_so(pulse, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    events: list[DeviceEvent] = []
    session = LiveSession(Settings(), on_decision=lambda d: None, on_device_event=events.append)
    first = session._duplex()
    assert "full duplex" in first.summary
    stored = default_store().latest("default", "default")
    assert stored is not None and stored.result.echo_detected
    assert [e.message for e in events if e.device == "echo"][-1] == first.summary
    events.clear()
    again = session._duplex()  # stored: no sound played this time
    assert again.summary == first.summary
    assert not any("playing" in e.message for e in events)


def test_a_missing_speaker_keeps_cancelling_and_says_why(pulse, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    events: list[DeviceEvent] = []
    settings = Settings.model_validate({"audio": {"output_device": "no such speaker"}})
    setup = LiveSession(settings, on_decision=lambda d: None, on_device_event=events.append)._duplex()
    assert setup.cleaner is not None
    failed = [e.message for e in events if e.device == "echo" and "failed" in e.message]
    assert failed and "no such speaker" in failed[0]
    assert default_store().latest("default", "no such speaker") is None


def test_cli_echo_check_prints_and_stores(pulse, tmp_path, monkeypatch, capsys) -> None:
    from app.__main__ import main

    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    config = tmp_path / "config.yaml"
    config.write_text("audio:\n  output_device: default\n")
    assert main(["--config", str(config), "echo-check", "--json"]) == 0
    printed = EchoCheckResult.from_json(capsys.readouterr().out.strip().splitlines()[-1])
    stored = default_store().latest("default", "default")
    assert stored is not None and stored.result == printed
    config.write_text("audio:\n  output_device: no such speaker\n")
    assert main(["--config", str(config), "echo-check"]) == 1
    err = capsys.readouterr().err
    assert "no such speaker" in err and "tandem devices" in err
