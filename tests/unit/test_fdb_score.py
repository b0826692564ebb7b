import json

import numpy as np
import pytest

from app.eval.fdb_items import discover, read_item
from app.eval.fdb_score import (
    Word,
    anchor_words,
    backchannels,
    interruption,
    keeps_floor,
    median,
    overlap_s,
    smooth_turn,
    speech_segments,
    takeover,
    without,
)

SR = 16000


def words(*spec):
    return [Word(t, s, e) for t, s, e in spec]


def test_takeover_follows_the_benchmark_definition():
    assert not takeover([])
    assert not takeover(words(("mm", 1.0, 1.3)))                       # short, one word
    assert not takeover(words(("a", 1.0, 1.2), ("b", 1.2, 1.4), ("c", 1.4, 1.6)))  # 3 words < 1 s
    assert takeover(words(("a", 1, 1.1), ("b", 1.1, 1.2), ("c", 1.2, 1.3), ("d", 1.3, 1.4)))  # > 3 words
    assert takeover(words(("well", 1.0, 1.4), ("yes", 1.7, 2.0)))     # lasts 1 s


def test_smooth_turn_latency_is_floored_at_zero():
    w = words(("sure", 5.3, 5.6), ("thing", 5.6, 6.5))
    assert smooth_turn(w, 5.0) == (True, pytest.approx(0.3))
    assert smooth_turn(w, 6.0) == (True, 0.0)
    assert smooth_turn([], 5.0) == (False, None)


def test_a_word_timed_before_its_sound_starts_where_the_sound_does():
    segs = [(4.8, 5.12), (7.8, 13.4)]
    w = words(("yeah", 5.06, 5.56), ("okay", 7.66, 8.12), ("here's", 8.36, 8.64), ("hm", 2.0, 2.2))
    out = anchor_words(w, segs)
    assert [(x.text, x.start, x.end) for x in out] == [
        ("yeah", 5.06, 5.12),    # starts late, not early: kept; ends after its sound: moved back to it
        ("okay", 7.8, 8.12),     # 0.14 s before the reply's audio: moved to it
        ("here's", 8.36, 8.64),  # inside the sound: kept
        ("hm", 2.0, 2.2),        # overlaps no sound: kept
    ]
    # a reply whose sound starts after the user's turn ended (7.7 s) no longer counts as a takeover before it
    assert takeover([x for x in w if 3.7 <= x.start < 7.7])
    assert not takeover([x for x in out if 3.7 <= x.start < 7.7])


def test_a_word_that_runs_on_into_silence_ends_where_its_sound_does():
    # a reply cut by a yield at 3.6 s, then the next reply at 5.2 s: the recognizer stretches the cut
    # reply's last word over the silence between them
    segs = [(2.8, 3.6), (5.2, 10.0)]
    w = words(("Okay,", 2.6, 3.06), ("here's", 3.38, 3.66), ("what...", 3.66, 5.2), ("Right,", 5.2, 5.44),
              ("let", 5.6, 5.7))
    out = anchor_words(w, segs)
    assert [(x.text, x.start, x.end) for x in out] == [
        ("Okay,", 2.8, 3.06), ("here's", 3.38, 3.6), ("what...", 3.66, 3.66), ("Right,", 5.2, 5.44),
        ("let", 5.6, 5.7)]
    # three words in 0.86 s of sound: no turn taken in the pause, though the raw times span 2.6 s
    assert takeover(w[:3]) and not takeover(out[:3])
    # a word that spans a real gap into the next sound keeps its end there
    assert anchor_words(words(("and", 3.5, 5.3)), segs)[0].end == 5.3


def tone(seconds: float) -> np.ndarray:
    return (0.2 * np.sin(2 * np.pi * 220 * np.arange(int(seconds * SR)) / SR)).astype(np.float32)


def test_speech_segments_find_output_and_merge_short_gaps():
    audio = np.zeros(5 * SR, np.float32)
    audio[SR:2 * SR] = tone(1.0)
    audio[int(2.1 * SR):int(2.5 * SR)] = tone(0.4)   # 0.1 s gap: same segment
    audio[4 * SR:int(4.5 * SR)] = tone(0.5)
    segs = speech_segments(audio, SR)
    assert len(segs) == 2
    assert segs[0] == (pytest.approx(1.0, abs=0.03), pytest.approx(2.5, abs=0.03))
    assert segs[1] == (pytest.approx(4.0, abs=0.03), pytest.approx(4.5, abs=0.03))


def test_interruption_stop_and_response_latency():
    segs = [(2.0, 4.2), (6.0, 8.0)]
    w = words(("so", 2.0, 2.3), ("the", 2.3, 2.5), ("okay", 6.0, 6.4), ("got", 6.5, 6.8), ("it", 6.8, 7.2))
    r = interruption(w, segs, start=4.0, end=5.5)
    assert r["stop_latency"] == pytest.approx(0.2)
    assert r["response_latency"] == pytest.approx(0.5)
    assert r["takeover"] is True
    silent = interruption(w[:2], [(2.0, 4.2)], start=4.0, end=5.5)
    assert silent["takeover"] is False and silent["response_latency"] is None


def test_backchannels_are_short_segments_with_few_words():
    segs = [(1.0, 1.5), (3.0, 3.6), (5.0, 7.0)]
    w = words(("mm-hm", 1.0, 1.4), ("yeah", 3.0, 3.2), ("right", 3.2, 3.4), ("ok", 3.4, 3.6),
              ("let", 5.0, 5.3), ("me", 5.3, 5.5))
    assert backchannels(w, segs) == [(1.0, 1.5)]


def test_keeping_the_floor_through_overlap():
    w = words(("and", 1.0, 1.3), ("then", 1.3, 1.6), ("we", 1.6, 2.0), ("went", 2.0, 6.0))
    assert keeps_floor(w, [(1.0, 6.0)], start=3.0, end=4.0)["kept_floor"]
    stopped = keeps_floor(w, [(1.0, 3.2)], start=3.0, end=4.0)
    assert stopped["stopped"] and not stopped["kept_floor"]
    answered = keeps_floor(w + words(("what", 4.5, 4.8), ("did", 4.8, 5.0), ("you", 5.0, 5.2), ("say", 5.2, 5.6)),
                           [(1.0, 2.5), (4.5, 5.6)], start=3.0, end=4.0)
    assert answered["took_over"] and not answered["kept_floor"]


def test_a_reply_that_ends_as_it_does_without_the_overlap_finished_and_did_not_stop():
    w = words(("and", 1.0, 1.3), ("then", 1.3, 1.6), ("we", 1.6, 2.0), ("went", 2.0, 3.2))
    finished = keeps_floor(w, [(1.0, 3.2)], start=3.0, end=4.0, clean_segments=[(1.0, 3.3)])
    assert not finished["stopped"] and finished["kept_floor"]
    # Without the overlap it would have gone on: the overlap stopped it.
    cut = keeps_floor(w, [(1.0, 3.2)], start=3.0, end=4.0, clean_segments=[(1.0, 6.0)])
    assert cut["stopped"] and not cut["kept_floor"]
    silent_clean = keeps_floor(w, [(1.0, 3.2)], start=3.0, end=4.0, clean_segments=[(1.0, 2.0)])
    assert silent_clean["stopped"]


def test_time_over_the_user_counts_only_where_both_sound():
    assert overlap_s([(1.0, 2.0), (3.0, 5.0)], [(1.5, 3.5), (4.8, 6.0)]) == pytest.approx(0.5 + 0.5 + 0.2)
    assert overlap_s([(0.0, 1.0)], [(1.0, 2.0)]) == 0.0


def test_a_turn_without_its_pauses_is_what_the_user_says_after_them():
    assert without(2.0, 9.0, [[2.0, 3.5], [5.0, 6.0]]) == [(3.5, 5.0), (6.0, 9.0)]
    assert without(2.0, 4.0, [[2.0, 4.0]]) == []
    assert without(2.0, 4.0, []) == [(2.0, 4.0)]


def test_a_pause_item_scores_the_reply_over_the_words_that_follow_its_pause(tmp_path):
    """A take in the pause that talks on 0.7 s into the words after it: a takeover, and 0.7 s over the user."""
    from app.eval.fdb_items import Item
    from app.eval.fdb_run import score_item

    annotation = [{"timestamp": [2.0, 3.0], "turn_end": 5.0}]
    item = Item(tmp_path, "pause_handling", 2.0, 3.0)
    said = words(("Okay,", 2.2, 2.6), ("here's", 2.7, 3.0), ("what", 3.0, 3.3), ("I", 3.3, 3.4), ("found.", 3.4, 3.7))
    score = score_item(item, said, [(2.2, 3.7)], annotation)
    assert score["takeover"] and score["over_user_s"] == pytest.approx(0.7)
    assert score_item(item, said[:1], [(2.2, 2.6)], annotation)["over_user_s"] == 0.0


def test_median_ignores_missing_values():
    assert median([None, 0.2, 0.4, None, 0.3]) == pytest.approx(0.3)
    assert median([None]) is None


def test_items_are_discovered_with_their_categories_and_times(tmp_path):
    def item(rel, name, data):
        d = tmp_path / rel
        d.mkdir(parents=True)
        (d / "input.wav").write_bytes(b"")
        (d / name).write_text(json.dumps(data))
        return d

    item("v1/turn/1", "turn_taking.json", [{"timestamp": [4.2, 6.0]}])
    item("v1/interrupt/1", "interrupt.json", [{"timestamp": [7.0, 9.5], "interrupt": "wait", "context": "x"}])
    item("v1/pause/1", "pause.json", [{"timestamp": [2.0, 3.5]}])
    item("v15/background_speech/bg_1", "metadata.json", {"timestamps": [3.0, 5.0]})
    item("v15/x/1", "metadata.json", {"category": "talking_to_other", "timestamps": [1.0, 2.0]})
    items = {str(i.relative_to(tmp_path)): i for i in discover(tmp_path)}
    assert items["v1/turn/1"].category == "smooth_turn_taking" and items["v1/turn/1"].event_end == 4.2
    assert (items["v1/interrupt/1"].event_start, items["v1/interrupt/1"].event_end) == (7.0, 9.5)
    assert items["v1/pause/1"].category == "pause_handling"
    assert items["v15/background_speech/bg_1"].category == "background_speech"
    assert items["v15/x/1"].category == "talking_to_other"
    bad = tmp_path / "bad"
    bad.mkdir()
    with pytest.raises(ValueError, match=r"no pause\.json"):
        read_item(bad)
