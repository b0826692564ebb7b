"""A private D-Bus session bus and a desktop that implements the global-shortcuts portal on it.

This machine's desktop is a bare X server without xdg-desktop-portal, so the tests play the desktop's
part of org.freedesktop.portal.GlobalShortcuts (version 1): sessions, bind requests answered through
Request objects, and Activated / Deactivated signals when the user presses and releases a shortcut.
"""

from __future__ import annotations

import subprocess
import threading
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

BUS = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.GlobalShortcuts"


class SessionBus:
    """dbus-daemon --session on a private socket; ``address`` goes in DBUS_SESSION_BUS_ADDRESS."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.address = self.proc.stdout.readline().strip()

    def stop(self) -> None:
        """Kill the daemon."""
        self.proc.terminate()
        self.proc.wait(5)


class DesktopPortal:
    """Owns the portal's bus name and answers on its own thread; ``answer`` 0 accepts, 1 declines."""

    def __init__(self, address: str, answer: int = 0) -> None:
        self.conn = open_dbus_connection(address)
        self.conn.send_and_get_reply(message_bus.RequestName(BUS), timeout=5)
        self.answer = answer
        self.bound: list[tuple[str, str]] = []  # (shortcut id, preferred trigger)
        self.sessions: list[str] = []
        self.closed: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _respond(self, msg: Any, results: dict[str, Any]) -> None:
        sender = str(msg.header.fields[HeaderFields.sender]).lstrip(":").replace(".", "_")
        token = dict(msg.body[-1])["handle_token"][1]
        request = f"{PATH}/request/{sender}/{token}"
        self.conn.send(new_method_return(msg, "o", (request,)))
        where = DBusAddress(request, interface="org.freedesktop.portal.Request")
        self.conn.send(new_signal(where, "Response", "ua{sv}", (self.answer, results)))

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            except OSError:
                return
            if msg.header.message_type != MessageType.method_call:
                continue
            member = msg.header.fields.get(HeaderFields.member)
            if member == "CreateSession":
                handle = f"{PATH}/session/tandem/{len(self.sessions)}"
                self.sessions.append(handle)
                self._respond(msg, {"session_handle": ("o", handle)})
            elif member == "BindShortcuts":
                _, shortcuts, _, _ = msg.body
                self.bound = [(sid, props["preferred_trigger"][1]) for sid, props in shortcuts]
                chosen = [(sid, {"trigger_description": ("s", trig)}) for sid, trig in self.bound]
                self._respond(msg, {"shortcuts": ("a(sa{sv})", chosen)})
            elif member == "Close":
                self.closed.append(str(msg.header.fields[HeaderFields.path]))
                self.conn.send(new_method_return(msg))

    def press(self, shortcut_id: str, down: bool = True) -> None:
        """The user presses (or releases) a bound shortcut."""
        where = DBusAddress(PATH, interface=IFACE)
        self.conn.send(new_signal(where, "Activated" if down else "Deactivated", "osta{sv}",
                                  (self.sessions[-1], shortcut_id, 0, {})))

    def stop(self) -> None:
        """Stop answering and leave the bus."""
        self._stop.set()
        self._thread.join(2)
        self.conn.close()
