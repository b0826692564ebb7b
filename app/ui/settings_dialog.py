"""The settings dialog: devices with a mic test and the echo check, speech, the reasoning model (API key in
the keyring), interaction knobs, theme and hotkeys.

Saving validates exactly as start-up does (``load_settings``), so a bad value shows the same message
inline and nothing is written.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.capture.probe import grab_frame, play_chime
from app.config import ConfigError, Settings, load_settings, save_settings
from app.downloads import Download
from app.history import ConversationHistory, history_path
from app.speech.echo_store import StoredEchoCheck
from app.ui.download_dialog import DownloadDialog
from app.ui.echo_check_runner import EchoCheckRunner, describe, stored_for
from app.ui.hotkeys import parse_hotkey
from app.ui.mic_test import MicLevelTest
from app.ui.states import level_percent
from app.ui.widgets.camera import bgr_to_qimage

THEMES = ("system", "light", "dark")
EXTRA_HOTKEYS = {"push_to_talk_hotkey": "Push-to-talk (hold)", "mute_camera_hotkey": "Camera on/off"}


def _default_audio_devices() -> list[Any]:
    from app.capture.devices import list_audio_devices

    return list_audio_devices()


def _default_cameras() -> list[str]:
    from app.capture.devices import list_cameras

    return list_cameras()


def _combo(values: list[str], current: str, parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.setEditable(True)  # names may be typed: a device that is unplugged now
    items = ["default", *[v for v in values if v != "default"]]
    if current not in items:
        items.append(current)
    combo.addItems(items)
    combo.setCurrentText(current)
    return combo


class SettingsDialog(QDialog):
    """Edits the user's settings file; emits ``settings_changed`` with the new Settings once saved."""

    settings_changed = Signal(object)

    def __init__(self, settings: Settings, path: Path | None = None, parent: QWidget | None = None, *,
                 audio_devices: Callable[[], list[Any]] | None = None,
                 cameras: Callable[[], list[str]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tandem settings")
        self.settings = settings
        self.path = path
        self.saved_path: Path | None = None
        inputs, outputs, device_error = self._audio_names(audio_devices or _default_audio_devices)
        try:
            camera_names = list((cameras or _default_cameras)())
        except Exception:  # noqa: BLE001 - a missing camera stack still lets the user type a name
            camera_names = []
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)

        devices = QGroupBox("Devices", self)
        form = QFormLayout(devices)
        self.input_combo = _combo(inputs, settings.audio.input_device, devices)
        self.output_combo = _combo(outputs, settings.audio.output_device, devices)
        self.camera_enabled = QCheckBox("Let Tandem use the camera", devices)
        self.camera_enabled.setChecked(settings.camera.enabled)
        self.camera_combo = _combo(camera_names, settings.camera.device, devices)
        mic_row = QHBoxLayout()
        self.test_button = QPushButton("Test microphone", devices)
        self.test_button.setCheckable(True)
        self.test_button.toggled.connect(self._toggle_test)
        self.test_meter = QProgressBar(devices)
        self.test_meter.setRange(0, 100)
        self.test_meter.setTextVisible(False)
        mic_row.addWidget(self.test_button)
        mic_row.addWidget(self.test_meter, 1)
        self.device_note = QLabel(device_error, devices)
        self.device_note.setWordWrap(True)
        self.device_note.setStyleSheet("color: #b71c1c;")
        self.device_note.setVisible(bool(device_error))
        form.addRow("Microphone", self.input_combo)
        form.addRow("", mic_row)
        form.addRow("Speaker", self.output_combo)
        self.speaker_button = QPushButton("Play a test chime", devices)
        self.speaker_button.clicked.connect(self._test_speaker)
        form.addRow("", self.speaker_button)
        echo_row = QHBoxLayout()
        self.echo_button = QPushButton("Run echo check", devices)
        self.echo_button.setToolTip("Plays a 4-second sound on the speaker and measures how much of it the "
                                    "microphone hears, then picks full duplex, a raised barge-in threshold or "
                                    "half duplex. Used from the next time listening starts.")
        self.echo_button.clicked.connect(self._run_echo_check)
        self.echo_busy = QProgressBar(devices)
        self.echo_busy.setRange(0, 0)  # busy: the check takes a fixed few seconds
        self.echo_busy.setTextVisible(False)
        self.echo_busy.hide()
        echo_row.addWidget(self.echo_button)
        echo_row.addWidget(self.echo_busy, 1)
        self.echo_label = QLabel("", devices)
        self.echo_label.setObjectName("echoCheckResult")
        self.echo_label.setWordWrap(True)
        form.addRow("Echo", echo_row)
        form.addRow("", self.echo_label)
        form.addRow("", self.camera_enabled)
        form.addRow("Camera", self.camera_combo)
        camera_row = QHBoxLayout()
        self.camera_button = QPushButton("Show a picture", devices)
        self.camera_button.clicked.connect(self._test_camera)
        self.camera_thumb = QLabel(devices)
        self.camera_thumb.setObjectName("cameraTest")
        camera_row.addWidget(self.camera_button)
        camera_row.addWidget(self.camera_thumb, 1)
        form.addRow("", camera_row)
        form.addRow(self.device_note)
        self._tab("Devices", devices)

        knobs = QGroupBox("Conversation", self)
        kform = QFormLayout(knobs)
        self.patience_spin = QDoubleSpinBox(knobs)
        self.patience_spin.setRange(0.0, 60.0)  # the validator, not the widget, explains the allowed range
        self.patience_spin.setSingleStep(0.1)
        self.patience_spin.setSuffix(" s")
        self.patience_spin.setValue(settings.interaction.patience_s)
        self.patience_spin.setToolTip("How long Tandem waits through your silence before it replies (0.2-5 s)")
        self.threshold_spin = QDoubleSpinBox(knobs)
        self.threshold_spin.setRange(-120.0, 20.0)
        self.threshold_spin.setSuffix(" dBFS")
        self.threshold_spin.setValue(settings.interaction.speech_threshold_db)
        self.threshold_spin.setToolTip("Mic level above which you count as speaking (-90 to 0)")
        self.policy_combo = QComboBox(knobs)
        self.policy_combo.addItems(["model", "baseline", "placeholder"])
        self.policy_combo.setCurrentText(settings.interaction.policy)
        self.policy_combo.setToolTip("model: the trained interaction model; baseline: voice activity and a "
                                     "silence timeout; placeholder: level threshold and silence timeout")
        self.knob_sliders: dict[str, QSlider] = {}
        for key, tip in (("patience", "How long Tandem lets you think before it replies"),
                         ("backchannel_rate", "How often it says \"mm-hm\" while you talk at length"),
                         ("interruption_sensitivity", "How readily it stops when you talk over it")):
            slider = QSlider(Qt.Orientation.Horizontal, knobs)
            slider.setRange(0, 100)
            slider.setValue(round(getattr(settings.interaction, key) * 100))
            slider.setToolTip(tip)
            self.knob_sliders[key] = slider
        kform.addRow("Floor policy", self.policy_combo)
        kform.addRow("Patience", self.knob_sliders["patience"])
        kform.addRow("Backchannels", self.knob_sliders["backchannel_rate"])
        kform.addRow("Interruption sensitivity", self.knob_sliders["interruption_sensitivity"])
        kform.addRow("Silence timeout (baseline)", self.patience_spin)
        kform.addRow("Speech threshold (placeholder)", self.threshold_spin)
        self._tab("Conversation", knobs)

        speech = QGroupBox("Speech", self)
        sform = QFormLayout(speech)
        self.voice_edit = QLineEdit(settings.speech.voice, speech)
        self.voice_edit.setToolTip("en_US-joe-medium (built in) or the path of a piper .onnx voice")
        self.asr_edit = QLineEdit(settings.speech.asr_model, speech)
        self.asr_edit.setToolTip("tiny.en (built in), a faster-whisper model already downloaded, or a model folder")
        self.echo_cancel_check = QCheckBox("Remove Tandem's own voice from the microphone", speech)
        self.echo_cancel_check.setChecked(settings.speech.echo_cancellation)
        self.noise_check = QCheckBox("Noise suppression (costs recognition words while you talk over Tandem)", speech)
        self.noise_check.setChecked(settings.speech.noise_suppression)
        self.get_models_button = QPushButton("Get more voices and recognition models...", speech)
        self.get_models_button.clicked.connect(self.open_downloads)
        self.download_dialog: DownloadDialog | None = None
        sform.addRow("Voice", self.voice_edit)
        sform.addRow("Recognition model", self.asr_edit)
        sform.addRow("", self.get_models_button)
        sform.addRow("", self.echo_cancel_check)
        sform.addRow("", self.noise_check)
        self._tab("Speech and model", speech)

        brain = QGroupBox("Reasoning model", self)
        bform = QFormLayout(brain)
        http = settings.reasoning.http
        self.backend_combo = QComboBox(brain)
        self.backend_combo.addItem("Built-in (offline)", "embedded")
        self.backend_combo.addItem("OpenAI-compatible server", "http")
        self.backend_combo.setCurrentIndex(self.backend_combo.findData(settings.reasoning.backend))
        self.url_edit = QLineEdit(http.base_url, brain)
        self.url_edit.setToolTip("e.g. http://127.0.0.1:11434/v1 (Ollama) or a hosted API's base URL")
        self.server_model_edit = QLineEdit(http.model, brain)
        self.api_key_edit = QLineEdit(brain)
        self.api_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key_edit.setPlaceholderText("kept in the system keyring; leave empty to keep the stored key")
        self.fallback_check = QCheckBox("Use the built-in model when the server does not answer", brain)
        self.fallback_check.setChecked(http.fallback_to_embedded)
        self.embedded_edit = QLineEdit(settings.reasoning.embedded.model_path or "", brain)
        self.embedded_edit.setPlaceholderText("the bundled model")
        self.embedded_edit.setToolTip("Path of another GGUF model file for the built-in backend")
        bform.addRow("Backend", self.backend_combo)
        bform.addRow("Server URL", self.url_edit)
        bform.addRow("Server model", self.server_model_edit)
        bform.addRow("API key", self.api_key_edit)
        bform.addRow("", self.fallback_check)
        bform.addRow("Built-in model file", self.embedded_edit)
        self.backend_combo.currentIndexChanged.connect(self._show_backend)
        self._show_backend()
        self._tab("Speech and model", brain)

        privacy = QGroupBox("Privacy", self)
        pform = QFormLayout(privacy)
        self.retention_spin = QSpinBox(privacy)
        self.retention_spin.setRange(0, 3650)
        self.retention_spin.setSuffix(" days")
        self.retention_spin.setSpecialValueText("do not keep")
        self.retention_spin.setValue(int(settings.privacy.transcript_retention_days))
        self.retention_spin.setToolTip("How long the conversation transcript stays on this computer")
        self.delete_transcript_button = QPushButton("Delete the saved transcript now", privacy)
        self.delete_transcript_button.clicked.connect(self._delete_transcript)
        self.privacy_note = QLabel("The camera is off at start unless \"Let Tandem use the camera\" is ticked "
                                   "(Devices). Nothing leaves this computer with the built-in model.", privacy)
        self.privacy_note.setWordWrap(True)
        pform.addRow("Keep the transcript", self.retention_spin)
        pform.addRow("", self.delete_transcript_button)
        pform.addRow(self.privacy_note)
        self._tab("Privacy", privacy)

        look = QGroupBox("Window", self)
        lform = QFormLayout(look)
        self.theme_combo = QComboBox(look)
        self.theme_combo.addItems(list(THEMES))
        self.theme_combo.setCurrentText(settings.ui.theme)
        self.hotkey_edit = QLineEdit(settings.ui.hotkey, look)
        self.hotkey_edit.setToolTip("Shows the window and toggles listening, e.g. ctrl+alt+space")
        lform.addRow("Theme", self.theme_combo)
        lform.addRow("Hotkey", self.hotkey_edit)
        self.extra_hotkeys: dict[str, QLineEdit] = {}
        for key, label in EXTRA_HOTKEYS.items():
            edit = QLineEdit(str(getattr(settings.ui, key)), look)
            self.extra_hotkeys[key] = edit
            lform.addRow(label, edit)
        self.budget_spin = QSpinBox(look)
        self.budget_spin.setRange(-1, 1000)
        self.budget_spin.setValue(int(settings.ui.interjections_per_minute))
        lform.addRow("Interjections per minute", self.budget_spin)
        self._tab("Window", look)

        self.error_label = QLabel("", self)
        self.error_label.setObjectName("settingsError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b71c1c; font-weight: 600;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.mic_test = MicLevelTest(self)
        self.mic_test.level.connect(self._show_level)
        self.mic_test.failed.connect(self._test_failed)
        self.echo_runner = EchoCheckRunner(self)
        self.echo_runner.finished.connect(self._echo_done)
        self.echo_runner.failed.connect(self._echo_failed)
        self.input_combo.currentTextChanged.connect(self._show_stored_echo_check)
        self.output_combo.currentTextChanged.connect(self._show_stored_echo_check)
        self._show_stored_echo_check()

    def _tab(self, title: str, group: QGroupBox) -> None:
        """Put a group on the tab of that title (made on first use), groups stacked from the top."""
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == title:
                page = self.tabs.widget(i)
                break
        else:
            page = QWidget(self.tabs)
            QVBoxLayout(page).addStretch(1)
            self.tabs.addTab(page, title)
        box = page.layout()
        assert isinstance(box, QVBoxLayout)
        box.insertWidget(box.count() - 1, group)

    @staticmethod
    def _audio_names(provider: Callable[[], list[Any]]) -> tuple[list[str], list[str], str]:
        try:
            devices = list(provider())
        except Exception as exc:  # noqa: BLE001 - no sound system: still editable by name
            return [], [], f"Cannot list audio devices ({exc}); type a name or keep 'default'."
        ins = [d.name for d in devices if getattr(d, "max_input_channels", 0) > 0]
        outs = [d.name for d in devices if getattr(d, "max_output_channels", 0) > 0]
        return ins, outs, ""

    def candidate(self) -> dict[str, Any]:
        """The settings as they would be saved, before validation."""
        data = self.settings.model_dump(mode="json")
        data["audio"]["input_device"] = self.input_combo.currentText().strip() or "default"
        data["audio"]["output_device"] = self.output_combo.currentText().strip() or "default"
        data["camera"]["enabled"] = self.camera_enabled.isChecked()
        data["camera"]["device"] = self.camera_combo.currentText().strip() or "default"
        data["interaction"]["patience_s"] = round(self.patience_spin.value(), 3)
        data["interaction"]["speech_threshold_db"] = round(self.threshold_spin.value(), 2)
        data["interaction"]["policy"] = self.policy_combo.currentText()
        for key, slider in self.knob_sliders.items():
            data["interaction"][key] = slider.value() / 100
        data["ui"]["theme"] = self.theme_combo.currentText()
        data["ui"]["hotkey"] = self.hotkey_edit.text().strip()
        for key, edit in self.extra_hotkeys.items():
            data["ui"][key] = edit.text().strip()
        data["ui"]["interjections_per_minute"] = self.budget_spin.value()
        data["privacy"]["transcript_retention_days"] = self.retention_spin.value()
        data["speech"]["voice"] = self.voice_edit.text().strip()
        data["speech"]["asr_model"] = self.asr_edit.text().strip()
        data["speech"]["echo_cancellation"] = self.echo_cancel_check.isChecked()
        data["speech"]["noise_suppression"] = self.noise_check.isChecked()
        reasoning = data["reasoning"]
        reasoning["backend"] = self.backend_combo.currentData()
        reasoning["http"]["base_url"] = self.url_edit.text().strip()
        reasoning["http"]["model"] = self.server_model_edit.text().strip()
        reasoning["http"]["fallback_to_embedded"] = self.fallback_check.isChecked()
        reasoning["embedded"]["model_path"] = self.embedded_edit.text().strip() or None
        return data

    def open_downloads(self) -> DownloadDialog:
        """The optional downloads; a finished one fills in the voice or recognition model field."""
        if self.download_dialog is None:
            self.download_dialog = DownloadDialog(self)
            self.download_dialog.downloaded.connect(self._use_download)
        self.download_dialog.show()
        return self.download_dialog

    def _use_download(self, item: Download, value: str) -> None:
        (self.asr_edit if item.kind == "asr" else self.voice_edit).setText(value)

    def confirm(self, question: str) -> bool:
        """Ask before something that cannot be undone."""
        answer = QMessageBox.question(self, "Tandem", question)
        return answer == QMessageBox.StandardButton.Yes

    def _delete_transcript(self) -> None:
        if not self.confirm("Delete the whole saved conversation transcript? This cannot be undone."):
            return
        try:
            history = ConversationHistory(history_path(), self.settings.privacy.transcript_retention_days)
            history.clear()
            history.close()
        except (sqlite3.Error, OSError) as exc:
            self.privacy_note.setText(f"The transcript could not be deleted ({exc}).")
            return
        self.privacy_note.setText("The saved transcript was deleted.")

    def _show_backend(self) -> None:
        server = self.backend_combo.currentData() == "http"
        for w in (self.url_edit, self.server_model_edit, self.api_key_edit, self.fallback_check):
            w.setEnabled(server)

    def validate(self) -> Settings:
        """The candidate as Settings, checked exactly as a settings file is at start-up; raises ConfigError."""
        import yaml

        from app.paths import config_path

        data = self.candidate()
        for key in ("hotkey", *self.extra_hotkeys):
            try:
                parse_hotkey(str(data["ui"][key]))
            except ValueError as exc:
                raise ConfigError(f"setting 'ui.{key}': {exc}.") from exc
        target = self.path or config_path()
        with tempfile.TemporaryDirectory(prefix="tandem-settings-") as tmp:
            probe = Path(tmp) / target.name
            probe.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            try:
                return load_settings(probe)
            except ConfigError as exc:
                raise ConfigError(str(exc).replace(str(probe), str(target))) from exc

    def save(self) -> Settings | None:
        """Validate and write; on a bad value show the message inline, write nothing, stay open."""
        try:
            new = self.validate()
        except ConfigError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return None
        key = self.api_key_edit.text().strip()
        if key:
            try:
                from app.reasoning.http_backend import store_api_key

                store_api_key(new.reasoning.http.base_url, key, new.reasoning.http.keyring_user)
            except Exception as exc:  # noqa: BLE001 - no keyring service: say so, keep the dialog open
                self.error_label.setText(f"The API key could not be stored in the system keyring ({exc}). "
                                         "Install or unlock a keyring (e.g. GNOME Keyring or KWallet) and save "
                                         "again; nothing was saved.")
                self.error_label.show()
                return None
            self.api_key_edit.clear()
        self.error_label.hide()
        self.saved_path = save_settings(new, self.path)
        old, self.settings = self.settings, new
        self.mic_test.stop()
        if new != old:
            self.settings_changed.emit(new)
        self.accept()
        return new

    def _toggle_test(self, on: bool) -> None:
        if on:
            self.device_note.hide()
            if not self.mic_test.start(self.input_combo.currentText().strip() or "default"):
                self.test_button.setChecked(False)
        else:
            self.mic_test.stop()
            self.test_meter.setValue(0)

    def _show_level(self, db: float) -> None:
        self.test_meter.setValue(level_percent(db))

    def _test_failed(self, message: str) -> None:
        self.device_note.setText(message)
        self.device_note.show()

    def _test_speaker(self) -> None:
        name = self.output_combo.currentText().strip() or "default"
        try:
            play_chime(name)
        except Exception as exc:  # noqa: BLE001 - any device error becomes a message in the dialog
            self._test_failed(f"Cannot play on speaker {name!r}: {exc}")
            return
        self.device_note.hide()

    def _test_camera(self) -> None:
        """One frame from the chosen camera as a thumbnail (it does not stay on)."""
        name = self.camera_combo.currentText().strip() or "default"
        try:
            frame = grab_frame(name, width=160)
        except Exception as exc:  # noqa: BLE001 - OpenCV and device errors become a message
            self.camera_thumb.clear()
            self._test_failed(f"Cannot show camera {name!r}: {exc}")
            return
        self.device_note.hide()
        self.camera_thumb.setPixmap(QPixmap.fromImage(bgr_to_qimage(frame)))

    def _devices(self) -> tuple[str, str]:
        inp, out = self.input_combo.currentText().strip(), self.output_combo.currentText().strip()
        return inp or "default", out or "default"

    def _show_stored_echo_check(self) -> None:
        if not self.echo_runner.running:
            self.echo_label.setText(describe(stored_for(*self._devices())))

    def _run_echo_check(self) -> None:
        self.test_button.setChecked(False)  # the mic test would hold the mic and hear the probe
        if self.echo_runner.start(*self._devices()):
            self.echo_button.setEnabled(False)
            self.echo_busy.show()
            self.echo_label.setText("Playing a short sound and listening for its echo...")

    def _echo_finished(self) -> None:
        self.echo_button.setEnabled(True)
        self.echo_busy.hide()

    def _echo_done(self, stored: StoredEchoCheck) -> None:
        self._echo_finished()
        self.echo_label.setText(describe(stored))

    def _echo_failed(self, message: str) -> None:
        self._echo_finished()
        self.echo_label.setText(f"{message}. Check the microphone and speaker above.")

    def done(self, result: int) -> None:
        """Close the mic test and stop listening for the echo check with the dialog."""
        self.mic_test.stop()
        self.echo_runner.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close the mic test and stop listening for the echo check with the dialog."""
        self.mic_test.stop()
        self.echo_runner.stop()
        super().closeEvent(event)
