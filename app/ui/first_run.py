"""First run: check each component Tandem needs and say exactly what is missing and how to fix it."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

Status = Literal["ok", "warning", "missing"]
_MARK = {"ok": "✓", "warning": "⚠", "missing": "✗"}
_COLOUR = {"ok": "#2e7d32", "warning": "#ef6c00", "missing": "#c62828"}
FIRST_RUN_MARKER = "first-run-done"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check found: its status, what it saw, and what the user should do about it."""

    status: Status
    detail: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """A named check; ``run`` may raise, which counts as missing with the error as the detail."""

    name: str
    run: Callable[[], CheckResult]


def _audio_check(kind: str) -> CheckResult:
    from app.capture.devices import has_devices, list_audio_devices

    if has_devices(kind):
        key = "max_input_channels" if kind == "input" else "max_output_channels"
        names = [d.name for d in list_audio_devices() if getattr(d, key) > 0]
        return CheckResult("ok", f"{len(names)} found: {', '.join(names[:3])}")
    thing = "microphone" if kind == "input" else "speaker or headphones"
    return CheckResult("missing", f"no {thing} is visible to the sound system",
                       f"Plug in a {thing} and check that PulseAudio or PipeWire runs (`pactl info`); "
                       "then press Check again. `tandem devices` lists what Tandem sees.")


def _package_check(module: str, what: str, pip_name: str) -> Callable[[], CheckResult]:
    def run() -> CheckResult:
        if importlib.util.find_spec(module) is not None:
            return CheckResult("ok", f"{what} installed ({module})")
        return CheckResult("missing", f"{what} is not installed (Python package {pip_name!r})",
                           f"Run `make run` from the Tandem folder, or `.venv/bin/pip install {pip_name}`.")
    return run


def interaction_model_check(models_dir: Path | None = None) -> CheckResult:
    """The trained interaction model (models/interaction/*.onnx); without it the placeholder policy runs."""
    folder = models_dir or Path(__file__).resolve().parents[2] / "models" / "interaction"
    found = sorted(folder.glob("*.onnx")) if folder.is_dir() else []
    if found:
        size = found[0].stat().st_size
        if size < 1024:
            return CheckResult("missing", f"{found[0].name} is only {size} bytes (a placeholder or a Git LFS pointer)",
                               "Fetch the real model file (`git lfs pull`) or train it (see models/interaction).")
        return CheckResult("ok", f"{found[0].name} ({size / 1e6:.1f} MB)")
    return CheckResult("warning", f"no interaction model in {folder}; the simple level-and-silence policy decides",
                       "Turn-taking works, but less naturally. Train and export the model (see models/interaction).")


def default_checks() -> list[Check]:
    """Audio devices, the interaction model, and the speech and reasoning packages."""
    return [
        Check("Microphone", lambda: _audio_check("input")),
        Check("Speaker", lambda: _audio_check("output")),
        Check("Interaction model", interaction_model_check),
        Check("Speech recognition", _package_check("faster_whisper", "Speech recognition", "faster-whisper")),
        Check("Speech synthesis", _package_check("piper", "Speech synthesis", "piper-tts")),
        Check("Model runtime", _package_check("onnxruntime", "ONNX Runtime", "onnxruntime")),
        Check("Reasoning model", _package_check("llama_cpp", "The embedded reasoning model", "llama-cpp-python")),
    ]


class FirstRunDialog(QDialog):
    """Runs the checks one after another with a progress bar, one row per check with its fix."""

    checks_done = Signal(bool)  # True when nothing is missing

    def __init__(self, checks: Sequence[Check] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Tandem")
        self.resize(640, 420)
        self.checks = list(checks) if checks is not None else default_checks()
        self.results: dict[str, CheckResult] = {}
        layout = QVBoxLayout(self)
        intro = QLabel("Tandem checks what it needs on this computer. Everything runs here; nothing is "
                       "downloaded while you use it.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, max(1, len(self.checks)))
        layout.addWidget(self.progress)
        self.table = QTreeWidget(self)
        self.table.setColumnCount(3)
        self.table.setHeaderLabels(["", "Component", "Found"])
        self.table.setRootIsDecorated(False)
        self.table.setWordWrap(True)
        self.table.setColumnWidth(0, 30)
        self.table.setColumnWidth(1, 150)
        layout.addWidget(self.table, 1)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(self)
        self.again_button = QPushButton("Check again", self)
        self.again_button.clicked.connect(self.start)
        self.buttons.addButton(self.again_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.continue_button = self.buttons.addButton("Continue", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        self._next = 0
        self.running = False

    def start(self) -> None:
        """(Re)run every check; the UI stays responsive between checks."""
        self.table.clear()
        self.results.clear()
        self.summary.clear()
        self.progress.setValue(0)
        self._next = 0
        self.running = True
        self.again_button.setEnabled(False)
        QTimer.singleShot(0, self._run_next)

    def _run_next(self) -> None:
        if self._next >= len(self.checks):
            self._finish()
            return
        check = self.checks[self._next]
        try:
            result = check.run()
        except Exception as exc:  # noqa: BLE001 - a failing check is a finding, not a crash
            result = CheckResult("missing", f"the check failed: {type(exc).__name__}: {exc}",
                                 "Report this with the message above.")
        self.results[check.name] = result
        text = result.detail + (f"\n→ {result.fix}" if result.fix and result.status != "ok" else "")
        item = QTreeWidgetItem([_MARK[result.status], check.name, text])
        item.setForeground(0, _brush(result.status))
        item.setToolTip(2, text)
        self.table.addTopLevelItem(item)
        self._next += 1
        self.progress.setValue(self._next)
        QTimer.singleShot(0, self._run_next)

    def _finish(self) -> None:
        self.running = False
        self.again_button.setEnabled(True)
        missing = [n for n, r in self.results.items() if r.status == "missing"]
        warnings = [n for n, r in self.results.items() if r.status == "warning"]
        if missing:
            fixes = "\n".join(f"• {n}: {self.results[n].fix}" for n in missing)
            self.summary.setText(f"Missing: {', '.join(missing)}. To fix:\n{fixes}")
            self.summary.setStyleSheet(f"color: {_COLOUR['missing']};")
        elif warnings:
            self.summary.setText(f"Ready, with notes on: {', '.join(warnings)}.")
            self.summary.setStyleSheet(f"color: {_COLOUR['warning']};")
        else:
            self.summary.setText("Everything Tandem needs is here.")
            self.summary.setStyleSheet(f"color: {_COLOUR['ok']};")
        self.checks_done.emit(not missing)


def _brush(status: Status) -> QBrush:
    return QBrush(QColor(_COLOUR[status]))


def first_run_needed(data_dir: Path) -> bool:
    """Whether the first-run checks have never been accepted on this computer."""
    return not (data_dir / FIRST_RUN_MARKER).exists()


def mark_first_run_done(data_dir: Path) -> None:
    """Remember that the user went through the first-run checks."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / FIRST_RUN_MARKER).write_text("1\n", encoding="utf-8")
