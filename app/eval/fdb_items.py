"""Full-Duplex-Bench item folders: what category an item is and the times its annotation gives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATEGORIES = ("pause_handling", "smooth_turn_taking", "user_interruption", "user_backchannel",
              "talking_to_other", "background_speech")
"""v1 categories (first three) and the v1.5 overlap categories; the last three are "keep the floor"."""

_V15_FOLDERS = {"user_interruption": "user_interruption", "user_backchannel": "user_backchannel",
                "talking_to_other": "talking_to_other", "background_speech": "background_speech"}


@dataclass(frozen=True)
class Item:
    """One benchmark item: its folder, category and the event window from its annotation (seconds)."""

    path: Path
    category: str
    event_start: float | None
    event_end: float | None

    def relative_to(self, root: Path) -> Path:
        """The item's path below the benchmark root, mirrored under the output folder."""
        return self.path.relative_to(root)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _v15_category(folder: Path, meta: dict[str, Any]) -> str:
    declared = str(meta.get("category", ""))
    if declared in CATEGORIES:
        return declared
    for part in reversed(folder.parts):
        for key, cat in _V15_FOLDERS.items():
            if part == key or part.startswith(key):
                return cat
    raise ValueError(f"{folder}: metadata.json names no known category and the folder does not say either")


def read_item(folder: Path) -> Item:
    """Parse the annotation of one item folder (which must hold input.wav)."""
    if (folder / "turn_taking.json").is_file():
        ts = _load(folder / "turn_taking.json")[0]["timestamp"]
        return Item(folder, "smooth_turn_taking", None, float(ts[0]))
    if (folder / "interrupt.json").is_file():
        ts = _load(folder / "interrupt.json")[0]["timestamp"]
        return Item(folder, "user_interruption", float(ts[0]), float(ts[1]))
    if (folder / "pause.json").is_file():
        data = _load(folder / "pause.json")
        ts = data[0].get("timestamp") if isinstance(data, list) and data and isinstance(data[0], dict) else None
        return Item(folder, "pause_handling", float(ts[0]) if ts else None, float(ts[1]) if ts else None)
    if (folder / "cue.json").is_file():
        cue = _load(folder / "cue.json")
        return Item(folder, "time_cue", float(cue["request_end"]), float(cue["due"]))
    if (folder / "visual.json").is_file():
        event = float(_load(folder / "visual.json")["event"])
        return Item(folder, "visual_event", event, event)
    if (folder / "metadata.json").is_file():
        meta = _load(folder / "metadata.json")
        ts = meta.get("timestamps") or [None, None]
        return Item(folder, _v15_category(folder, meta),
                    None if ts[0] is None else float(ts[0]), None if ts[1] is None else float(ts[1]))
    raise ValueError(f"{folder}: no pause.json, turn_taking.json, interrupt.json, metadata.json, cue.json or "
                     "visual.json")


def discover(root: Path) -> list[Item]:
    """Every item folder under ``root`` (a folder with input.wav and an annotation), sorted by path."""
    items = []
    for wav in sorted(root.rglob("input.wav")):
        items.append(read_item(wav.parent))
    return items
