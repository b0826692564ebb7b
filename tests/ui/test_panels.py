import base64
import json

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QTableWidget

from app.ui.panels.area import MAX_UNPINNED, PanelArea
from app.ui.panels.card import ErrorCard
from app.ui.panels.components import ActionButton
from app.ui.panels.events import ButtonEvent
from app.ui.panels.live import ProgressView, TimerView, format_remaining


def surface(body: dict, sid: str = "s1", title: str = "Panel") -> dict:
    return {"surfaceId": sid, "title": title, "root": "root", "components": [
        {"id": "root", "component": "Column", "children": ["body"]}, {"id": "body", **body}]}


def png_data_url() -> str:
    img = QImage(8, 6, QImage.Format.Format_RGB32)
    img.fill(QColor("red"))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode()


KINDS = {
    "text": {"component": "Text", "text": "Hello there", "variant": "h2"},
    "markdown": {"component": "Text", "text": "**bold** and *it*", "markdown": True},
    "list": {"component": "List", "items": ["milk", "eggs"], "ordered": True},
    "table": {"component": "Table", "columns": ["Planet", "Moons"], "rows": [["Mars", 2], ["Earth", 1]]},
    "card": {"component": "KeyValue", "entries": [{"key": "Weather", "value": "sunny"}, {"key": "Temp", "value": 21}]},
    "timer": {"component": "Timer", "label": "Tea", "durationSeconds": 180},
    "progress": {"component": "Progress", "label": "Download", "value": 0.4},
    "bar": {"component": "Chart", "chartType": "bar", "labels": ["a", "b"],
            "series": [{"name": "n", "values": [1, 3]}]},
    "line": {"component": "Chart", "chartType": "line", "labels": ["a", "b", "c"],
             "series": [{"name": "x", "values": [1, 2, 1]}, {"name": "y", "values": [0, 5, 2]}]},
    "buttons": {"component": "Button", "label": "Yes", "variant": "primary",
                "action": {"event": {"name": "confirm", "context": {"answer": "yes"}}}},
}


def only(card, cls):
    found = card.body.findChildren(cls)
    assert found, f"no {cls.__name__} in the rendered panel"
    return found[0]


@pytest.fixture
def area(qtbot):
    a = PanelArea()
    qtbot.addWidget(a)
    a.resize(500, 700)
    a.show()
    return a


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_natively_from_a_valid_spec(area, kind):
    card = area.show_panel(surface(KINDS[kind], sid=f"k_{kind}"))
    assert not card.body.findChildren(ErrorCard) and not isinstance(card.body, ErrorCard)
    assert card.title_label.text() == "Panel"
    texts = " ".join(w.text() for w in card.body.findChildren(QLabel))
    if kind == "text":
        assert "Hello there" in texts
    elif kind == "markdown":
        label = next(w for w in card.body.findChildren(QLabel) if "bold" in w.text())
        assert label.textFormat().name == "MarkdownText"
    elif kind == "list":
        assert "1. milk" in texts and "2. eggs" in texts
    elif kind == "table":
        t = only(card, QTableWidget)
        assert (t.rowCount(), t.columnCount()) == (2, 2) and t.item(0, 1).text() == "2"
        assert t.horizontalHeaderItem(0).text() == "Planet"
    elif kind == "card":
        assert "Weather" in texts and "sunny" in texts and "21" in texts
    elif kind == "timer":
        t = only(card, TimerView)
        assert t.time_label.text() in ("3:00", "2:59")
    elif kind == "progress":
        assert only(card, ProgressView).bar.value() == 40
    elif kind in ("bar", "line"):
        view = only(card, QChartView)
        assert view.property("chartType") == kind
        assert len(view.chart().series()) == (1 if kind == "bar" else 2)
    elif kind == "buttons":
        assert only(card, ActionButton).text() == "Yes"


def test_image_from_data_url_and_snapshot(area):
    card = area.show_panel(surface({"component": "Image", "url": png_data_url(), "description": "red"}))
    pix = only(card, QLabel).pixmap()
    assert not pix.isNull() and pix.width() == 8
    snap = QImage(20, 10, QImage.Format.Format_RGB32)
    area.snapshot = lambda: snap
    card = area.show_panel(surface({"component": "Image", "url": "snapshot://latest"}, sid="cam"))
    assert only(card, QLabel).pixmap().width() == 20
    card = area.show_panel(surface({"component": "Image", "url": "https://example.com/x.png"}, sid="web"))
    assert "does not fetch" in only(card, QLabel).text()


def test_nested_layout_renders_rows_cards_and_dividers(area):
    spec = {"surfaceId": "nest", "root": "root", "components": [
        {"id": "root", "component": "Column", "children": ["row", "div", "card"]},
        {"id": "row", "component": "Row", "children": ["a", "b"]},
        {"id": "a", "component": "Text", "text": "left"},
        {"id": "b", "component": "Text", "text": "right"},
        {"id": "div", "component": "Divider"},
        {"id": "card", "component": "Card", "child": "c"},
        {"id": "c", "component": "Text", "text": "inside"},
    ]}
    card = area.show_panel(spec)
    assert {w.text() for w in card.body.findChildren(QLabel)} >= {"left", "right", "inside"}
    assert card.title_label.text() == "nest"


@pytest.mark.parametrize("bad", [
    "not json {",
    [1, 2],
    {"surfaceId": "x", "root": "root", "components": [{"id": "root", "component": "Hologram"}]},
    {"surfaceId": "x", "root": "missing", "components": [{"id": "root", "component": "Text", "text": "a"}]},
    {"surfaceId": "x", "root": "root", "components": [{"id": "root", "component": "Table", "columns": ["a"],
                                                       "rows": [["1", "2"]]}]},
    {"surfaceId": "x", "root": "root", "components": [{"id": "root", "component": "Column", "children": ["root"]}]},
    {"kind": "text", "text": "old style"},
])
def test_invalid_or_unknown_specs_give_an_error_card(area, bad):
    card = area.show_panel(bad)
    err = card.body
    assert isinstance(err, ErrorCard) and err.errors
    assert "could not be shown" in err.message.text()
    assert card.title_label.text() == "Panel error"


def test_renderer_is_defensive_without_the_validator(area, monkeypatch):
    import app.ui.panels.area as area_mod
    import app.ui.panels.spec as spec_mod

    monkeypatch.setattr(area_mod, "check_spec", spec_mod._structural_errors)
    card = area.show_panel({"surfaceId": "x", "root": "root", "components": [
        {"id": "root", "component": "Column", "children": ["root"]}]})
    assert isinstance(card.body, ErrorCard) and "itself" in card.body.errors[0]
    card = area.show_panel({"surfaceId": "y", "root": "root", "components": [{"id": "root", "component": "Table"}]})
    assert isinstance(card.body, ErrorCard) and "KeyError" in card.body.errors[0]


def test_button_click_emits_the_event(area, qtbot):
    card = area.show_panel(surface(KINDS["buttons"], sid="ask"))
    btn = only(card, ActionButton)
    with qtbot.waitSignal(area.action, timeout=1000) as sig:
        btn.click()
    ev = sig.args[0]
    assert ev == ButtonEvent("ask", "body", "confirm", {"answer": "yes"})
    assert ev.as_frame() == {"surfaceId": "ask", "componentId": "body", "name": "confirm", "context": {"answer": "yes"}}


def test_pin_dismiss_and_copy(area, qtbot):
    a = area.show_panel(surface(KINDS["text"], sid="a", title="A"))
    area.show_panel(surface(KINDS["list"], sid="b", title="B"))
    c = area.show_panel(surface(KINDS["table"], sid="c", title="C"))
    assert area.order() == ["c", "b", "a"]
    a.pin_button.click()
    assert a.pinned and area.order() == ["a", "c", "b"]
    area.show_panel(surface(KINDS["card"], sid="d", title="D"))
    assert area.order() == ["a", "d", "c", "b"]
    # the same surface id updates in place and keeps its pin
    a2 = area.show_panel(surface({"component": "Text", "text": "updated"}, sid="a", title="A"))
    assert a2.pinned and area.order()[0] == "a"
    area.clear_unpinned()
    assert area.order() == ["a"]
    c = area.show_panel(surface(KINDS["table"], sid="c", title="C"))
    with qtbot.waitSignal(area.dismissed, timeout=1000):
        c.close_button.click()
    assert "c" not in area.cards and area.order() == ["a"]
    table = area.show_panel(surface(KINDS["table"], sid="t", title="Moons"))
    table.copy_button.click()
    mime = QApplication.clipboard().mimeData()
    assert mime.text().splitlines() == ["Moons", "Planet\tMoons", "Mars\t2", "Earth\t1"]
    assert json.loads(bytes(mime.data("application/json")))["surfaceId"] == "t"
    QApplication.clipboard().clear()  # clipboard data still owned at interpreter exit crashes Qt offscreen


def test_unpinned_panels_are_capped(area):
    for i in range(MAX_UNPINNED + 3):
        area.show_panel(surface(KINDS["text"], sid=f"p{i}"))
    assert len(area.cards) == MAX_UNPINNED and "p0" not in area.cards


def test_timer_counts_down_live_and_reports_the_end(area, qtbot):
    now = [100.0]
    area._now = lambda: now[0]
    card = area.show_panel(surface({"component": "Timer", "label": "Eggs", "durationSeconds": 90}, sid="eggs"))
    timer = only(card, TimerView)
    assert timer.time_label.text() == "1:30"
    now[0] += 30.5
    qtbot.waitUntil(lambda: timer.time_label.text() == "1:00", timeout=2000)
    # a re-sent spec keeps the countdown where it was
    card = area.show_panel(surface({"component": "Timer", "label": "Eggs", "durationSeconds": 90}, sid="eggs"))
    timer = only(card, TimerView)
    assert timer.time_label.text() == "1:00"
    now[0] += 60
    with qtbot.waitSignal(area.timer_finished, timeout=2000) as sig:
        pass
    assert sig.args == ["Eggs"] and timer.time_label.text() == "Done" and timer.bar.value() == 1000


def test_progress_updates_when_the_panel_is_resent(area):
    area.show_panel(surface({"component": "Progress", "label": "Index", "value": 0.1}, sid="job"))
    card = area.show_panel(surface({"component": "Progress", "label": "Index", "value": 0.75}, sid="job"))
    assert only(card, QProgressBar).value() == 75 and len(area.cards) == 1


def test_format_remaining():
    assert format_remaining(0) == "0:00"
    assert format_remaining(59.2) == "1:00"
    assert format_remaining(3725) == "1:02:05"
