"""Scores with Full-Duplex-Bench's definitions, from the output's word timings and its audio.

Takeover (TO): the output's transcript is non-empty and lasts at least 1 s or has more than 3 words.
Backchannel: an output speech segment under 1 s with at most 2 words.
Word starts come from the recognizer, moved to the start of the output's sound where they run ahead of it
(``anchor_words``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TURN_DURATION_S = 1.0
TURN_WORDS = 3
FINISHED_S = 0.3
"""An overlap item's reply ending this close to where it ends without the overlap finished; it did not stop."""


@dataclass(frozen=True)
class Word:
    """One recognized output word with its start and end in seconds."""

    text: str
    start: float
    end: float


def takeover(words: Sequence[Word]) -> bool:
    """Benchmark TO: any words, lasting >= 1 s or more than 3 of them."""
    if not words:
        return False
    return words[-1].end - words[0].start >= TURN_DURATION_S or len(words) > TURN_WORDS


def smooth_turn(words: Sequence[Word], turn_end: float) -> tuple[bool, float | None]:
    """(TO, latency): latency is the first output word's start minus the user's turn end, floored at 0."""
    to = takeover(words)
    return to, (max(0.0, words[0].start - turn_end) if to else None)


def speech_segments(audio: np.ndarray, sr: int, *, threshold_db: float = -45.0, frame_s: float = 0.02,
                    min_gap_s: float = 0.3) -> list[tuple[float, float]]:
    """Where the output audio is non-silent, as (start, end) seconds; gaps shorter than ``min_gap_s`` merge."""
    hop = max(1, int(sr * frame_s))
    n = len(audio) // hop
    if n == 0:
        return []
    frames = audio[: n * hop].reshape(n, hop).astype(np.float64)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    active = level > threshold_db
    segs: list[tuple[float, float]] = []
    start = None
    for i, a in enumerate(active):
        if a and start is None:
            start = i
        elif not a and start is not None:
            segs.append((start * frame_s, i * frame_s))
            start = None
    if start is not None:
        segs.append((start * frame_s, n * frame_s))
    merged: list[tuple[float, float]] = []
    for s, e in segs:
        if merged and s - merged[-1][1] < min_gap_s:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def anchor_words(words: Sequence[Word], segments: Sequence[tuple[float, float]]) -> list[Word]:
    """``words`` with each start moved up to the start of the output sound it lies in, where it is earlier,
    and each end moved back to the end of the last sound that starts before it, where it is later.

    The recognizer's word times run early by up to about 0.2 s (it places "Okay," at 7.66 s when the
    reply's audio starts at 7.80 s); a word cannot start before its sound does. Its last word before a
    silence often runs on into it ("what..." at 3.66-5.20 s when the reply was cut at 3.60 s and the
    next sound starts at 5.20 s); a word cannot end after its sound does either. The output is
    synthesized speech over digital silence, so ``speech_segments`` finds where its sound starts and
    ends to 20 ms. A start that overlaps no sound keeps its time.
    """
    out = []
    for w in words:
        start, end = w.start, w.end
        seg = next(((s, e) for s, e in segments if s < end and e > start), None)
        if seg is not None and start < seg[0]:
            start, end = seg[0], max(end, seg[0])
        ends = [e for s, e in segments if s < end]  # sounds that begin before the word ends
        if ends and end > ends[-1]:
            end = max(start, ends[-1])
        out.append(Word(w.text, start, end))
    return out


def stop_time(segments: Sequence[tuple[float, float]], t: float) -> float | None:
    """When output that was playing at ``t`` stopped (None if nothing was playing at ``t``)."""
    for s, e in segments:
        if s <= t < e:
            return e
    return None


def interruption(words: Sequence[Word], segments: Sequence[tuple[float, float]], start: float,
                 end: float) -> dict[str, float | bool | None]:
    """TO after the interruption, stop latency (our audio stops - user starts) and response latency
    (our first word after the interruption ends - its end).
    """
    after = [w for w in words if w.start >= end]
    stopped = stop_time(segments, start)
    to = takeover(after)
    return {
        "takeover": to,
        "stop_latency": None if stopped is None else max(0.0, stopped - start),
        "response_latency": max(0.0, after[0].start - end) if to else None,
    }


def backchannels(words: Sequence[Word], segments: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Output segments that count as backchannels: under 1 s with at most 2 words."""
    found = []
    for s, e in segments:
        inside = [w for w in words if w.start < e and w.end > s]
        if e - s < TURN_DURATION_S and len(inside) <= 2:
            found.append((s, e))
    return found


def keeps_floor(words: Sequence[Word], segments: Sequence[tuple[float, float]], start: float,
                end: float, clean_segments: Sequence[tuple[float, float]] | None = None) -> dict[str, bool]:
    """For overlap the assistant should ignore: it did not stop speaking at ``start`` and did not take a
    new turn after ``end``.

    ``clean_segments`` is the output for the same item without the overlap (``clean_input.wav``): a
    reply that ends there within ``FINISHED_S`` of where it ends here finished on its own; the overlap
    did not stop it.
    """
    was_speaking = any(s <= start < e for s, e in segments)
    stop = stop_time(segments, start) or 0.0
    stopped = was_speaking and stop < end + 0.3
    if stopped and clean_segments is not None:
        clean_stop = stop_time(clean_segments, start)
        stopped = clean_stop is None or abs(clean_stop - stop) > FINISHED_S
    new_turn = any(s >= end for s, _ in segments) and takeover([w for w in words if w.start >= end])
    # Continuing the same reply through the overlap is not a new turn.
    continued = any(s <= start and e > end for s, e in segments)
    return {"stopped": bool(stopped), "took_over": bool(new_turn and not continued),
            "kept_floor": not stopped and not (new_turn and not continued)}


def overlap_s(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> float:
    """Seconds in which a span of ``a`` and a span of ``b`` both run (neither list overlaps itself)."""
    return sum(max(0.0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def without(start: float, end: float, gaps: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """``start``..``end`` with the ``gaps`` (each [from, to], in order) taken out."""
    spans, t = [], start
    for g0, g1 in gaps:
        if g0 > t:
            spans.append((t, min(g0, end)))
        t = max(t, g1)
    if t < end:
        spans.append((t, end))
    return [(a, b) for a, b in spans if b > a]


def median(values: Sequence[float | None]) -> float | None:
    """Median of the values that exist; None when there are none."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None
