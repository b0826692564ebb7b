"""The interaction states the window shows each micro-turn, and how a Decision maps onto them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.core.frames import Action, Decision, UserState


class UiState(enum.StrEnum):
    """What the conversation is doing right now, as the user sees it."""

    LISTENING = "listening"
    USER_SPEAKING = "user_speaking"
    HOLDING = "holding"
    THINKING = "thinking"
    SPEAKING = "speaking"
    BACKCHANNEL = "backchannel"
    INTERJECTING = "interjecting"
    MIC_OFF = "mic_off"
    STARTING = "starting"


@dataclass(frozen=True, slots=True)
class StateLook:
    """Text and colour for one state; the colour also tints the tray icon."""

    text: str
    color: str


LOOKS: dict[UiState, StateLook] = {
    UiState.LISTENING: StateLook("Listening", "#2e7d32"),
    UiState.USER_SPEAKING: StateLook("You're speaking", "#1565c0"),
    UiState.HOLDING: StateLook("Holding for your pause", "#00838f"),
    UiState.THINKING: StateLook("Thinking", "#6a1b9a"),
    UiState.SPEAKING: StateLook("Speaking", "#ef6c00"),
    UiState.BACKCHANNEL: StateLook("Mm-hm", "#9e9d24"),
    UiState.INTERJECTING: StateLook("Interjecting", "#c62828"),
    UiState.MIC_OFF: StateLook("Mic off", "#616161"),
    UiState.STARTING: StateLook("Starting…", "#757575"),
}


def state_for(decision: Decision) -> UiState:
    """The visible state for one micro-turn: the floor action first, then what the user is doing."""
    action, user = decision.action, decision.user_state
    if action is Action.INTERJECT:
        return UiState.INTERJECTING
    if action is Action.BACKCHANNEL:
        return UiState.BACKCHANNEL
    if action is Action.CONTINUE:
        return UiState.SPEAKING
    if action is Action.TAKE_TURN:
        return UiState.SPEAKING if decision.say else UiState.THINKING
    if action is Action.YIELD or user is UserState.SPEAKING:
        return UiState.USER_SPEAKING
    if user is UserState.PAUSING:
        return UiState.HOLDING
    if user is UserState.END_OF_TURN:
        return UiState.THINKING
    return UiState.LISTENING


def level_percent(mic_level_db: float) -> int:
    """-60 dBFS .. 0 dBFS onto 0..100 for the level meter."""
    return int(max(0.0, min(100.0, (mic_level_db + 60.0) * 100.0 / 60.0)))
