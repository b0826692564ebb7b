import pytest

from app.capture.devices import AudioDevice
from app.config import Settings, load_settings
from app.ui.settings_dialog import SettingsDialog


def devices():
    return [AudioDevice(0, "USB Headset Mic", "ALSA", 1, 0, 48000.0),
            AudioDevice(1, "Built-in Speakers", "ALSA", 0, 2, 48000.0),
            AudioDevice(2, "pulse", "ALSA", 32, 32, 44100.0)]


def make(qtbot, tmp_path, settings=None):
    dlg = SettingsDialog(settings or Settings(), tmp_path / "config.yaml", audio_devices=devices,
                         cameras=lambda: ["/dev/video0"])
    qtbot.addWidget(dlg)
    return dlg


def test_devices_are_listed_by_name(qtbot, tmp_path):
    dlg = make(qtbot, tmp_path)
    ins = [dlg.input_combo.itemText(i) for i in range(dlg.input_combo.count())]
    outs = [dlg.output_combo.itemText(i) for i in range(dlg.output_combo.count())]
    cams = [dlg.camera_combo.itemText(i) for i in range(dlg.camera_combo.count())]
    assert ins == ["default", "USB Headset Mic", "pulse"]
    assert outs == ["default", "Built-in Speakers", "pulse"]
    assert cams == ["default", "/dev/video0"]


def test_settings_round_trip_through_the_users_yaml(qtbot, tmp_path):
    dlg = make(qtbot, tmp_path)
    dlg.input_combo.setCurrentText("USB Headset")
    dlg.output_combo.setCurrentText("Built-in Speakers")
    dlg.camera_enabled.setChecked(True)
    dlg.camera_combo.setCurrentText("/dev/video0")
    dlg.patience_spin.setValue(1.5)
    dlg.threshold_spin.setValue(-35)
    dlg.policy_combo.setCurrentText("baseline")
    dlg.knob_sliders["patience"].setValue(80)
    dlg.knob_sliders["backchannel_rate"].setValue(0)
    dlg.knob_sliders["interruption_sensitivity"].setValue(25)
    dlg.theme_combo.setCurrentText("dark")
    dlg.hotkey_edit.setText("ctrl+shift+t")
    with qtbot.waitSignal(dlg.settings_changed, timeout=1000) as sig:
        dlg.buttons.button(dlg.buttons.StandardButton.Save).click()
    assert dlg.result() == dlg.DialogCode.Accepted
    loaded = load_settings(tmp_path / "config.yaml")
    assert sig.args[0] == loaded
    assert loaded.audio.input_device == "USB Headset" and loaded.audio.output_device == "Built-in Speakers"
    assert loaded.camera.enabled and loaded.camera.device == "/dev/video0"
    assert loaded.interaction.patience_s == 1.5 and loaded.interaction.speech_threshold_db == -35
    assert loaded.interaction.policy == "baseline"
    assert (loaded.interaction.patience, loaded.interaction.backchannel_rate,
            loaded.interaction.interruption_sensitivity) == (0.8, 0.0, 0.25)
    assert loaded.ui.theme == "dark" and loaded.ui.hotkey == "ctrl+shift+t"
    # reopened on the saved settings, the dialog shows them
    again = make(qtbot, tmp_path, loaded)
    assert again.patience_spin.value() == 1.5 and again.theme_combo.currentText() == "dark"
    assert again.knob_sliders["patience"].value() == 80 and again.policy_combo.currentText() == "baseline"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("patience_spin", 0.1, "interaction.patience_s' expected a number >= 0.2, found 0.1"),
    ("threshold_spin", 10, "interaction.speech_threshold_db' expected a number <= 0"),
    ("hotkey_edit", "ctrl+alt+", "setting 'ui.hotkey'"),
    ("hotkey_edit", "hyper+x", "unknown modifier 'hyper'"),
])
def test_a_bad_value_shows_the_error_inline_and_saves_nothing(qtbot, tmp_path, field, value, message):
    target = tmp_path / "config.yaml"
    target.write_text("ui:\n  theme: light\n")
    before = target.read_text()
    dlg = make(qtbot, tmp_path)
    dlg.show()
    widget = getattr(dlg, field)
    if hasattr(widget, "setValue"):
        widget.setValue(value)
    else:
        widget.setText(value)
    changed = []
    dlg.settings_changed.connect(changed.append)
    assert dlg.save() is None
    assert dlg.error_label.isVisible() and message in dlg.error_label.text()
    if field != "hotkey_edit":
        assert str(target) in dlg.error_label.text()  # names the user's file, not a scratch copy
    assert target.read_text() == before and changed == [] and dlg.isVisible()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


@pytest.mark.audio
def test_mic_test_shows_a_live_level_from_the_default_mic(qtbot, tmp_path, pulse):
    import numpy as np
    import soundfile as sf

    wav = tmp_path / "tone.wav"
    t = np.arange(16000 * 3) / 16000
    sf.write(wav, 0.5 * np.sin(2 * np.pi * 440 * t), 16000)
    dlg = make(qtbot, tmp_path)
    dlg.input_combo.setCurrentText("default")
    player = pulse.play(wav)
    try:
        dlg.test_button.click()
        assert dlg.mic_test.running
        qtbot.waitUntil(lambda: dlg.test_meter.value() > 50, timeout=5000)
    finally:
        player.kill()
        player.wait()
        dlg.test_button.click()
    assert not dlg.mic_test.running and dlg.test_meter.value() == 0


def test_mic_test_reports_a_missing_device(qtbot, tmp_path):
    dlg = make(qtbot, tmp_path)
    dlg.show()
    dlg.input_combo.setCurrentText("No Such Microphone 123")
    dlg.test_button.click()
    assert not dlg.test_button.isChecked() and not dlg.mic_test.running
    assert "No Such Microphone 123" in dlg.device_note.text() and dlg.device_note.isVisible()


def test_extra_hotkeys_and_interjection_budget_round_trip(qtbot, tmp_path):
    dlg = make(qtbot, tmp_path)
    assert set(dlg.extra_hotkeys) == {"push_to_talk_hotkey", "mute_camera_hotkey"}
    dlg.extra_hotkeys["push_to_talk_hotkey"].setText("ctrl+alt+t")
    dlg.budget_spin.setValue(5)
    data = dlg.candidate()
    assert data["ui"]["push_to_talk_hotkey"] == "ctrl+alt+t" and data["ui"]["interjections_per_minute"] == 5
    dlg.extra_hotkeys["mute_camera_hotkey"].setText("ctrl+nope+c")
    assert dlg.save() is None and "ui.mute_camera_hotkey" in dlg.error_label.text()
    assert not (tmp_path / "config.yaml").exists()


@pytest.mark.audio
def test_echo_check_button_measures_stores_and_shows_the_mode(qtbot, tmp_path, pulse, monkeypatch):
    from app.speech.echo_store import default_store

    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    dlg = make(qtbot, tmp_path)
    dlg.input_combo.setCurrentText("default")
    dlg.output_combo.setCurrentText("default")
    assert "Not measured" in dlg.echo_label.text()
    dlg.echo_button.click()
    assert not dlg.echo_button.isEnabled() and dlg.echo_runner.running
    qtbot.waitUntil(lambda: dlg.echo_button.isEnabled(), timeout=20000)
    assert "full duplex" in dlg.echo_label.text() and "Measured" in dlg.echo_label.text()
    assert default_store().latest("default", "default") is not None
    dlg.output_combo.setCurrentText("No Such Speaker 123")  # another pair: its own (missing) result
    assert "Not measured" in dlg.echo_label.text()
    dlg.echo_button.click()
    qtbot.waitUntil(lambda: dlg.echo_button.isEnabled(), timeout=20000)
    assert "Echo check failed" in dlg.echo_label.text() and "No Such Speaker 123" in dlg.echo_label.text()


@pytest.fixture
def memory_keyring():
    import keyring

    from tests.keyrings import MemoryKeyring

    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_speech_and_model_settings_round_trip_with_the_key_in_the_keyring(qtbot, tmp_path, memory_keyring):
    from app.reasoning.http_backend import KEYRING_SERVICE, api_key_from_keyring

    dlg = make(qtbot, tmp_path)
    assert not dlg.url_edit.isEnabled()  # server fields only matter for the server backend
    dlg.backend_combo.setCurrentIndex(dlg.backend_combo.findData("http"))
    assert dlg.url_edit.isEnabled() and dlg.api_key_edit.echoMode() == dlg.api_key_edit.EchoMode.Password
    dlg.url_edit.setText("http://127.0.0.1:8080/v1")
    dlg.server_model_edit.setText("qwen2.5")
    dlg.api_key_edit.setText("sk-test-123")
    dlg.fallback_check.setChecked(False)
    dlg.noise_check.setChecked(True)
    dlg.voice_edit.setText("/voices/amy.onnx")
    assert dlg.save() is not None
    text = (tmp_path / "config.yaml").read_text()
    assert "sk-test-123" not in text  # the key is never written to the file
    assert memory_keyring.store[(KEYRING_SERVICE, "http://127.0.0.1:8080/v1")] == "sk-test-123"
    assert api_key_from_keyring("http://127.0.0.1:8080/v1") == "sk-test-123"
    loaded = load_settings(tmp_path / "config.yaml")
    assert loaded.reasoning.backend == "http" and loaded.reasoning.http.model == "qwen2.5"
    assert not loaded.reasoning.http.fallback_to_embedded and loaded.speech.noise_suppression
    assert loaded.speech.voice == "/voices/amy.onnx"
    again = make(qtbot, tmp_path, loaded)
    assert again.backend_combo.currentData() == "http" and again.api_key_edit.text() == ""


def test_a_bad_server_address_or_an_empty_voice_is_refused_inline(qtbot, tmp_path):
    dlg = make(qtbot, tmp_path)
    dlg.show()
    dlg.url_edit.setText("localhost:8080")
    assert dlg.save() is None
    assert "reasoning.http.base_url" in dlg.error_label.text() and "http://" in dlg.error_label.text()
    dlg.url_edit.setText("http://localhost:8080/v1")
    dlg.voice_edit.setText("  ")
    assert dlg.save() is None and "speech.voice" in dlg.error_label.text()
    assert not (tmp_path / "config.yaml").exists()


def test_a_missing_keyring_keeps_the_dialog_open_and_saves_nothing(qtbot, tmp_path):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        dlg = make(qtbot, tmp_path)
        dlg.show()
        dlg.backend_combo.setCurrentIndex(dlg.backend_combo.findData("http"))
        dlg.api_key_edit.setText("sk-test-123")
        assert dlg.save() is None
        assert "keyring" in dlg.error_label.text() and dlg.isVisible()
        assert not (tmp_path / "config.yaml").exists() and dlg.api_key_edit.text() == "sk-test-123"
    finally:
        keyring.set_keyring(previous)


def test_transcript_retention_round_trips_and_the_transcript_can_be_deleted(qtbot, tmp_path, monkeypatch):
    from app.history import ConversationHistory, history_path

    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    kept = ConversationHistory(history_path(), 30)
    kept.add("user", "something private")
    dlg = make(qtbot, tmp_path)
    dlg.retention_spin.setValue(0)
    assert dlg.retention_spin.text() == "do not keep"
    answers = [False, True]
    dlg.confirm = lambda question: answers.pop(0)
    dlg.delete_transcript_button.click()  # declined: nothing happens
    assert len(kept.recent()) == 1
    dlg.delete_transcript_button.click()
    assert kept.recent() == [] and "deleted" in dlg.privacy_note.text()
    assert dlg.save() is not None
    assert load_settings(tmp_path / "config.yaml").privacy.transcript_retention_days == 0


def test_downloads_show_progress_and_fill_in_the_model(qtbot, tmp_path, monkeypatch):
    import shutil

    from app.downloads import CATALOGUE
    from app.speech.models import whisper_model_path
    from tests.unit.test_downloads import Hub

    shutil.copytree(whisper_model_path(), tmp_path / "hub" / "Systran" / "faster-whisper-base.en")
    hub = Hub(tmp_path / "hub")
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    try:
        dlg = make(qtbot, tmp_path)
        downloads = dlg.open_downloads()
        downloads.items.setCurrentRow([d.key for d in CATALOGUE].index("base.en"))
        assert downloads.start() and downloads.running and not downloads.download_button.isEnabled()
        qtbot.waitUntil(lambda: downloads.download_button.isEnabled(), timeout=30000)
        assert downloads.progress.value() == 100 and "ready" in downloads.status.text()
        assert dlg.asr_edit.text() == str(tmp_path / "data" / "models" / "asr" / "base.en")
        assert "downloaded" in downloads.items.item(downloads.items.currentRow()).text()
        downloads.close()
    finally:
        hub.stop()


@pytest.mark.audio
def test_speaker_test_plays_a_chime_the_default_mic_hears(qtbot, tmp_path, pulse):
    import numpy as np
    import sounddevice as sd

    dlg = make(qtbot, tmp_path)
    dlg.output_combo.setCurrentText("default")
    blocks: list[np.ndarray] = []
    with sd.InputStream(samplerate=16000, channels=1, dtype="float32",  # vmic hears vspeaker
                        callback=lambda data, *_: blocks.append(data[:, 0].copy())):
        qtbot.wait(200)
        dlg.speaker_button.click()
        qtbot.wait(1200)
    level = float(np.abs(np.concatenate(blocks)).max())
    assert level > 0.05 and not dlg.device_note.isVisible()
    dlg.output_combo.setCurrentText("No Such Speaker 123")
    dlg.speaker_button.click()
    assert "No Such Speaker 123" in dlg.device_note.text()


def test_camera_test_shows_one_picture_or_says_why_not(qtbot, tmp_path):
    from tests.ui.test_camera_thread import make_video

    video = tmp_path / "cam.avi"
    make_video(video, frames=5)
    dlg = make(qtbot, tmp_path)
    dlg.camera_combo.setCurrentText(str(video))
    dlg.camera_button.click()
    pix = dlg.camera_thumb.pixmap()
    assert pix is not None and not pix.isNull() and pix.width() == 160
    dlg.camera_combo.setCurrentText(str(tmp_path / "missing.avi"))
    dlg.camera_button.click()
    assert "gave no picture" in dlg.device_note.text() and dlg.camera_thumb.pixmap().isNull()
