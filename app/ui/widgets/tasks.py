"""The list of background tasks with their state and progress."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QProgressBar, QTreeWidget, QTreeWidgetItem, QWidget

STATE_TEXT = {
    "queued": "Queued", "running": "Working", "waiting_for_moment": "Ready, waiting for a pause",
    "done": "Done", "failed": "Failed", "cancelled": "Cancelled",
}
MAX_TASKS = 30


class TaskList(QTreeWidget):
    """One row per task (TaskInfo-like objects or dicts with id, request, state, optional progress)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasks")
        self.setColumnCount(3)
        self.setHeaderLabels(["Task", "State", "Progress"])
        self.setRootIsDecorated(False)
        self.setColumnWidth(0, 200)
        self.setColumnWidth(1, 150)
        self.rows: dict[str, QTreeWidgetItem] = {}

    def update_task(self, info: Any) -> QTreeWidgetItem:
        """Add or update the row for ``info``."""
        get = info.get if isinstance(info, dict) else (lambda k, d=None: getattr(info, k, d))
        task_id = str(get("id", ""))
        state = str(get("state", "queued"))
        progress = get("progress", None)
        item = self.rows.get(task_id)
        if item is None:
            item = QTreeWidgetItem([str(get("request", task_id)), "", ""])
            self.insertTopLevelItem(0, item)
            self.rows[task_id] = item
            bar = QProgressBar(self)
            bar.setMaximumHeight(16)
            self.setItemWidget(item, 2, bar)
        text = STATE_TEXT.get(state, state)
        error = get("error", None)
        if state == "failed" and error:
            text = f"Failed: {error}"
        item.setText(1, text)
        item.setToolTip(0, str(get("request", "")))
        bar = self.itemWidget(item, 2)
        if isinstance(bar, QProgressBar):
            if state in ("done", "waiting_for_moment"):
                bar.setRange(0, 100)
                bar.setValue(100)
            elif progress is not None:
                bar.setRange(0, 100)
                bar.setValue(round(float(progress) * 100))
            elif state == "running":
                bar.setRange(0, 0)  # busy: no figure to show
            else:
                bar.setRange(0, 100)
                bar.setValue(0)
        self._trim()
        return item

    def state_of(self, task_id: str) -> str:
        """The state text shown for a task ('' if unknown)."""
        item = self.rows.get(task_id)
        return item.text(1) if item is not None else ""

    def _trim(self) -> None:
        while self.topLevelItemCount() > MAX_TASKS:
            item = self.takeTopLevelItem(self.topLevelItemCount() - 1)
            for k, v in list(self.rows.items()):
                if v is item:
                    del self.rows[k]
