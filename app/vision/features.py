"""Per-frame visual features: face presence and position, motion energy, scene change, brightness.

These are what the interaction model sees of the camera besides the raw patches, and what the
reasoning tier gets as visual observations. All are cheap enough to run on every micro-turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from app.core.frames import VideoFrame

_WORK_WIDTH = 160  # motion and histograms on a small grey copy: fast and robust to sensor noise


@dataclass(frozen=True, slots=True)
class VisualFeatures:
    """What one frame shows, in numbers between 0 and 1 (face box relative to the frame)."""

    t_ns: int
    face_present: bool
    face_x: float
    face_y: float
    face_size: float
    motion: float
    scene_change: float
    brightness: float

    def as_vector(self) -> np.ndarray:
        """The features as a float32 vector, in field order after ``t_ns``."""
        return np.array([float(self.face_present), self.face_x, self.face_y, self.face_size, self.motion,
                         self.scene_change, self.brightness], dtype=np.float32)


def _face_detector() -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    detector = cv2.CascadeClassifier(path)
    if detector.empty():
        raise FileNotFoundError(f"OpenCV's face cascade is missing at {path}; reinstall opencv-python-headless<5.")
    return detector


@dataclass
class _State:
    prev_grey: np.ndarray | None = None
    prev_hist: np.ndarray | None = None


class VisualFeatureExtractor:
    """Streaming extractor: motion and scene change compare each frame with the previous one."""

    def __init__(self) -> None:
        self._detector = _face_detector()
        self.state = _State()

    def reset(self) -> None:
        """Forget the previous frame (a new camera, or the camera was off)."""
        self.state = _State()

    def __call__(self, frame: VideoFrame) -> VisualFeatures:
        """Features of ``frame``; the first frame after a reset has no motion and no scene change."""
        img = frame.image
        h, w = img.shape[:2]
        grey_full = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
        small = cv2.resize(grey_full, (_WORK_WIDTH, max(1, h * _WORK_WIDTH // w)), interpolation=cv2.INTER_AREA)
        hist = cv2.calcHist([small], [0], None, [32], [0, 256])
        cv2.normalize(hist, hist)
        st = self.state
        motion = 0.0
        scene = 0.0
        if st.prev_grey is not None and st.prev_hist is not None and st.prev_grey.shape == small.shape:
            motion = float(np.mean(cv2.absdiff(small, st.prev_grey))) / 255.0
            scene = float(cv2.compareHist(st.prev_hist, hist, cv2.HISTCMP_BHATTACHARYYA))
        st.prev_grey, st.prev_hist = small, hist
        faces = self._detector.detectMultiScale(grey_full, scaleFactor=1.1, minNeighbors=5,
                                                minSize=(max(20, w // 16), max(20, w // 16)))
        if len(faces):
            x, y, fw, fh = max(faces, key=lambda f: int(f[2]) * int(f[3]))
            fx, fy, size = (x + fw / 2) / w, (y + fh / 2) / h, fw / w
        else:
            fx = fy = size = 0.0
        return VisualFeatures(t_ns=frame.t_ns, face_present=bool(len(faces)), face_x=float(fx), face_y=float(fy),
                              face_size=float(size), motion=motion, scene_change=scene,
                              brightness=float(np.mean(small)) / 255.0)
