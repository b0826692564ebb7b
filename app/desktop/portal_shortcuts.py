"""Global shortcuts on Wayland through the desktop's portal (org.freedesktop.portal.GlobalShortcuts).

Wayland lets no app read the keyboard outside its own windows; instead the app asks the desktop to bind
shortcuts (the user may confirm or change them in the desktop's own dialog) and the desktop tells it
when one is pressed and released. This client speaks that D-Bus protocol with jeepney on its own thread
and reports through two callbacks: ``on_activated(shortcut_id)`` and ``on_deactivated(shortcut_id)``.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_IFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_IFACE = "org.freedesktop.portal.Request"
RESPONSE_TIMEOUT_S = 60.0  # the desktop may show the user a dialog to confirm the shortcuts

_TRIGGER_MODS = {"ctrl": "CTRL", "alt": "ALT", "shift": "SHIFT", "cmd": "LOGO"}
_TRIGGER_KEYS = {"space": "space", "enter": "Return", "esc": "Escape", "tab": "Tab", "backspace": "BackSpace",
                 "delete": "Delete", "insert": "Insert", "home": "Home", "end": "End", "page_up": "Prior",
                 "page_down": "Next", "up": "Up", "down": "Down", "left": "Left", "right": "Right",
                 "pause": "Pause", "scroll_lock": "Scroll_Lock", "print_screen": "Print"}


class PortalUnavailable(RuntimeError):
    """The desktop offers no global shortcuts portal, or refused to bind (the message says which)."""


@dataclass(frozen=True)
class PortalShortcut:
    """One shortcut to ask for: an id, what it does (shown by the desktop), and the preferred keys."""

    id: str
    description: str
    modifiers: tuple[str, ...]
    key: str

    def trigger(self) -> str:
        """The XDG shortcut-trigger form: CTRL+ALT+space, LOGO+p, F9."""
        key = _TRIGGER_KEYS.get(self.key, self.key.upper() if self.key.startswith("f") and len(self.key) > 1
                                else self.key)
        return "+".join([*(_TRIGGER_MODS[m] for m in self.modifiers), key])


def _request_path(unique_name: str, token: str) -> str:
    """Where the portal will publish the Request object for a call made with ``handle_token``."""
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{PORTAL_PATH}/request/{sender}/{token}"


class PortalShortcuts:
    """Binds shortcuts through the portal and listens for them on a daemon thread until ``stop``."""

    def __init__(self, shortcuts: Sequence[PortalShortcut], on_activated: Callable[[str], None],
                 on_deactivated: Callable[[str], None], bus: str = "SESSION") -> None:
        self.shortcuts = tuple(shortcuts)
        self.on_activated = on_activated
        self.on_deactivated = on_deactivated
        self.bus = bus
        self.bound: dict[str, str] = {}  # shortcut id -> the trigger the desktop chose, as it describes it
        self._conn: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.session_handle = ""

    def start(self) -> None:
        """Create the portal session and bind the shortcuts (may wait for the user to confirm them).

        Raises PortalUnavailable with the reason when there is no portal or it refuses.
        """
        from jeepney import DBusAddress, MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        try:
            conn = open_dbus_connection(bus=self.bus)
        except Exception as exc:
            raise PortalUnavailable(f"there is no D-Bus session bus ({exc})") from exc
        self._conn = conn
        portal = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS, interface=SHORTCUTS_IFACE)
        try:
            has = conn.send_and_get_reply(message_bus.NameHasOwner(PORTAL_BUS), timeout=5.0).body[0]
            if not has:
                raise PortalUnavailable("the desktop runs no xdg-desktop-portal")
            results = self._call_with_response(conn, portal, "CreateSession", "a{sv}", lambda token: (
                {"handle_token": ("s", token), "session_handle_token": ("s", "tandem" + secrets.token_hex(4))},))
            self.session_handle = str(results["session_handle"][1])
            shortcuts = [(s.id, {"description": ("s", s.description), "preferred_trigger": ("s", s.trigger())})
                         for s in self.shortcuts]
            results = self._call_with_response(conn, portal, "BindShortcuts", "oa(sa{sv})sa{sv}", lambda token: (
                self.session_handle, shortcuts, "", {"handle_token": ("s", token)}))
            for sid, props in results.get("shortcuts", ("a(sa{sv})", []))[1]:
                self.bound[str(sid)] = str(props.get("trigger_description", ("s", ""))[1])
        except PortalUnavailable:
            self.stop()
            raise
        except Exception as exc:
            self.stop()
            raise PortalUnavailable(f"the desktop's portal has no global shortcuts ({exc})") from exc
        rule = MatchRule(type="signal", interface=SHORTCUTS_IFACE, path=PORTAL_PATH)
        conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5.0)
        self._queue_cm = conn.filter(rule)
        self._queue = self._queue_cm.__enter__()
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, name="portal-shortcuts", daemon=True)
        self._thread.start()

    def _call_with_response(self, conn: Any, portal: Any, method: str, signature: str,
                            body: Callable[[str], tuple[Any, ...]]) -> dict[str, Any]:
        """Call a portal method that answers through a Request object's Response signal."""
        from jeepney import MatchRule, new_method_call
        from jeepney.bus_messages import message_bus
        from jeepney.wrappers import unwrap_msg

        token = "tandem" + secrets.token_hex(6)
        path = _request_path(conn.unique_name, token)
        rule = MatchRule(type="signal", interface=REQUEST_IFACE, member="Response", path=path)
        conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5.0)
        with conn.filter(rule) as responses:
            unwrap_msg(conn.send_and_get_reply(new_method_call(portal, method, signature, body(token)), timeout=10.0))
            signal = conn.recv_until_filtered(responses, timeout=RESPONSE_TIMEOUT_S)
        code, results = signal.body
        if code != 0:
            raise PortalUnavailable(f"the desktop declined the shortcuts ({method} answered {code})")
        return dict(results)

    def _listen(self) -> None:
        from jeepney.low_level import HeaderFields

        while not self._stop.is_set():
            try:
                msg = self._conn.recv_until_filtered(self._queue, timeout=0.25)
            except TimeoutError:
                continue
            except Exception:  # noqa: BLE001 - the bus went away: stop listening
                return
            if not msg.body or str(msg.body[0]) != self.session_handle:
                continue
            member = msg.header.fields.get(HeaderFields.member)
            sid = str(msg.body[1])
            if member == "Activated":
                self.on_activated(sid)
            elif member == "Deactivated":
                self.on_deactivated(sid)

    def stop(self) -> None:
        """Close the portal session and the connection; the listening thread ends within 0.25 s."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(1.0)
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if self.session_handle:
                from jeepney import DBusAddress, new_method_call

                session = DBusAddress(self.session_handle, bus_name=PORTAL_BUS,
                                      interface="org.freedesktop.portal.Session")
                conn.send(new_method_call(session, "Close"))
        except Exception:  # noqa: BLE001 - closing a session on a vanished portal
            pass
        conn.close()
