"""The panel area: panels stack newest first under the pinned ones; the same surface id updates in place."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.ui.panels.card import ErrorCard, PanelCard
from app.ui.panels.components import RenderContext, build
from app.ui.panels.events import ButtonEvent
from app.ui.panels.spec import PanelError, check_spec, components_by_id

MAX_UNPINNED = 8


class PanelArea(QScrollArea):
    """Holds every panel on screen; ``action`` carries button presses back towards the model."""

    action = Signal(object)  # ButtonEvent
    timer_finished = Signal(str)  # the timer's label
    dismissed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, snapshot: Callable[[], QImage | None] | None = None,
                 now: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._inner = QWidget(self)
        self._layout = QVBoxLayout(self._inner)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._empty = QLabel("Panels from Tandem appear here.", self._inner)
        self._empty.setStyleSheet("color: #888;")
        self._layout.addWidget(self._empty)
        self.setWidget(self._inner)
        self.snapshot = snapshot
        self._now = now
        self._timer_starts: dict[str, float] = {}
        self._errors = 0
        self.cards: dict[str, PanelCard] = {}

    def show_panel(self, spec: Any) -> PanelCard:
        """Render ``spec`` (dict, JSON text or an object with ``.spec``); a bad spec becomes an error card."""
        spec = getattr(spec, "spec", spec)
        if isinstance(spec, (str, bytes, bytearray)):
            with contextlib.suppress(ValueError):
                spec = json.loads(spec)
        errors = check_spec(spec)
        surface_id = str(spec.get("surfaceId", "")) if isinstance(spec, dict) else ""
        if not errors:
            try:
                ctx = RenderContext(surface_id, components_by_id(spec), self._button, self._timer_done,
                                    self._timer_starts, self.snapshot, self._now)
                body: QWidget = build(str(spec["root"]), ctx)
            except PanelError as exc:
                errors = [str(exc)]
            except Exception as exc:  # noqa: BLE001 - a renderer bug must show as a card, not end the app
                errors = [f"{type(exc).__name__}: {exc}"]
        if errors:
            self._errors += 1
            surface_id = f"error-{self._errors}"
            card = PanelCard(surface_id, "Panel error", None, ErrorCard(errors, spec))
            return self._place(card)
        return self._place(PanelCard(surface_id, str(spec.get("title") or surface_id), spec, body))

    def _place(self, card: PanelCard) -> PanelCard:
        old = self.cards.get(card.surface_id)
        pinned = old.pinned if old is not None else False
        if old is not None:
            index = self._layout.indexOf(old)
            self._remove(old)
            self._layout.insertWidget(index, card)
        else:
            self._layout.insertWidget(self._pinned_count(), card)
        self.cards[card.surface_id] = card
        card.pin_button.setChecked(pinned)
        card.dismiss_requested.connect(self.dismiss)
        card.pin_toggled.connect(self._pin_toggled)
        self._empty.setVisible(False)
        self._evict()
        return card

    def _pinned_count(self) -> int:
        return sum(1 for c in self.cards.values() if c.pinned)

    def _remove(self, card: PanelCard) -> None:
        self._layout.removeWidget(card)
        card.hide()
        card.setParent(None)
        card.deleteLater()

    def _evict(self) -> None:
        unpinned = [self.cards[sid] for sid in self.order() if not self.cards[sid].pinned]
        for card in unpinned[MAX_UNPINNED:]:
            self.dismiss(card.surface_id)

    def order(self) -> list[str]:
        """Surface ids top to bottom."""
        ids = []
        for i in range(self._layout.count()):
            w = self._layout.itemAt(i).widget()
            if isinstance(w, PanelCard):
                ids.append(w.surface_id)
        return ids

    def dismiss(self, surface_id: str) -> None:
        """Remove a panel (pinned or not)."""
        card = self.cards.pop(surface_id, None)
        if card is None:
            return
        self._remove(card)
        self._empty.setVisible(not self.cards)
        self.dismissed.emit(surface_id)

    def _pin_toggled(self, surface_id: str, on: bool) -> None:
        card = self.cards.get(surface_id)
        if card is None:
            return
        self._layout.removeWidget(card)
        self._layout.insertWidget(0 if on else self._pinned_count(), card)

    def clear_unpinned(self) -> None:
        """Remove every panel the user has not pinned."""
        for sid in [s for s, c in self.cards.items() if not c.pinned]:
            self.dismiss(sid)

    def _button(self, event: ButtonEvent) -> None:
        self.action.emit(event)

    def _timer_done(self, label: str) -> None:
        self.timer_finished.emit(label)
