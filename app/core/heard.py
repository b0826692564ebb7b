"""Which words of a spoken reply the user actually heard, from how many of its samples were played."""

from __future__ import annotations

from collections.abc import Sequence

SAMPLE_RATE = 16000
WordTiming = tuple[str, float, float]


def split_heard(text: str, heard_samples: int, total_samples: int, words: Sequence[WordTiming] | None = None,
                sample_rate: int = SAMPLE_RATE) -> tuple[str, str]:
    """(heard, cut) parts of ``text``: a word counts as heard once half of it was played.

    With word timings ``(word, start_s, end_s)`` they decide; otherwise time is spread over the text in
    proportion to its characters.
    """
    if total_samples <= 0 or heard_samples >= total_samples:
        return text, ""
    if words:
        heard_s = heard_samples / sample_rate
        n = sum(1 for _, start, end in words if (start + end) / 2 <= heard_s)
        tokens = [w for w, _, _ in words]
        return " ".join(tokens[:n]), " ".join(tokens[n:])
    tokens = text.split()
    if not tokens:
        return "", ""
    frac = max(0.0, heard_samples / total_samples)
    total_chars = len(" ".join(tokens))
    n, pos = 0, 0
    for tok in tokens:
        mid = pos + len(tok) / 2
        if mid / total_chars > frac:
            break
        n += 1
        pos += len(tok) + 1
    return " ".join(tokens[:n]), " ".join(tokens[n:])
