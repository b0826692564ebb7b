"""Local document search: text files under a configured folder indexed in SQLite FTS5."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.tools.base import Tool
from app.reasoning.tools.notes import fts_query

TEXT_SUFFIXES = (".txt", ".md", ".rst", ".org", ".csv", ".json", ".py", ".html")
MAX_BYTES = 2_000_000


class DocumentIndex:
    """An incremental FTS5 index of one folder; re-reads only files whose mtime or size changed."""

    def __init__(self, data_dir: Path, folder: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._lock = threading.Lock()
        self._db = sqlite3.connect(data_dir / "documents.sqlite3", check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime REAL, size INTEGER)")
            self._db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(path UNINDEXED, body)")

    def refresh(self) -> int:
        """Index new or changed files and drop deleted ones; returns how many files were (re)indexed."""
        if not self.folder.is_dir():
            raise FileNotFoundError(f"document folder {self.folder} does not exist; check tools.documents_dir")
        seen: set[str] = set()
        changed = 0
        with self._lock, self._db:
            known = {p: (m, s) for p, m, s in self._db.execute("SELECT path, mtime, size FROM files")}
            for f in sorted(self.folder.rglob("*")):
                if not f.is_file() or f.suffix.lower() not in TEXT_SUFFIXES:
                    continue
                st = f.stat()
                key = str(f)
                seen.add(key)
                if known.get(key) == (st.st_mtime, st.st_size) or st.st_size > MAX_BYTES:
                    continue
                body = f.read_text("utf-8", errors="replace")
                self._db.execute("DELETE FROM docs WHERE path = ?", (key,))
                self._db.execute("INSERT INTO docs (path, body) VALUES (?, ?)", (key, body))
                self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (key, st.st_mtime, st.st_size))
                changed += 1
            for gone in set(known) - seen:
                self._db.execute("DELETE FROM docs WHERE path = ?", (gone,))
                self._db.execute("DELETE FROM files WHERE path = ?", (gone,))
        return changed

    def search(self, query: str, limit: int = 5) -> list[dict[str, Any]]:
        """Best-matching files with a highlighted snippet."""
        q = fts_query(query)
        if not q:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT path, snippet(docs, 1, '[', ']', ' … ', 16) FROM docs WHERE docs MATCH ?"
                " ORDER BY rank LIMIT ?", (q, limit)).fetchall()
        return [{"path": p, "snippet": s} for p, s in rows]


def documents_tool(index: DocumentIndex | None) -> Tool:
    """search_documents tool; reports clearly when no folder is configured."""

    async def handler(args: dict[str, Any]) -> dict[str, Any]:
        if index is None:
            raise RuntimeError("document search is off: set tools.documents_dir in the settings")
        await asyncio.to_thread(index.refresh)
        return {"results": await asyncio.to_thread(index.search, str(args["query"]))}

    return Tool(ToolSpec("search_documents", "Search the user's local documents folder.",
                         {"type": "object",
                          "properties": {"query": {"type": "string", "minLength": 1, "maxLength": 200}},
                          "required": ["query"], "additionalProperties": False},
                         (("find my notes about the budget", {"query": "budget"}),)),
                handler, timeout_s=15.0)
