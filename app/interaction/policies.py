"""Builds the floor policy the settings ask for; a broken model file falls back to the baseline with a
clear message instead of stopping the app.
"""

from __future__ import annotations

import logging
from typing import Any

from app.interaction.baseline_policy import BaselinePolicy
from app.interaction.cues import CueClock
from app.interaction.floor_policy import Knobs
from app.interaction.loop import FloorPolicy
from app.interaction.model import InteractionModel, ModelError
from app.interaction.model_policy import ModelPolicy
from app.interaction.placeholder_policy import PlaceholderPolicy
from app.interaction.turn_text import TurnText

log = logging.getLogger(__name__)


def knobs_from(settings: Any) -> Knobs:
    """The user's interaction knobs from the settings."""
    s = settings.interaction
    return Knobs(patience=s.patience, backchannel_rate=s.backchannel_rate,
                 interruption_sensitivity=s.interruption_sensitivity)


def build_policy(settings: Any, cues: CueClock | None = None, camera: bool = False,
                 on_problem: Any = None, turn_text: TurnText | None = None) -> FloorPolicy:
    """The configured policy; ``on_problem(message)`` hears why the model could not be used.

    ``turn_text`` is the newest partial transcript, shared with the recognizer side (the model policy
    holds the turn while it sounds unfinished).
    """
    s = settings.interaction
    tick_s = s.tick_ms / 1000
    if s.policy == "placeholder":
        return PlaceholderPolicy(threshold_db=s.speech_threshold_db, patience_s=s.patience_s, tick_s=tick_s)
    from app.speech.vad import SileroVad

    if s.policy == "model":
        try:
            visual = None
            if camera:
                from app.vision.features import VisualFeatureExtractor

                visual = VisualFeatureExtractor()
            return ModelPolicy(InteractionModel(), SileroVad(), knobs=knobs_from(settings), tick_s=tick_s,
                               cues=cues, visual=visual, turn_text=turn_text)
        except ModelError as exc:
            message = f"{exc} Using the voice-activity baseline for now."
            log.error(message)
            if on_problem is not None:
                on_problem(message)
    return BaselinePolicy(SileroVad(), silence_s=s.patience_s, tick_s=tick_s)
