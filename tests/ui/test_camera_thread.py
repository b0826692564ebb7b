import cv2
import numpy as np

from app.capture.backoff import Backoff
from app.capture.camera import CameraCapture
from app.core.frames import DeviceStatus
from app.core.ring import VideoRing
from app.ui.camera_thread import CameraThread


def make_video(path, frames=40, size=(640, 480)):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 20.0, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), (i * 5) % 255, np.uint8))
    writer.release()


def test_camera_thread_captures_downscaled_stamped_frames(qtbot, tmp_path):
    video = tmp_path / "cam.avi"
    make_video(video)
    ring = VideoRing(16)
    thread = CameraThread(CameraCapture(ring, str(video), width=160, fps=50.0))
    events = []
    thread.device_event.connect(events.append)
    thread.start()
    try:
        qtbot.waitUntil(lambda: len(ring) >= 10, timeout=10000)
    finally:
        thread.shutdown()
    assert thread.isFinished()
    frame = ring.latest()
    assert frame is not None and frame.image.shape == (120, 160, 3)
    frames = [ring.latest()]
    assert frames[0].t_ns > 0
    qtbot.waitUntil(lambda: any(e.status is DeviceStatus.STOPPED for e in events), timeout=2000)
    assert any(e.status is DeviceStatus.RUNNING for e in events)


def test_missing_camera_is_retried_and_reported_never_fatal(qtbot, tmp_path):
    ring = VideoRing(4)
    capture = CameraCapture(ring, str(tmp_path / "no-such-camera"), backoff=Backoff(0.05, 0.1))
    thread = CameraThread(capture)
    events = []
    thread.device_event.connect(events.append)
    thread.start()
    try:
        qtbot.waitUntil(lambda: sum(e.status is DeviceStatus.RETRYING for e in events) >= 3, timeout=10000)
    finally:
        thread.shutdown()
    assert thread.isFinished() and len(ring) == 0
    assert "no camera at" in next(e for e in events if e.status is DeviceStatus.RETRYING).message
