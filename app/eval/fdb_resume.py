"""Per-item results kept beside each output, so an evaluation that was stopped or crashed goes on where
it left off (``tandem eval fdb --resume``) instead of starting over.

An item's result is carried over only when the run that made it is the same as this one: the same
application code, floor policy, interaction model file, settings, timing mode and input audio. Any
difference runs the item again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import app

RESULT_FILE = "result.json"


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@functools.cache
def code_digest() -> str:
    """A digest of the application's Python source: a code change makes every earlier result stale."""
    root = Path(app.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def run_key(item_dir: Path, policy: str, setup: dict[str, Any], model_digest: str | None) -> str:
    """What must match for an item's earlier result to stand for this run's (``model_digest``: the
    interaction model file's ``file_digest``, which only the model policy reads).
    """
    inputs = {name: file_digest(item_dir / name) for name in ("input.wav", "clean_input.wav")
              if (item_dir / name).is_file()}
    doc = {"code": code_digest(), "policy": policy, "setup": setup, "inputs": inputs,
           "model": model_digest if policy == "model" else None}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def save_result(out_dir: Path, key: str, row: dict[str, Any], compute_s: list[float]) -> None:
    """Write the item's result beside its output, atomically: a crash leaves the old file or the new one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (RESULT_FILE + ".partial")
    tmp.write_text(json.dumps({"key": key, "row": row, "compute_s": compute_s}, default=str), encoding="utf-8")
    os.replace(tmp, out_dir / RESULT_FILE)


def load_result(out_dir: Path, key: str) -> tuple[dict[str, Any], list[float]] | None:
    """The item's earlier (row, compute times), or None when there is none from the same run."""
    try:
        doc = json.loads((out_dir / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("key") != key or not isinstance(doc.get("row"), dict):
        return None
    return doc["row"], [float(x) for x in doc.get("compute_s", [])]
