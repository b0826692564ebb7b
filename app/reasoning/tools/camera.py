"""Camera snapshot with text recognition.

OCR uses ``rapidocr`` (3.x ships its PP-OCR ONNX models inside the wheel and runs them on onnxruntime,
so nothing is downloaded); where it is missing the tool returns the snapshot and says OCR is not
available. In the app the frame comes from the capture ring (``frame_source``), so the tool never
fights the camera thread for the device.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from app.reasoning.backend import ToolSpec
from app.reasoning.tools.base import Tool


def ocr_available() -> bool:
    """True when a PyPI OCR package with bundled models is installed."""
    return importlib.util.find_spec("rapidocr") is not None


FrameSource = Callable[[], np.ndarray | None]
"""Returns the newest camera frame (BGR) or None when the camera is off."""


def _grab(camera_index: int | str) -> np.ndarray:
    import cv2

    cap = cv2.VideoCapture(camera_index)
    try:
        ok, frame = cap.read()
    finally:
        cap.release()
    if not ok:
        raise RuntimeError(f"could not read a frame from camera {camera_index!r}")
    return frame


def _snapshot(frame: np.ndarray, out_dir: Path) -> Path:
    import cv2

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"snapshot-{time.strftime('%Y%m%d-%H%M%S')}.png"
    cv2.imwrite(str(path), frame)
    return path


_ENGINE: list[Any] = []  # the OCR engine loads once per process (about half a second)


def read_text(path: Path) -> str:
    """The text rapidocr finds in an image file, words joined by spaces ("" when none)."""
    if not _ENGINE:
        from rapidocr import RapidOCR

        _ENGINE.append(RapidOCR())
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)  # it logs every model file at INFO
    result = _ENGINE[0](str(path))
    return " ".join(str(t) for t in (result.txts or ()))


def camera_tool(camera_index: int | str | None, data_dir: Path, frame_source: FrameSource | None = None) -> Tool:
    """camera_snapshot: saves a frame (reference usable in an Image panel) and reads text if OCR exists."""

    async def handler(args: dict[str, Any]) -> dict[str, Any]:
        if frame_source is not None:
            frame = frame_source()
            if frame is None:
                raise RuntimeError("the camera is off: turn it on to take a snapshot")
        elif camera_index is not None:
            frame = await asyncio.to_thread(_grab, camera_index)
        else:
            raise RuntimeError("the camera is not configured: set tools.camera_index in the settings")
        path = await asyncio.to_thread(_snapshot, frame, data_dir / "snapshots")
        out: dict[str, Any] = {"snapshot": f"snapshot://{path.name}", "path": str(path)}
        if args.get("read_text", True):
            if ocr_available():
                out["text"] = await asyncio.to_thread(read_text, path)
            else:
                out["text"] = None
                out["ocr"] = "not available: install rapidocr to read text from the camera"
        return out

    return Tool(ToolSpec("camera_snapshot", "Take a camera snapshot and read any text in it.",
                         {"type": "object", "properties": {"read_text": {"type": "boolean"}},
                          "additionalProperties": False}),
                handler, timeout_s=15.0)
