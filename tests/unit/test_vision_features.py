import cv2
import numpy as np
import pytest

from app.capture.files import FileCamera
from app.core.frames import VideoFrame
from app.core.ring import VideoRing
from app.vision.features import VisualFeatureExtractor


def frame(img: np.ndarray, t: int = 0) -> VideoFrame:
    return VideoFrame(t_ns=t, image=img)


def textured(seed: int, shape=(180, 320, 3)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (shape[0] // 10, shape[1] // 10, 3), dtype=np.uint8)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)


def test_still_scene_has_no_motion_and_a_cut_is_a_scene_change():
    fx = VisualFeatureExtractor()
    a, b = textured(1), np.full((180, 320, 3), 240, np.uint8)
    first = fx(frame(a))
    still = fx(frame(a, 1))
    cut = fx(frame(b, 2))
    assert first.motion == 0.0 and first.scene_change == 0.0
    assert still.motion == 0.0 and still.scene_change == pytest.approx(0.0, abs=1e-6)
    assert cut.motion > 0.2 and cut.scene_change > 0.5
    assert cut.brightness == pytest.approx(240 / 255, abs=0.01)
    fx.reset()
    assert fx(frame(b, 3)).motion == 0.0


def test_small_movement_is_motion_without_a_scene_change():
    fx = VisualFeatureExtractor()
    base = textured(2)
    fx(frame(base))
    shifted = np.roll(base, 6, axis=1)
    f = fx(frame(shifted, 1))
    assert f.motion > 0.02
    assert f.scene_change < 0.2
    assert not f.face_present and f.as_vector().shape == (7,)


def test_real_video_features(shared_data):
    ring = VideoRing(4)
    cam = FileCamera(shared_data / "video" / "minicpmo-demo.mp4", ring, t0_ns=0, width=320)
    fx = VisualFeatureExtractor()
    feats = []
    for k in range(1, 300):  # 30 s in 100 ms steps
        cam.pump(k * 100_000_000)
        f = ring.latest()
        if f is not None:
            feats.append(fx(f))
    cam.close()
    assert len(feats) > 250
    motion = np.array([f.motion for f in feats])
    # A hand-held demo: the hand moves in some stretches and the view is still in others.
    assert motion.max() > 5 * np.median(motion) > 0
    assert all(0.0 <= f.brightness <= 1.0 for f in feats)
