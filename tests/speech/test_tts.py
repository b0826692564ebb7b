"""Piper TTS streaming: clause splitting, 16 kHz chunks, word timings and what was heard at a stop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.speech.asr import StreamingTranscriber
from app.speech.audio import APP_RATE
from app.speech.backchannel import BackchannelBank, mix_clip
from app.speech.tts import WordTiming, heard_words, split_clauses
from app.speech.wer import normalize, word_errors

REPLY = "Sure, I can do that. Your meeting with Anna moves to Thursday at noon, and I will remind you an hour before."


def test_split_clauses_keeps_text_and_starts_short() -> None:
    clauses = split_clauses(REPLY)
    assert clauses[0] == "Sure,"
    assert " ".join(clauses) == REPLY
    assert all(len(c.split()) >= 3 for c in clauses[1:])
    assert split_clauses("  ") == []
    plain = split_clauses("The weather today is sunny with a high of twenty degrees.")
    assert plain == ["The weather today is sunny", "with a high of twenty degrees."]


def test_heard_words_counts_only_finished_words() -> None:
    words = [WordTiming("one", 0, 100), WordTiming("two", 100, 250), WordTiming("three", 250, 400)]
    assert heard_words(words, 0) == []
    assert heard_words(words, 249) == ["one"]
    assert heard_words(words, 250) == ["one", "two"]
    assert heard_words(words, 10_000) == ["one", "two", "three"]
    assert heard_words(words[1:], 150, offset=100) == ["two"]
    assert words[1].as_seconds(100) == ("two", 1.0, 2.5)


@pytest.mark.slow
def test_stream_yields_contiguous_16k_clauses_with_word_times(tts: Any) -> None:
    chunks = list(tts.stream(REPLY))
    assert [c.text for c in chunks] == split_clauses(REPLY)
    assert tts.rate == APP_RATE
    offset = 0
    for c in chunks:
        assert c.start == offset and c.audio.dtype == np.float32 and not c.audio.flags.writeable
        assert [w.word for w in c.words] == c.text.split()
        assert all(c.start <= w.start < w.end <= c.end for w in c.words)
        assert all(a.end <= b.start for a, b in zip(c.words, c.words[1:], strict=False))
        offset = c.end
    seconds = offset / APP_RATE
    assert 4.0 < seconds < 12.0


@pytest.mark.slow
def test_stop_reports_the_words_actually_heard(tts: Any, whisper: Any) -> None:
    audio, words = tts.synthesize("The library opens at nine and closes at six on weekdays.")
    asr = StreamingTranscriber(whisper)
    for k in (4, 8):
        stop = words[k - 1].end
        assert heard_words(words, stop) == [w.word for w in words[:k]]
        assert heard_words(words, stop - 1) == [w.word for w in words[: k - 1]]
        asr.feed(audio[:stop])
        recognized = normalize(asr.finalize().text)
        expected = normalize(" ".join(heard_words(words, stop)))
        # The estimated boundary must match what a listener (the recognizer) heard, within a word.
        # whisper may finish a cut-off last word or drop it, and may mishear one word.
        assert abs(len(recognized) - len(expected)) <= 1
        assert word_errors(" ".join(expected[: k - 1]), " ".join(recognized[: k - 1])).errors <= 1


@pytest.mark.slow
def test_backchannels_are_cached_and_mixed_quietly(tts: Any, tmp_path: Path) -> None:
    bank = BackchannelBank(tts, cache_dir=tmp_path)
    bank.warm()
    clip = bank.clip("yeah")
    assert bank.clip("yeah") is clip
    assert 0.1 < clip.size / APP_RATE < 1.0
    assert len(list(tmp_path.glob("*.wav"))) == len(bank.phrases)
    # A new bank reads the same audio from disk instead of synthesizing it again (piper varies each run).
    np.testing.assert_array_equal(BackchannelBank(tts, cache_dir=tmp_path).clip("yeah"), clip)

    base = np.full(APP_RATE, 0.2, np.float32)
    mixed = mix_clip(base, clip, at=1000, clip_gain_db=-12.0, duck_db=-6.0)
    assert mixed.shape == base.shape and np.all(mixed[:1000] == base[:1000])
    middle = slice(1000 + 400, 1000 + clip.size - 400)
    residual = mixed[middle] - base[middle] * 10 ** (-6 / 20)
    np.testing.assert_allclose(residual, clip[400 : clip.size - 400] * 10 ** (-12 / 20), atol=1e-5)
