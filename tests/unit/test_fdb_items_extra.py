import json

import numpy as np
import pytest

from app.audio_io import write_wav
from app.eval.fdb_items import Item, discover, read_item
from app.synth.recordings import sentences, trimmed


def item_folder(root, name, files):
    folder = root / name
    folder.mkdir(parents=True)
    write_wav(folder / "input.wav", np.zeros(1600, np.float32), 16000)
    for fname, content in files.items():
        (folder / fname).write_text(json.dumps(content), encoding="utf-8")
    return folder


def test_read_item_time_cue(tmp_path):
    folder = item_folder(tmp_path, "time_cue/0001", {"cue.json": {"request_end": 3.1, "due": 13.1, "seconds": 10}})
    item = read_item(folder)
    assert item == Item(folder, "time_cue", 3.1, 13.1)
    assert isinstance(item.event_start, float) and isinstance(item.event_end, float)
    assert item.relative_to(tmp_path).as_posix() == "time_cue/0001"


def test_read_item_time_cue_with_integer_times(tmp_path):
    folder = item_folder(tmp_path, "c", {"cue.json": {"request_end": 3, "due": 13, "seconds": 10}})
    item = read_item(folder)
    assert (item.category, item.event_start, item.event_end) == ("time_cue", 3.0, 13.0)
    assert isinstance(item.event_start, float)


def test_read_item_visual_event(tmp_path):
    folder = item_folder(tmp_path, "visual_event/0001", {"visual.json": {"event": 2.3}})
    item = read_item(folder)
    assert item == Item(folder, "visual_event", 2.3, 2.3)


def test_read_item_without_annotation_names_the_new_files(tmp_path):
    folder = item_folder(tmp_path, "empty", {})
    with pytest.raises(ValueError, match=r"cue\.json.*visual\.json"):
        read_item(folder)


def test_discover_finds_cue_and_visual_items(tmp_path):
    item_folder(tmp_path, "b_visual/1", {"visual.json": {"event": 1.5}})
    item_folder(tmp_path, "a_cue/1", {"cue.json": {"request_end": 2.0, "due": 7.0, "seconds": 5}})
    items = discover(tmp_path)
    assert [(i.relative_to(tmp_path).as_posix(), i.category) for i in items] == [
        ("a_cue/1", "time_cue"), ("b_visual/1", "visual_event")]


# ---- recordings.sentences -----------------------------------------------------------------------------------


def w(word, start, end):
    return {"word": word, "start": start, "end": end}


def test_sentences_split_on_final_punctuation():
    words = [
        w(" Hello", 0.0, 0.4), w(" there.", 0.45, 0.8),
        w(" How", 1.0, 1.2), w(" are", 1.2, 1.4), w(" you?", 1.4, 2.0),
        w(" Fine", 2.5, 2.8), w(" thanks", 2.8, 3.2),
    ]
    assert sentences(words) == [(0.0, 0.8), (1.0, 2.0), (2.5, 3.2)]


def test_sentences_exclamation_and_trailing_space():
    words = [w("Stop! ", 0.1, 0.5), w("Now.", 0.7, 1.0)]
    assert sentences(words) == [(0.1, 0.5), (0.7, 1.0)]


def test_sentences_single_unpunctuated_and_empty():
    assert sentences([w("so", 1.0, 1.2), w("um", 1.5, 1.7)]) == [(1.0, 1.7)]
    assert sentences([]) == []


def test_sentences_commas_do_not_split():
    words = [w("Well,", 0.0, 0.3), w("yes,", 0.4, 0.6), w("okay.", 0.7, 1.0)]
    assert sentences(words) == [(0.0, 1.0)]


def test_sentences_are_trimmed_to_their_speech():
    """Word times stretched over the silence between two sentences (mc-indian-accent.wav: the second
    "starts" at 23.2 s, its speech at 24.4 s) do not make that silence part of either sentence."""
    spans = [(16.86, 23.2), (23.2, 29.74)]
    speech = [(16.81, 19.65), (20.11, 23.24), (24.39, 25.73), (26.47, 29.89)]
    assert trimmed(spans, speech) == [(16.86, 23.2), (24.39, 29.74)]


def test_a_sentence_ends_where_its_last_sound_does():
    assert trimmed([(1.0, 7.16), (7.72, 15.0)], [(1.1, 2.66), (3.24, 6.31), (7.47, 15.2)]) == [(1.1, 6.31),
                                                                                           (7.72, 15.0)]


def test_a_sentence_with_no_speech_in_it_keeps_its_span():
    assert trimmed([(2.0, 3.0)], [(0.0, 1.0), (2.95, 4.0)]) == [(2.0, 3.0)]


@pytest.mark.slow
def test_recording_turn_ends_where_the_speech_ends(tmp_path, espeak):
    """A short recording becomes a smooth-turn item whose turn ends at the last speech, not earlier."""
    from app.synth.recordings import LEAD_S, build_recording_items

    speech = espeak("What is the weather like in Paris today?")
    # A soft, slowly fading last syllable: the recognizer's last word tends to end before it does.
    tail = 0.05 * np.sin(np.arange(4000) * 2 * np.pi * 180 / 16000) * np.linspace(1, 0, 4000)
    audio = np.concatenate([speech, tail.astype(np.float32)])
    folder = tmp_path / "speech"
    folder.mkdir()
    write_wav(folder / "clip.wav", audio, 16000)
    (item,) = build_recording_items(folder, tmp_path / "items")
    end = json.loads((item / "turn_taking.json").read_text())[0]["timestamp"][0]
    assert item.parent.name == "smooth_turn_taking"
    assert LEAD_S + speech.size / 16000 - 0.15 <= end <= LEAD_S + audio.size / 16000 + 0.05
