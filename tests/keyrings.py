"""An in-memory keyring: the OS keyring seam, so tests need no desktop secret service."""

from __future__ import annotations

import keyring.backend


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Passwords in a dict, by (service, username)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        """The stored password, or None."""
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a password."""
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Forget a password."""
        self.store.pop((service, username), None)
