"""A rendered panel with its title bar (pin, copy, dismiss), and the small card shown for a bad spec."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.ui.panels.spec import spec_to_text


class PanelCard(QFrame):
    """One panel on screen; ``body`` holds the rendered components."""

    dismiss_requested = Signal(str)
    pin_toggled = Signal(str, bool)

    def __init__(self, surface_id: str, title: str, spec: dict[str, Any] | None, body: QWidget,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.surface_id = surface_id
        self.spec = spec
        self.body = body
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("panelCard")
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.title_label = QLabel(title, self)
        self.title_label.setStyleSheet("font-weight: 600;")
        self.pin_button = QToolButton(self)
        self.pin_button.setText("Pin")
        self.pin_button.setCheckable(True)
        self.pin_button.setToolTip("Keep this panel at the top")
        self.pin_button.toggled.connect(self._pin_changed)
        self.copy_button = QToolButton(self)
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy as text and JSON")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self._dismiss)
        bar.addWidget(self.title_label, 1)
        for b in (self.pin_button, self.copy_button, self.close_button):
            bar.addWidget(b)
        layout.addLayout(bar)
        layout.addWidget(body)

    @property
    def pinned(self) -> bool:
        """Whether the user pinned this panel."""
        return self.pin_button.isChecked()

    def _pin_changed(self, on: bool) -> None:
        self.pin_toggled.emit(self.surface_id, on)

    def _dismiss(self) -> None:
        self.dismiss_requested.emit(self.surface_id)

    def copy_to_clipboard(self) -> None:
        """Put the panel on the clipboard as readable text, plus the spec as application/json."""
        mime = QMimeData()
        if self.spec is not None:
            mime.setText(spec_to_text(self.spec))
            mime.setData("application/json", json.dumps(self.spec, indent=2).encode("utf-8"))
        else:
            mime.setText(self.title_label.text() + "\n" + _body_text(self.body))
        QApplication.clipboard().setMimeData(mime)


def _body_text(body: QWidget) -> str:
    return "\n".join(w.text() for w in body.findChildren(QLabel) if w.text())


class ErrorCard(QWidget):
    """Shown instead of a panel whose spec is unknown or invalid: what was wrong, never a crash."""

    def __init__(self, errors: list[str], raw: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = list(errors)
        self.setObjectName("panelError")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.message = QLabel("This panel could not be shown:\n" + "\n".join(f"• {e}" for e in self.errors[:5]), self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        layout.addWidget(self.message)
        if raw is not None:
            try:
                self.raw_text = json.dumps(raw, default=str)[:2000]
            except (TypeError, ValueError):
                self.raw_text = repr(raw)[:2000]
            self.setToolTip(self.raw_text)
