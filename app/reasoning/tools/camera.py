"""Camera snapshot with optional OCR.

OCR runs only when ``rapidocr_onnxruntime`` (which ships its ONNX models in the wheel) is installed;
otherwise the tool returns the snapshot and says OCR is not available.
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
from pathlib import Path
from typing import Any

from app.reasoning.backend import ToolSpec
from app.reasoning.tools.base import Tool


def ocr_available() -> bool:
    """True when a PyPI OCR package with bundled models is installed."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def _snapshot(camera_index: int | str, out_dir: Path) -> Path:
    import cv2  # type: ignore[import-not-found]  # opencv-python-headless, owned by the vision package

    cap = cv2.VideoCapture(camera_index)
    try:
        ok, frame = cap.read()
    finally:
        cap.release()
    if not ok:
        raise RuntimeError(f"could not read a frame from camera {camera_index!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"snapshot-{time.strftime('%Y%m%d-%H%M%S')}.png"
    cv2.imwrite(str(path), frame)
    return path


def _ocr(path: Path) -> str:
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-not-found]

    result, _ = RapidOCR()(str(path))
    return " ".join(str(r[1]) for r in result or [])


def camera_tool(camera_index: int | str | None, data_dir: Path) -> Tool:
    """camera_snapshot: grabs a frame (reference usable in an Image panel) and reads text if OCR exists."""

    async def handler(args: dict[str, Any]) -> dict[str, Any]:
        if camera_index is None:
            raise RuntimeError("the camera is not configured: set tools.camera_index in the settings")
        if importlib.util.find_spec("cv2") is None:
            raise RuntimeError("camera snapshots are not available: OpenCV is not installed")
        path = await asyncio.to_thread(_snapshot, camera_index, data_dir / "snapshots")
        out: dict[str, Any] = {"snapshot": f"snapshot://{path.name}", "path": str(path)}
        if args.get("read_text", True):
            if ocr_available():
                out["text"] = await asyncio.to_thread(_ocr, path)
            else:
                out["text"] = None
                out["ocr"] = "not available: install rapidocr-onnxruntime to read text from the camera"
        return out

    return Tool(ToolSpec("camera_snapshot", "Take a camera snapshot and read any text in it.",
                         {"type": "object", "properties": {"read_text": {"type": "boolean"}},
                          "additionalProperties": False}),
                handler, timeout_s=15.0)
