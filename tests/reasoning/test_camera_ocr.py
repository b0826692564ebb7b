import asyncio

import cv2
import numpy as np
import pytest

from app.reasoning.tools.camera import camera_tool


def frame_with_text(text: str) -> np.ndarray:
    img = np.full((200, 720, 3), 255, np.uint8)
    cv2.putText(img, text, (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 4)
    return img


@pytest.mark.slow
def test_snapshot_from_the_capture_ring_is_saved_and_its_text_read(tmp_path):
    tool = camera_tool(None, tmp_path, frame_source=lambda: frame_with_text("Invoice 4711"))
    out = asyncio.run(tool.handler({"read_text": True}))
    assert out["snapshot"].startswith("snapshot://") and (tmp_path / "snapshots").is_dir()
    assert cv2.imread(out["path"]).shape == (200, 720, 3)
    words = out["text"].lower().split()
    assert "invoice" in words and "4711" in words


def test_camera_off_or_unconfigured_is_a_clear_error(tmp_path):
    off = camera_tool(None, tmp_path, frame_source=lambda: None)
    with pytest.raises(RuntimeError, match="camera is off"):
        asyncio.run(off.handler({}))
    none = camera_tool(None, tmp_path)
    with pytest.raises(RuntimeError, match="not configured"):
        asyncio.run(none.handler({}))
