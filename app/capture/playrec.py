"""Play a signal on the speaker while recording the microphone, for measurements like the echo check."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def device_play_and_record(
    input_device: str, output_device: str, tail_s: float = 0.6
) -> Callable[[np.ndarray, int], np.ndarray]:
    """A play-and-record function over the named devices ("default" for the system's choice).

    Recording runs `tail_s` past the end of the signal so the delayed echo is captured whole.
    Raises DeviceNotFoundError or sounddevice.PortAudioError with the device's own message.
    """

    def play_and_record(signal: np.ndarray, rate: int) -> np.ndarray:
        import sounddevice as sd

        from app.capture.devices import find_audio_device

        devices = (find_audio_device(input_device, "input"), find_audio_device(output_device, "output"))
        played = np.concatenate([np.asarray(signal, np.float32).reshape(-1), np.zeros(int(tail_s * rate), np.float32)])
        recorded = sd.playrec(played[:, None], samplerate=rate, channels=1, dtype="float32", device=devices,
                              blocking=True)
        # PortAudio leaves frames it never delivered (an underrun at the end) as they were allocated.
        return np.nan_to_num(np.asarray(recorded, np.float32)[:, 0], nan=0.0, posinf=0.0, neginf=0.0)

    return play_and_record
