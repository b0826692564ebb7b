"""Audio and camera device discovery, and choosing a device by (part of) its name."""

from __future__ import annotations

import glob
import sys
from dataclasses import dataclass

import sounddevice as sd


class DeviceNotFoundError(LookupError):
    """The configured device name matches nothing that is plugged in now."""


@dataclass(frozen=True, slots=True)
class AudioDevice:
    """One PortAudio device as the user sees it."""

    index: int
    name: str
    host_api: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float


def refresh_portaudio() -> None:
    """Make PortAudio re-scan devices (it caches the list from initialisation)."""
    # sounddevice has no public re-scan; terminating and re-initialising PortAudio is how it is done.
    sd._terminate()
    sd._initialize()


def list_audio_devices() -> list[AudioDevice]:
    """Every audio device PortAudio knows about now."""
    apis = sd.query_hostapis()
    out = []
    for i, d in enumerate(sd.query_devices()):
        out.append(AudioDevice(
            index=i,
            name=str(d["name"]),
            host_api=str(apis[int(d["hostapi"])]["name"]),  # type: ignore[index]
            max_input_channels=int(d["max_input_channels"]),
            max_output_channels=int(d["max_output_channels"]),
            default_samplerate=float(d["default_samplerate"]),
        ))
    return out


def has_devices(kind: str) -> bool:
    """Whether PortAudio currently lists any input (or output) device at all."""
    key = "max_input_channels" if kind == "input" else "max_output_channels"
    try:
        return any(int(d[key]) > 0 for d in sd.query_devices())
    except sd.PortAudioError:
        return False


def find_audio_device(name: str, kind: str) -> int | None:
    """Index of the device whose name equals or contains ``name`` (case-insensitive).

    ``kind`` is "input" or "output"; "default" (or empty) returns None, PortAudio's default device.
    """
    if name.strip().lower() in ("", "default"):
        return None
    wanted = name.strip().lower()
    devices = [d for d in list_audio_devices()
               if (d.max_input_channels if kind == "input" else d.max_output_channels) > 0]
    for d in devices:
        if d.name.lower() == wanted:
            return d.index
    for d in devices:
        if wanted in d.name.lower():
            return d.index
    names = ", ".join(repr(d.name) for d in devices) or "none"
    raise DeviceNotFoundError(
        f"No {kind} device named {name!r}. Devices now available: {names}. "
        f"Set audio.{kind}_device to one of these (or 'default') and try again.")


def list_cameras() -> list[str]:
    """Camera device paths or indexes that exist now (Linux: /dev/video*; elsewhere indexes 0-3)."""
    if sys.platform.startswith("linux"):
        return sorted(glob.glob("/dev/video*"))
    return [str(i) for i in range(4)]
