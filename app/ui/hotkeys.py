"""Global hotkeys: pynput on X11, Windows and macOS; the desktop's global-shortcuts portal on Wayland;
an in-window fallback where neither works (said in the window).

Toggle listening, hold-to-talk and camera mute. pynput and the portal call back on their own threads;
the Qt signals emitted from there reach the window as queued calls. On Wayland the in-window keys work
at once while the portal is asked in the background (the desktop may show the user a dialog first).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

MODIFIERS = {"ctrl": "ctrl", "control": "ctrl", "alt": "alt", "option": "alt", "shift": "shift",
             "cmd": "cmd", "super": "cmd", "win": "cmd", "meta": "cmd"}
NAMED_KEYS = {"space", "enter", "tab", "esc", "backspace", "insert", "delete", "home", "end", "page_up",
              "page_down", "up", "down", "left", "right", "pause", "scroll_lock", "print_screen",
              *(f"f{i}" for i in range(1, 21))}
_QT_NAMES = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "cmd": "Meta", "space": "Space", "enter": "Return",
             "esc": "Esc", "page_up": "PgUp", "page_down": "PgDown", "print_screen": "Print",
             "scroll_lock": "ScrollLock", "backspace": "Backspace", "delete": "Del", "insert": "Ins"}
_QT_MODS = {"ctrl": Qt.KeyboardModifier.ControlModifier, "alt": Qt.KeyboardModifier.AltModifier,
            "shift": Qt.KeyboardModifier.ShiftModifier, "cmd": Qt.KeyboardModifier.MetaModifier}

READY_TIMEOUT_S = 3.0
DEFAULT_TOGGLE = "ctrl+alt+space"
DEFAULT_PUSH_TO_TALK = "ctrl+alt+p"
DEFAULT_MUTE_CAMERA = "ctrl+alt+c"


@dataclass(frozen=True, slots=True)
class Hotkey:
    """A parsed shortcut: modifiers plus one key, e.g. ctrl+alt+space."""

    modifiers: tuple[str, ...]
    key: str

    def pynput(self) -> str:
        """The form pynput's HotKey.parse reads: <ctrl>+<alt>+<space>."""
        key = self.key if len(self.key) == 1 else f"<{self.key}>"
        return "+".join([*(f"<{m}>" for m in self.modifiers), key])

    def qt(self) -> str:
        """The form QKeySequence reads: Ctrl+Alt+Space."""
        parts = [_QT_NAMES[m] for m in self.modifiers]
        parts.append(_QT_NAMES.get(self.key, self.key.upper() if len(self.key) == 1 else self.key.capitalize()))
        return "+".join(parts)

    def label(self) -> str:
        """How the window shows it."""
        return self.qt()


def parse_hotkey(text: str) -> Hotkey:
    """Parse "ctrl+alt+space"; raises ValueError with a message the settings dialog shows."""
    parts = [p.strip().lower() for p in text.replace("-", "+").split("+") if p.strip()]
    if not parts:
        raise ValueError("the hotkey is empty; use something like ctrl+alt+space")
    *mods, key = parts
    bad = [m for m in mods if m not in MODIFIERS]
    if bad:
        raise ValueError(f"unknown modifier {bad[0]!r} in hotkey {text!r}; use ctrl, alt, shift or super")
    if key in MODIFIERS:
        raise ValueError(f"hotkey {text!r} has no key after its modifiers, e.g. {text}+space")
    if len(key) != 1 and key not in NAMED_KEYS:
        raise ValueError(f"unknown key {key!r} in hotkey {text!r}; use a letter, a digit, space, f1-f20, ...")
    if len(key) == 1 and not key.isprintable():
        raise ValueError(f"hotkey {text!r} has an unprintable key")
    order = ("ctrl", "alt", "shift", "cmd")
    canon = sorted({MODIFIERS[m] for m in mods}, key=order.index)
    return Hotkey(tuple(canon), key)


PORTAL_IDS = {"toggle-listening": "toggle", "push-to-talk": "talk", "mute-camera": "camera"}


def on_wayland() -> bool:
    """Whether this is a Wayland session on Linux."""
    return sys.platform.startswith("linux") and bool(
        os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland")


def global_hotkeys_unavailable() -> str | None:
    """Why system-wide hotkeys cannot work here (None when they can)."""
    if sys.platform.startswith("linux"):
        if os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
            return "Wayland does not let apps listen for global hotkeys"
        if not os.environ.get("DISPLAY"):
            return "there is no X display"
    try:
        import pynput.keyboard  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - import fails in many platform-specific ways
        return f"pynput is not available ({type(exc).__name__}: {exc})"
    return None


class _HoldFilter(QObject):
    """In-window push-to-talk: key press and release of the push-to-talk shortcut."""

    def __init__(self, manager: HotkeyManager) -> None:
        super().__init__(manager)
        self.manager = manager

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Watch key events for the push-to-talk key (repeats ignored)."""
        kind = event.type()
        if (kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and isinstance(event, QKeyEvent)
                and not event.isAutoRepeat() and self.manager.matches_push_to_talk(event)):
            self.manager.set_talking(kind == QEvent.Type.KeyPress)
        return False


class HotkeyManager(QObject):
    """Owns the global listener (or the in-window fallback) and turns key presses into signals."""

    toggle_listening = Signal()
    push_to_talk = Signal(bool)  # True while held
    toggle_camera = Signal()
    show_window = Signal()
    status_changed = Signal(str)  # the portal answered later: the window's hotkey line changes
    _key_event = Signal(str, bool)  # from the listener thread, delivered queued on the Qt thread
    _portal_result = Signal(int, object, str)  # (start generation, client or None, why not), from the portal thread

    def __init__(self, window: QWidget, toggle: str = DEFAULT_TOGGLE, push_to_talk: str = DEFAULT_PUSH_TO_TALK,
                 mute_camera: str = DEFAULT_MUTE_CAMERA, *, use_global: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.use_global = use_global
        self.toggle_key = parse_hotkey(toggle)
        self.ptt_key = parse_hotkey(push_to_talk)
        self.camera_key = parse_hotkey(mute_camera)
        self.mode = "off"
        self.status = ""
        self.talking = False
        self._listener: Any = None
        self._shortcuts: list[QShortcut] = []
        self._filter: _HoldFilter | None = None
        self._ptt_hotkey: Any = None
        self._ptt_down = False  # listener-thread view of push-to-talk
        self._portal: Any = None
        self._portal_thread: Any = None
        self._generation = 0  # a portal answer for an earlier start() is closed, not used
        self._key_event.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._portal_result.connect(self._portal_answered, Qt.ConnectionType.QueuedConnection)

    def start(self) -> str:
        """Start listening for the shortcuts; returns the status line for the window."""
        why = global_hotkeys_unavailable() if self.use_global else "global hotkeys are switched off"
        if why is None:
            try:
                self._start_global()
                self.mode = "global"
                self.status = (f"Hotkeys: {self.toggle_key.label()} listen · hold {self.ptt_key.label()} to talk · "
                               f"{self.camera_key.label()} camera")
                return self.status
            except Exception as exc:  # noqa: BLE001 - any listener failure falls back to in-window keys
                self._stop_global()
                why = f"the global hotkey listener failed ({type(exc).__name__}: {exc})"
        self._start_local()
        self.mode = "window"
        self.status = (f"Global hotkeys unavailable: {why}. {self.toggle_key.label()}, hold "
                       f"{self.ptt_key.label()} and {self.camera_key.label()} work while this window has focus.")
        if self.use_global and on_wayland():
            self._ask_portal()
            self.status = (f"Wayland: asking the desktop for global hotkeys; meanwhile {self.toggle_key.label()}, hold "
                           f"{self.ptt_key.label()} and {self.camera_key.label()} work while this window has focus.")
        return self.status

    def stop(self) -> None:
        """Stop the listener thread, the portal session and remove in-window shortcuts."""
        self._stop_global()
        self._generation += 1
        portal, self._portal = self._portal, None
        if portal is not None:
            portal.stop()
        self._stop_local()
        self.mode = "off"

    def _stop_local(self) -> None:
        for sc in self._shortcuts:
            sc.setEnabled(False)
            sc.deleteLater()
        self._shortcuts.clear()
        app = QApplication.instance()
        if self._filter is not None and app is not None:
            app.removeEventFilter(self._filter)
            self._filter.deleteLater()
        self._filter = None

    # ---- Wayland (the desktop's global-shortcuts portal) ----------------------------------------------

    def _ask_portal(self) -> None:
        import threading

        from app.desktop.portal_shortcuts import PortalShortcut, PortalShortcuts, PortalUnavailable

        keys = {"toggle-listening": (self.toggle_key, "Tandem: start or stop listening"),
                "push-to-talk": (self.ptt_key, "Tandem: hold to talk"),
                "mute-camera": (self.camera_key, "Tandem: camera on or off")}
        wanted = [PortalShortcut(sid, desc, key.modifiers, key.key) for sid, (key, desc) in keys.items()]
        client = PortalShortcuts(wanted, on_activated=lambda sid: self._portal_key(sid, True),
                                 on_deactivated=lambda sid: self._portal_key(sid, False))
        generation = self._generation

        def ask() -> None:
            try:
                client.start()
            except PortalUnavailable as exc:
                self._portal_result.emit(generation, None, str(exc))
                return
            self._portal_result.emit(generation, client, "")

        self._portal_thread = threading.Thread(target=ask, name="portal-shortcuts-bind", daemon=True)
        self._portal_thread.start()

    def _portal_answered(self, generation: int, client: Any, reason: str) -> None:
        if generation != self._generation:  # stopped or rebound meanwhile
            if client is not None:
                client.stop()
            return
        if client is None:
            self.status = (f"Global hotkeys unavailable: Wayland lets apps have them only through the desktop, "
                           f"and {reason}. {self.toggle_key.label()}, hold {self.ptt_key.label()} and "
                           f"{self.camera_key.label()} work while this window has focus.")
            self.status_changed.emit(self.status)
            return
        self._portal = client
        self._stop_local()
        self.mode = "portal"
        chosen = ", ".join(f"{sid} = {trigger}" for sid, trigger in client.bound.items() if trigger)
        self.status = (f"Hotkeys (through the desktop): {self.toggle_key.label()} listen · hold "
                       f"{self.ptt_key.label()} to talk · {self.camera_key.label()} camera"
                       + (f" (the desktop bound {chosen})" if chosen else ""))
        self.status_changed.emit(self.status)

    def _portal_key(self, shortcut_id: str, down: bool) -> None:
        kind = PORTAL_IDS.get(shortcut_id)
        if kind == "talk":
            self._key_event.emit("talk", down)
        elif kind is not None and down:
            self._key_event.emit(kind, True)

    def rebind(self, toggle: str, push_to_talk: str | None = None, mute_camera: str | None = None) -> str:
        """Change the shortcuts while running (settings applied without restart)."""
        self.toggle_key = parse_hotkey(toggle)
        if push_to_talk:
            self.ptt_key = parse_hotkey(push_to_talk)
        if mute_camera:
            self.camera_key = parse_hotkey(mute_camera)
        self.stop()
        return self.start()

    # ---- global (pynput) ---------------------------------------------------------------------------

    def _start_global(self) -> None:
        from pynput import keyboard

        self._hotkeys = [
            keyboard.HotKey(keyboard.HotKey.parse(self.toggle_key.pynput()), self._global_toggle),
            keyboard.HotKey(keyboard.HotKey.parse(self.camera_key.pynput()), self._global_camera),
        ]
        self._ptt_down = False
        self._ptt_hotkey = keyboard.HotKey(keyboard.HotKey.parse(self.ptt_key.pynput()), self._global_ptt)
        self._ptt_main = keyboard.HotKey.parse(self.ptt_key.pynput())[-1]
        self._listener = keyboard.Listener(on_press=self._on_press, on_release=self._on_release)
        self._listener.name = "hotkey-listener"
        self._listener.start()
        # pynput's own wait() blocks forever when the listener dies before it is ready (no RECORD extension).
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not getattr(self._listener, "_ready", True) and self._listener.is_alive():
            if time.monotonic() > deadline:
                raise RuntimeError("the keyboard listener did not become ready")
            time.sleep(0.01)
        if not self._listener.is_alive():
            raise RuntimeError("the keyboard listener stopped at once")

    def _stop_global(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        # stop() waits for readiness, which a listener that failed to start never reaches (a daemon thread).
        if getattr(listener, "_ready", True):
            listener.stop()
        if listener.is_alive():
            listener.join(2.0)

    def _on_press(self, key: Any, injected: bool = False) -> None:
        listener = self._listener
        if listener is None:
            return
        k = listener.canonical(key)
        for hk in self._hotkeys:
            hk.press(k)
        self._ptt_hotkey.press(k)

    def _on_release(self, key: Any, injected: bool = False) -> None:
        listener = self._listener
        if listener is None:
            return
        k = listener.canonical(key)
        for hk in self._hotkeys:
            hk.release(k)
        self._ptt_hotkey.release(k)
        if self._ptt_down and k == self._ptt_main:
            self._ptt_down = False
            self._key_event.emit("talk", False)

    def _global_toggle(self) -> None:
        self._key_event.emit("toggle", True)

    def _global_camera(self) -> None:
        self._key_event.emit("camera", True)

    def _global_ptt(self) -> None:
        if not self._ptt_down:
            self._ptt_down = True
            self._key_event.emit("talk", True)

    def _dispatch(self, kind: str, on: bool) -> None:
        if kind == "toggle":
            self._fire_toggle()
        elif kind == "camera":
            self._fire_camera()
        elif kind == "talk":
            self.set_talking(on)

    def _fire_toggle(self) -> None:
        self.show_window.emit()
        self.toggle_listening.emit()

    def _fire_camera(self) -> None:
        self.toggle_camera.emit()

    # ---- in-window fallback ------------------------------------------------------------------------

    def _start_local(self) -> None:
        for key, slot in ((self.toggle_key, self._fire_toggle), (self.camera_key, self._fire_camera)):
            sc = QShortcut(QKeySequence(key.qt()), self.window)
            sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
            sc.activated.connect(slot)
            self._shortcuts.append(sc)
        app = QApplication.instance()
        if app is not None:
            self._filter = _HoldFilter(self)
            app.installEventFilter(self._filter)

    def matches_push_to_talk(self, event: QKeyEvent) -> bool:
        """Whether a Qt key event is the push-to-talk key (with its modifiers on a press)."""
        seq = QKeySequence(self.ptt_key.qt())
        if seq.isEmpty() or event.key() != seq[0].key():
            return False
        if event.type() == QEvent.Type.KeyRelease:
            return self.talking
        want = Qt.KeyboardModifier.NoModifier
        for m in self.ptt_key.modifiers:
            want |= _QT_MODS[m]
        mask = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.MetaModifier)
        return (event.modifiers() & mask) == want

    def set_talking(self, on: bool) -> None:
        """Push-to-talk went down or up; emits once per change."""
        if on != self.talking:
            self.talking = on
            self.push_to_talk.emit(on)
