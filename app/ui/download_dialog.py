"""Downloads the user opts into (bigger recognition models, other voices), with a byte progress bar."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.downloads import CATALOGUE, Cancelled, Download, DownloadError, download, is_downloaded, target_dir


def downloads_root() -> Path:
    """Where opted-in models are kept: the user's data folder."""
    from app.paths import data_dir

    return data_dir() / "models"


class DownloadDialog(QDialog):
    """Pick a model or voice, download it with progress and cancel; ``downloaded`` says what to set."""

    downloaded = Signal(object, str)  # (Download, the value for speech.asr_model or speech.voice)

    def __init__(self, parent: QWidget | None = None, root: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Get voices and recognition models")
        self.root = root or downloads_root()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These are optional and come from the Hugging Face hub. Tandem works without "
                                "them; once downloaded they work offline.", self))
        self.items = QListWidget(self)
        for d in CATALOGUE:
            QListWidgetItem(d.title, self.items)
        self._refresh()
        self.items.setCurrentRow(0)
        layout.addWidget(self.items)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        layout.addWidget(self.progress)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.download_button = QPushButton("Download", self)
        self.download_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel download", self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.download_button)
        layout.addWidget(self.cancel_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self._events: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._item: Download | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)

    def _refresh(self) -> None:
        for row, d in enumerate(CATALOGUE):
            done = " — downloaded" if is_downloaded(d, self.root) else ""
            self.items.item(row).setText(f"{d.title}, {d.size_mb} MB{done}")

    @property
    def running(self) -> bool:
        """Whether a download is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Download the selected entry on a worker thread."""
        if self.running or self.items.currentRow() < 0:
            return False
        item = CATALOGUE[self.items.currentRow()]
        self._item = item
        self._cancel = threading.Event()
        events, cancel, root = self._events, self._cancel, self.root

        def work() -> None:
            try:
                folder = download(item, root, lambda done, total: events.put(("progress", (done, total))), cancel)
                events.put(("done", folder))
            except (DownloadError, Cancelled) as exc:
                events.put(("failed", str(exc)))
            except Exception as exc:  # noqa: BLE001 - anything else is still a message, never a crash
                events.put(("failed", f"{item.title}: {exc}"))

        self._thread = threading.Thread(target=work, name="download", daemon=True)
        self._thread.start()
        self._timer.start()
        self.download_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(f"Downloading {item.title}...")
        return True

    def cancel(self) -> None:
        """Stop the download between chunks; nothing half-written is kept."""
        self._cancel.set()

    def _poll(self) -> None:
        while True:
            try:
                kind, value = self._events.get_nowait()
            except queue.Empty:
                return
            if kind == "progress":
                done, total = value  # type: ignore[misc]
                self.progress.setValue(int(100 * done / total) if total else 0)
                self.progress.setFormat(f"%p%  ({done / 1e6:.1f} of {total / 1e6:.1f} MB)")
                continue
            self._timer.stop()
            self.download_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
            if kind == "done" and self._item is not None:
                self.progress.setValue(100)
                self.status.setText(f"{self._item.title} is ready and selected; save the settings to use it.")
                self._refresh()
                self.downloaded.emit(self._item, self._item.setting(target_dir(self._item, self.root)))
            else:
                self.status.setText(str(value))
            return

    def done(self, result: int) -> None:
        """Closing cancels a download in progress."""
        self._cancel.set()
        self._timer.stop()
        super().done(result)
