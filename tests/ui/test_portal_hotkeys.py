"""Wayland: global hotkeys through the desktop's portal, and a clear fallback when it has none."""

from __future__ import annotations

import pytest

from app.ui.hotkeys import HotkeyManager
from tests.ui.desktop_portal import DesktopPortal, SessionBus


@pytest.fixture
def wayland_bus(monkeypatch):
    bus = SessionBus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    yield bus
    bus.stop()


def manager(qtbot):
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    return HotkeyManager(w)


def test_the_portal_binds_the_shortcuts_and_reports_presses_and_releases(qtbot, wayland_bus):
    portal = DesktopPortal(wayland_bus.address)
    hk = manager(qtbot)
    try:
        first = hk.start()
        assert hk.mode == "window" and "asking the desktop" in first  # in-window keys work meanwhile
        with qtbot.waitSignal(hk.status_changed, timeout=5000) as changed:
            pass
        assert hk.mode == "portal" and "through the desktop" in changed.args[0]
        assert portal.bound == [("toggle-listening", "CTRL+ALT+space"), ("push-to-talk", "CTRL+ALT+p"),
                                ("mute-camera", "CTRL+ALT+c")]
        assert not hk._shortcuts  # the desktop owns the keys now
        with qtbot.waitSignal(hk.toggle_listening, timeout=3000):
            portal.press("toggle-listening")
        talk: list[bool] = []
        hk.push_to_talk.connect(talk.append)
        portal.press("push-to-talk")
        portal.press("push-to-talk", down=False)
        qtbot.waitUntil(lambda: talk == [True, False], timeout=3000)
        with qtbot.waitSignal(hk.toggle_camera, timeout=3000):
            portal.press("mute-camera")
    finally:
        hk.stop()
    qtbot.waitUntil(lambda: portal.closed == portal.sessions, timeout=3000)  # the session was closed
    portal.stop()
    assert hk.mode == "off"


def test_without_a_portal_the_window_says_why_and_keeps_in_window_keys(qtbot, wayland_bus):
    hk = manager(qtbot)
    try:
        hk.start()
        with qtbot.waitSignal(hk.status_changed, timeout=5000) as changed:
            pass
        assert hk.mode == "window" and hk._shortcuts
        assert "no xdg-desktop-portal" in changed.args[0] and "while this window has focus" in changed.args[0]
    finally:
        hk.stop()


def test_a_declined_request_falls_back_to_in_window_keys(qtbot, wayland_bus):
    portal = DesktopPortal(wayland_bus.address, answer=1)
    hk = manager(qtbot)
    try:
        hk.start()
        with qtbot.waitSignal(hk.status_changed, timeout=5000) as changed:
            pass
        assert hk.mode == "window" and "declined" in changed.args[0]
    finally:
        hk.stop()
        portal.stop()
