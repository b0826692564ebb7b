"""One-shot device checks for the settings dialog: a chime on a speaker, one frame from a camera."""

from __future__ import annotations

import numpy as np

from app.capture.camera import parse_camera_device
from app.capture.files import downscale

TONE_RATE = 16000


def chime(rate: int = TONE_RATE) -> np.ndarray:
    """Two soft rising notes, 0.6 s: recognizable, not startling."""
    t = np.arange(int(0.25 * rate)) / rate
    env = np.minimum(1.0, t / 0.01) * np.exp(-6.0 * t)
    notes = [0.25 * np.sin(2 * np.pi * f * t) * env for f in (660.0, 880.0)]
    gap = np.zeros(int(0.05 * rate))
    return np.concatenate([notes[0], gap, notes[1], gap]).astype(np.float32)


def play_chime(output_device: str) -> None:
    """Play the chime on the named speaker in the background; raises with the device's own message."""
    import sounddevice as sd

    from app.capture.devices import find_audio_device

    sd.play(chime(), TONE_RATE, device=find_audio_device(output_device, "output"), blocking=False)


def grab_frame(device: str, width: int = 320) -> np.ndarray:
    """One BGR frame from the named camera (index, /dev path or video file), downscaled to `width`."""
    import cv2

    cap = cv2.VideoCapture(parse_camera_device(device))
    try:
        ok, frame = cap.read() if cap.isOpened() else (False, None)
    finally:
        cap.release()
    if not ok or frame is None:
        raise RuntimeError(f"camera {device!r} gave no picture; check it is connected and not in use, "
                           "or pick another in the list")
    return downscale(frame, width)
