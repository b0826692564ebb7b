"""Notes and long-term memory in SQLite (with FTS5 search), stored in the caller's data dir."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.tools.base import Tool


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query (quoted terms joined by OR), or '' if nothing searchable."""
    terms = re.findall(r"\w+", text.lower())[:20]
    return " OR ".join(f'"{t}"' for t in terms)


class NotesStore:
    """A small SQLite notes table with an FTS5 index; safe to use from several threads."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "notes.sqlite3"
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, created TEXT NOT NULL,"
                             " kind TEXT NOT NULL DEFAULT 'note', text TEXT NOT NULL)")
            self._db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(text, content='notes',"
                             " content_rowid='id')")

    def add(self, text: str, kind: str = "note", when: datetime | None = None) -> int:
        """Store a note and return its id."""
        created = (when or datetime.now().astimezone()).isoformat(timespec="seconds")
        with self._lock, self._db:
            cur = self._db.execute("INSERT INTO notes (created, kind, text) VALUES (?, ?, ?)", (created, kind, text))
            rowid = int(cur.lastrowid or 0)
            self._db.execute("INSERT INTO notes_fts (rowid, text) VALUES (?, ?)", (rowid, text))
        return rowid

    def recent(self, limit: int = 10) -> list[dict[str, Any]]:
        """Newest notes first."""
        with self._lock:
            rows = self._db.execute("SELECT id, created, kind, text FROM notes ORDER BY id DESC LIMIT ?",
                                    (limit,)).fetchall()
        return [dict(zip(("id", "created", "kind", "text"), r, strict=False)) for r in rows]

    def search(self, query: str, limit: int = 5) -> list[dict[str, Any]]:
        """Full-text search, best matches first."""
        q = fts_query(query)
        if not q:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT n.id, n.created, n.kind, n.text FROM notes_fts f JOIN notes n ON n.id = f.rowid"
                " WHERE notes_fts MATCH ? ORDER BY rank LIMIT ?", (q, limit)).fetchall()
        return [dict(zip(("id", "created", "kind", "text"), r, strict=False)) for r in rows]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def notes_tools(store: NotesStore) -> list[Tool]:
    """add_note and search_notes tools over one store."""

    async def add(args: dict[str, Any]) -> dict[str, Any]:
        nid = await asyncio.to_thread(store.add, str(args["text"]), str(args.get("kind", "note")))
        return {"saved": True, "id": nid}

    async def search(args: dict[str, Any]) -> dict[str, Any]:
        query = str(args.get("query", ""))
        rows = await asyncio.to_thread(store.search, query) if query else await asyncio.to_thread(store.recent)
        return {"notes": rows}

    return [
        Tool(ToolSpec("add_note", "Save a note or something to remember for the user.",
                      {"type": "object", "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000},
                                                        "kind": {"enum": ["note", "memory"]}},
                       "required": ["text"], "additionalProperties": False},
                      (("note that the car is in level 3", {"text": "the car is in level 3"}),)),
             add, timeout_s=3.0),
        Tool(ToolSpec("search_notes", "Find the user's saved notes; an empty query lists the newest.",
                      {"type": "object", "properties": {"query": {"type": "string", "maxLength": 200}},
                       "required": ["query"], "additionalProperties": False},
                      (("where did I park", {"query": "car park"}),)),
             search, timeout_s=3.0),
    ]
