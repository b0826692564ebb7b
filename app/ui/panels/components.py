"""One builder per catalog component: each turns a component dict into native Qt widgets."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.panels.events import ButtonEvent
from app.ui.panels.live import ProgressView, TimerView
from app.ui.panels.spec import MAX_DEPTH, PanelError, cell_text

_HEADING_PT = {"h1": 18, "h2": 15, "h3": 13, "h4": 12, "h5": 11, "caption": 8}
IMAGE_MAX_W = 360


@dataclass
class RenderContext:
    """What builders need beyond the component: ids, the clock, the camera snapshot, sinks for events."""

    surface_id: str
    comps: dict[str, dict[str, Any]]
    on_button: Callable[[ButtonEvent], None]
    on_timer_done: Callable[[str], None]
    timer_starts: dict[str, float] = field(default_factory=dict)
    snapshot: Callable[[], QImage | None] | None = None
    now: Callable[[], float] = time.monotonic
    visiting: set[str] = field(default_factory=set)


class ActionButton(QPushButton):
    """A panel button that knows the event it sends."""

    pressed_event = Signal(object)

    def __init__(self, label: str, event: ButtonEvent, parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.button_event = event
        self.clicked.connect(self._send)

    def _send(self) -> None:
        self.pressed_event.emit(self.button_event)


def build(cid: str, ctx: RenderContext, depth: int = 0) -> QWidget:
    """The widget for component ``cid`` and everything under it."""
    comp = ctx.comps.get(cid)
    if comp is None:
        raise PanelError(f"unknown component id {cid!r}")
    if depth > MAX_DEPTH or cid in ctx.visiting:
        raise PanelError(f"component {cid!r} is nested too deeply or contains itself")
    kind = comp.get("component")
    builder = _BUILDERS.get(str(kind))
    if builder is None:
        raise PanelError(f"unknown component kind {kind!r}")
    ctx.visiting.add(cid)
    try:
        w = builder(comp, ctx, depth)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PanelError(f"component {cid!r} ({kind}): {type(exc).__name__}: {exc}") from exc
    finally:
        ctx.visiting.discard(cid)
    w.setObjectName(f"{kind}:{cid}")
    w.setProperty("componentKind", kind)
    return w


def _children(comp: dict[str, Any], ctx: RenderContext, depth: int, horizontal: bool) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box) if horizontal else QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for kid in comp.get("children", []):
        layout.addWidget(build(kid, ctx, depth + 1))
    return box


def _text(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    label = QLabel(str(comp["text"]))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setTextFormat(Qt.TextFormat.MarkdownText if comp.get("markdown") else Qt.TextFormat.PlainText)
    variant = comp.get("variant", "body")
    if variant in _HEADING_PT:
        weight = "400" if variant == "caption" else "600"
        label.setStyleSheet(f"font-size: {_HEADING_PT[variant]}pt; font-weight: {weight};")
    return label


def _row(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    return _children(comp, ctx, depth, horizontal=True)


def _column(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    return _children(comp, ctx, depth, horizontal=False)


def _list(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    if "children" in comp:
        return _children(comp, ctx, depth, horizontal=False)
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for i, item in enumerate(comp["items"], 1):
        label = QLabel(f"{i}. {item}" if comp.get("ordered") else f"• {item}")
        label.setWordWrap(True)
        layout.addWidget(label)
    return box


def _card(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.addWidget(build(comp["child"], ctx, depth + 1))
    return frame


def _divider(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine if comp.get("axis") == "vertical" else QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def _load_image(url: str, ctx: RenderContext) -> QImage | None:
    if url.startswith("snapshot://"):
        return ctx.snapshot() if ctx.snapshot is not None else None
    if url.startswith("data:image/"):
        _, _, payload = url.partition(",")
        return QImage.fromData(base64.b64decode(payload))
    if url.startswith("file://"):
        return QImage(str(Path(unquote(urlparse(url).path))))
    return None


def _image(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    url = str(comp["url"])
    desc = str(comp.get("description", ""))
    label = QLabel()
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setToolTip(desc)
    img = _load_image(url, ctx)
    if img is not None and not img.isNull():
        pix = QPixmap.fromImage(img)
        if pix.width() > IMAGE_MAX_W:
            pix = pix.scaledToWidth(IMAGE_MAX_W, Qt.TransformationMode.SmoothTransformation)
        label.setPixmap(pix)
    elif url.startswith(("http://", "https://")):
        label.setText(f"[image not loaded: Tandem does not fetch remote images]\n{desc or url}")
    else:
        label.setText(f"[image unavailable] {desc}")
    return label


def _button(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    event = comp["action"]["event"]
    ev = ButtonEvent(ctx.surface_id, str(comp["id"]), str(event["name"]), dict(event.get("context", {})))
    btn = ActionButton(str(comp["label"]), ev)
    if comp.get("variant") == "primary":
        btn.setDefault(True)
        btn.setStyleSheet("font-weight: 600;")
    elif comp.get("variant") == "borderless":
        btn.setFlat(True)
    btn.pressed_event.connect(ctx.on_button)
    return btn


def _table(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    columns = [str(c) for c in comp["columns"]]
    rows = comp["rows"]
    table = QTableWidget(len(rows), len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    for r, row in enumerate(rows):
        if len(row) != len(columns):
            raise PanelError(f"table row {r} has {len(row)} cells, expected {len(columns)}")
        for c, value in enumerate(row):
            item = QTableWidgetItem(cell_text(value))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(min(len(rows), 8))) + 6
    table.setMinimumHeight(min(height, 260))
    table.setMaximumHeight(max(height, 60) if len(rows) <= 8 else 260)
    return table


def _key_value(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    box = QWidget()
    form = QFormLayout(box)
    form.setContentsMargins(0, 0, 0, 0)
    for entry in comp["entries"]:
        key = QLabel(str(entry["key"]))
        key.setStyleSheet("font-weight: 600;")
        value = QLabel(cell_text(entry["value"]))
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(key, value)
    return box


def _chart(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    labels = [str(x) for x in comp["labels"]]
    if comp["chartType"] not in ("bar", "line"):
        raise PanelError(f"unknown chart type {comp['chartType']!r}")
    for s in comp["series"]:
        if len(s["values"]) != len(labels):
            raise PanelError(f"chart series {s['name']!r} has {len(s['values'])} values, expected {len(labels)}")
    chart = QChart()
    chart.legend().setVisible(len(comp["series"]) > 1)
    axis_x = QBarCategoryAxis()
    axis_x.append(labels)
    axis_y = QValueAxis()
    values = [float(v) for s in comp["series"] for v in s["values"]]
    axis_y.setRange(min([0.0, *values]), max([1.0, *values]))
    axis_y.applyNiceNumbers()
    axis_y.setLabelFormat("%.0f" if all(v.is_integer() for v in values) else "%g")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    if comp["chartType"] == "bar":
        bars = QBarSeries()
        for s in comp["series"]:
            bar_set = QBarSet(str(s["name"]))
            bar_set.append([float(v) for v in s["values"]])
            bars.append(bar_set)
        chart.addSeries(bars)
        bars.attachAxis(axis_x)
        bars.attachAxis(axis_y)
    else:
        for s in comp["series"]:
            line = QLineSeries()
            line.setName(str(s["name"]))
            for i, v in enumerate(s["values"]):
                line.append(float(i), float(v))
            chart.addSeries(line)
            line.attachAxis(axis_x)
            line.attachAxis(axis_y)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    view.setProperty("chartType", comp["chartType"])
    return view


def _timer(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    key = f"{ctx.surface_id}/{comp.get('timerId') or comp['id']}"
    started = ctx.timer_starts.setdefault(key, ctx.now())
    view = TimerView(str(comp.get("label", "Timer")), float(comp["durationSeconds"]), started, ctx.now)
    view.finished.connect(ctx.on_timer_done)
    return view


def _progress(comp: dict[str, Any], ctx: RenderContext, depth: int) -> QWidget:
    return ProgressView(str(comp.get("label", "")), float(comp["value"]))


_BUILDERS: dict[str, Callable[[dict[str, Any], RenderContext, int], QWidget]] = {
    "Text": _text, "Row": _row, "Column": _column, "List": _list, "Card": _card, "Divider": _divider,
    "Image": _image, "Button": _button, "Table": _table, "KeyValue": _key_value, "Chart": _chart,
    "Timer": _timer, "Progress": _progress,
}
