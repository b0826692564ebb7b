"""Immutable frames: everything that crosses a thread boundary is one of these, stamped with ``t_ns``."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np


class Action(enum.StrEnum):
    """What to do with the floor in the next micro-turn."""

    LISTEN = "listen"
    BACKCHANNEL = "backchannel"
    TAKE_TURN = "take_turn"
    CONTINUE = "continue"
    YIELD = "yield"
    INTERJECT = "interject"


class UserState(enum.StrEnum):
    """What the user is doing, as the interaction step sees it."""

    SILENT = "silent"
    SPEAKING = "speaking"
    PAUSING = "pausing"
    END_OF_TURN = "end_of_turn"
    BACKCHANNEL = "backchannel"
    OTHER = "other"


class DeviceStatus(enum.StrEnum):
    """Lifecycle of a capture or playback device as shown to the user."""

    STARTING = "starting"
    RUNNING = "running"
    LOST = "lost"
    RETRYING = "retrying"
    STOPPED = "stopped"


def _frozen_array(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, slots=True)
class VideoFrame:
    """One camera frame (BGR, uint8) with the monotonic time it was captured."""

    t_ns: int
    image: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "image", _frozen_array(self.image))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The newest micro-turn: mic and self audio over the same time window, plus the latest frame."""

    t_ns: int
    start_ns: int
    mic: np.ndarray
    self_audio: np.ndarray
    video: VideoFrame | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "mic", _frozen_array(self.mic))
        object.__setattr__(self, "self_audio", _frozen_array(self.self_audio))


@dataclass(frozen=True, slots=True)
class Decision:
    """The interaction step's output for one tick, as logged to events.jsonl and shown in the UI."""

    t_ns: int
    tick: int
    action: Action
    user_state: UserState
    mic_level_db: float
    compute_ms: float = 0.0
    late_ms: float = 0.0
    say: str = ""
    reason: str = ""  # why the assistant interjected ("the time you asked for"), shown in the UI

    def to_json(self, t0_ns: int = 0) -> dict[str, object]:
        """One events.jsonl line: times relative to ``t0_ns`` in seconds and milliseconds."""
        return {
            "t": round((self.t_ns - t0_ns) / 1e9, 3),
            "tick": self.tick,
            "decision": self.action.value,
            "user_state": self.user_state.value,
            "mic_level_db": round(self.mic_level_db, 1),
            "compute_ms": round(self.compute_ms, 3),
            "late_ms": round(self.late_ms, 3),
            "say": self.say,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """A device changed state (started, lost, retrying, back); the UI and logs show ``message``."""

    t_ns: int
    device: str
    status: DeviceStatus
    message: str = ""


@dataclass(frozen=True, slots=True)
class HeardSpan:
    """Exactly which samples of one queued utterance reached the output before it ended or was stopped."""

    t_ns: int
    utterance_id: int
    heard_samples: int
    total_samples: int
    stopped: bool
    text: str = ""
