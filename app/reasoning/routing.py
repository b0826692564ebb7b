"""Which tools fit a turn, and short spoken confirmations for deterministic tool results."""

from __future__ import annotations

import re
from typing import Any

PANEL_WORDS = re.compile(r"\b(?:show|display|draw|put up|make|give me|open)\b.*\b(?:table|chart|graph|plot|list|card|"
                         r"panel|progress|countdown|summary|buttons?)\b|\b(?:table|chart|graph) of\b")
ROUTES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\b(?:my notes?|did i (?:note|save)|what did i (?:say|note)|remember(?:ed)? about|where did i)\b"),
     ("search_notes",)),
    (re.compile(r"\b(?:documents?|files?|folder|pdfs?|in my docs)\b"), ("search_documents",)),
    (re.compile(r"\b(?:search the web|look (?:it )?up|google|latest news|on the internet|online)\b"), ("web_search",)),
    (re.compile(r"\b(?:camera|what do you see|read (?:this|the text)|snapshot|take a (?:photo|picture))\b"),
     ("camera_snapshot",)),
)


def select_tools(text: str, available: set[str]) -> tuple[str, ...]:
    """The tool names that fit this request (empty: answer in words); show_panel is exclusive."""
    t = text.lower()
    if "show_panel" in available and PANEL_WORDS.search(t):
        return ("show_panel",)
    chosen: list[str] = []
    for pattern, names in ROUTES:
        if pattern.search(t):
            chosen.extend(n for n in names if n in available and n not in chosen)
    for name in available:
        if name.startswith("mcp_") and name[4:].split("__")[0] in t:
            chosen.append(name)
    return tuple(chosen)


def confirmation(name: str, ok: bool, content: Any, error: str | None) -> str:
    """A one-line spoken reply for a tool result, used when no model is needed to phrase it."""
    if not ok:
        return f"Sorry, that did not work: {error}"
    c = content if isinstance(content, dict) else {}
    if name == "set_timer":
        secs = float(c.get("seconds", 0))
        return f"Timer set for {_dur(secs)}." if not c.get("label") or c["label"] == "timer" else \
            f"Okay, I'll remind you to {c['label']} in {_dur(secs)}."
    if name == "set_alarm":
        return f"Alarm set for {str(c.get('fires_at', ''))[11:16]}."
    if name == "cancel_timers":
        n = len(c.get("cancelled", []))
        return "There was no timer to cancel." if n == 0 else f"Cancelled {n} timer{'s' if n != 1 else ''}."
    if name == "get_time":
        return f"It's {c.get('time')} on {c.get('date')}."
    if name == "calculate":
        return f"{c.get('expression')} is {c.get('result')}."
    if name == "add_note":
        return "Noted."
    if name == "show_panel":
        return "Here it is on screen."
    return "Done."


def _dur(seconds: float) -> str:
    s = round(seconds)
    parts = []
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        n, s = divmod(s, size)
        if n:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return " and ".join(parts) or f"{seconds:g} seconds"
