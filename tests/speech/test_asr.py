"""Streaming ASR with faster-whisper tiny.en: accuracy, LocalAgreement partials, worker thread, files."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.speech.asr import (
    AsrWorker,
    FinalTranscript,
    PartialTranscript,
    SecondLook,
    SpokenOverTranscript,
    StreamingTranscriber,
    Word,
    agreed_prefix,
    decoder_loop,
    drop_repeats,
    encoder_frames,
    max_new_tokens,
    transcribe_file,
    unlooped,
)
from app.speech.audio import APP_RATE, pad, write_wav
from app.speech.models import ModelNotFoundError, whisper_model_path
from app.speech.wer import normalize, word_errors

SENTENCE = "Please remind me to water the plants on Friday afternoon."


@pytest.fixture(scope="module")
def sentence_audio(tts: Any) -> np.ndarray:
    """The test sentence in the assistant's voice, with room around it."""
    audio, _ = tts.synthesize(SENTENCE)
    return pad(audio, 0.3, 0.5)


def test_agreed_prefix_ignores_case_and_punctuation() -> None:
    assert agreed_prefix(["Hello,", "there", "friend"], ["hello", "there,", "fiend"]) == 2
    assert agreed_prefix([], ["a"]) == 0


def test_encoder_window_is_the_speech_plus_margin() -> None:
    feats = np.zeros((1, 80, 3000), np.float32)
    feats[0, :, :230] = -0.5  # 2.3 s of audio, then faster-whisper's zero padding
    assert encoder_frames(feats) == 600  # 2.3 s + 3 s margin, up to whole seconds
    assert encoder_frames(feats[0]) == 600  # unbatched features too
    feats[0, :, :] = -0.5
    assert encoder_frames(feats) == 3000  # a full window stays full
    assert encoder_frames(np.zeros((1, 80, 3000), np.float32)) == 300  # silence: the smallest window


def test_decoder_token_budget_grows_with_audio_and_is_capped() -> None:
    assert max_new_tokens(1.0) < max_new_tokens(4.0) < max_new_tokens(30.0)
    assert max_new_tokens(4.0) >= 4 * 6  # fast speech needs about 6 tokens a second
    assert max_new_tokens(600.0) == max_new_tokens(30.0) <= 200


def test_a_phrase_repeated_as_the_next_segment_is_dropped() -> None:
    from types import SimpleNamespace as Seg

    looped = [Seg(text=" Please call my sister tomorrow."), Seg(text=" please call my sister, tomorrow")]
    assert [s.text for s in drop_repeats(looped)] == [" Please call my sister tomorrow."]
    spoken = [Seg(text=" No."), Seg(text=" No."), Seg(text=" Call her."), Seg(text=" Then call me."),
              Seg(text=" Call her.")]
    assert drop_repeats(spoken) == spoken  # one-word answers and phrases that come back later stay


@pytest.mark.parametrize(("text", "loops"), [
    ("C-C-C-C-C-C-C-C-C-", True),
    ("Count time seconds until the end of the end of the end of the end of the end", True),
    ("coms, coms, coms, coms, coms, You can kill me...", True),
    ("green green green green", True),
    ("No, no, no, I said the kitchen.", False),  # three times is still speech
    ("Can you tell me when six seconds have gone by?", False),
    ("Is it far, far away? Very, very far?", False),
    ("", False),
])
def test_decoder_loop_is_one_phrase_four_times_in_a_row(text: str, loops: bool) -> None:
    assert decoder_loop(text) is loops


def test_a_looping_final_gives_way_to_the_partial() -> None:
    words = (Word("C-C-C-C-C-C-C-C-C-", 0.5, 2.9),)
    said = "Say that I'm in 14 seconds, my god."
    assert unlooped("C-C-C-C-C-C-C-C-C-", words, f" {said} ") == (said, ())
    assert unlooped("C-C-C-C-C-C-C-C-C-", words, "") == ("C-C-C-C-C-C-C-C-C-", words)  # nothing better
    assert unlooped("C-C-C-C-C-C-C-C-C-", words, "C C C C") == ("C-C-C-C-C-C-C-C-C-", words)  # loops too
    fine = (Word("Turn", 0.2, 0.4), Word("it", 0.4, 0.5), Word("on.", 0.5, 0.8))
    assert unlooped("Turn it on.", fine, "Turn it") == ("Turn it on.", fine)


def test_unknown_model_name_says_what_to_do() -> None:
    with pytest.raises(ModelNotFoundError, match="not available offline"):
        whisper_model_path("no-such-whisper-model")
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        whisper_model_path("/no/such/folder/model")


@pytest.mark.slow
def test_transcribes_piper_sentence(whisper: Any, sentence_audio: np.ndarray) -> None:
    asr = StreamingTranscriber(whisper)
    asr.feed(sentence_audio)
    final = asr.finalize()
    assert word_errors(SENTENCE, final.text).errors <= 1
    starts = [w.start for w in final.words]
    assert starts == sorted(starts)
    assert all(w.end >= w.start for w in final.words)
    assert final.words[-1].end <= sentence_audio.size / APP_RATE + 0.1


@pytest.mark.slow
def test_a_second_look_decodes_again_only_when_wanted_and_stands_only_when_kept(
        whisper: Any, sentence_audio: np.ndarray) -> None:
    plain = StreamingTranscriber(whisper)
    plain.feed(sentence_audio)
    first = plain.finalize().text
    shown: list[tuple[str, str]] = []

    def final(wanted: bool, kept: bool) -> str:
        look = SecondLook("Remind me to feed the cat on Monday morning.",
                          lambda text: shown.append(("wanted", text)) or wanted,
                          lambda text: shown.append(("kept", text)) or kept)
        asr = StreamingTranscriber(whisper, second_look=look)
        asr.feed(sentence_audio)
        return asr.finalize().text

    assert final(wanted=False, kept=True) == first
    assert shown == [("wanted", first)]  # not wanted: no second decode
    shown.clear()
    assert final(wanted=True, kept=False) == first  # the first stands
    assert [kind for kind, _ in shown] == ["wanted", "kept"]
    shown.clear()
    again = final(wanted=True, kept=True)
    assert shown[-1] == ("kept", again)  # the second decode is what the final says
    assert word_errors(SENTENCE, again).errors <= 1


@pytest.mark.slow
def test_partials_converge_to_final(whisper: Any, sentence_audio: np.ndarray) -> None:
    asr = StreamingTranscriber(whisper)
    partials: list[PartialTranscript] = []
    step = int(0.4 * APP_RATE)
    for i in range(0, sentence_audio.size, step):
        asr.feed(sentence_audio[i : i + step])
        partials.append(asr.partial())
    partials.append(asr.partial())  # a second look at the complete audio lets everything agree
    final = asr.finalize()
    for before, after in itertools.pairwise(partials):
        assert normalize(after.stable)[: len(normalize(before.stable))] == normalize(before.stable)
    assert len(normalize(partials[len(partials) // 2].stable)) < len(normalize(partials[-1].stable))
    assert word_errors(final.text, partials[-1].stable).errors <= 1
    assert normalize(final.text)[: len(normalize(partials[-3].stable))] == normalize(partials[-3].stable)


@pytest.mark.slow
def test_worker_answers_through_poll(whisper: Any, sentence_audio: np.ndarray) -> None:
    worker = AsrWorker(whisper)
    try:
        assert worker.wait_ready(timeout=30)
        assert worker.poll() == []
        worker.feed(sentence_audio)
        worker.request_partial()
        results: list[PartialTranscript | FinalTranscript] = []
        deadline = time.monotonic() + 30
        while not results and time.monotonic() < deadline:
            results += worker.poll()
            time.sleep(0.01)
        assert isinstance(results[0], PartialTranscript)
        worker.request_final()
        while not any(isinstance(r, FinalTranscript) for r in results) and time.monotonic() < deadline:
            results += worker.poll()
            time.sleep(0.01)
        final = next(r for r in results if isinstance(r, FinalTranscript))
        assert word_errors(SENTENCE, final.text).errors <= 1
    finally:
        worker.close()


@pytest.mark.slow
def test_worker_wait_idle_returns_once_every_posted_request_has_its_result(
        whisper: Any, sentence_audio: np.ndarray) -> None:
    worker = AsrWorker(whisper)
    try:
        assert worker.wait_ready(timeout=30)
        half = sentence_audio.size // 2
        for chunk in (sentence_audio[:half], sentence_audio[half:]):
            worker.feed(chunk)
            worker.request_partial()
            assert worker.wait_idle(timeout=30)
            (result,) = worker.poll()  # each partial was decoded on its own audio, none collapsed
            assert isinstance(result, PartialTranscript)
        assert result.audio_s == pytest.approx(sentence_audio.size / APP_RATE)
        worker.request_final()
        assert worker.wait_idle(timeout=30)
        assert [type(r) for r in worker.poll()] == [FinalTranscript]
    finally:
        worker.close()


@pytest.mark.slow
def test_transcribe_file_gives_words_with_times(whisper: Any, sentence_audio: np.ndarray, tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    write_wav(path, sentence_audio)
    result = transcribe_file(path, model=whisper)
    assert word_errors(SENTENCE, result["text"]).errors <= 1
    assert [w["word"] for w in result["words"]]
    assert all(0.0 <= w["start"] <= w["end"] <= result["duration_s"] + 0.1 for w in result["words"])


@pytest.mark.slow
def test_real_recording(whisper: Any, speech_data: Path) -> None:
    result = transcribe_file(speech_data / "LJ001-0004.wav", model=whisper)
    reference = (speech_data / "LJ001-0004.txt").read_text()
    assert word_errors(reference, result["text"]).wer <= 0.2


@pytest.mark.slow
def test_a_sound_decoded_alone_leaves_the_utterance_as_it_was(whisper: Any, sentence_audio: np.ndarray,
                                                              espeak: Any) -> None:
    """A "stop" said over the assistant's voice is decoded on its own, beside the user's turn in progress."""
    from app.interaction.turn_text import asks_to_stop

    stop = pad(espeak("Stop."), 0.2, 0.2)
    worker = AsrWorker(whisper)
    try:
        assert worker.wait_ready(timeout=30)
        worker.feed(sentence_audio)
        worker.request_alone(stop, sound=3)
        assert worker.wait_idle(timeout=30)
        (alone,) = worker.poll()
        assert isinstance(alone, SpokenOverTranscript) and asks_to_stop(alone.text), alone.text
        assert alone.sound == 3  # named as asked, so the words of an older sound can be told from a new one's
        worker.request_final()
        assert worker.wait_idle(timeout=30)
        (final,) = worker.poll()
        assert isinstance(final, FinalTranscript) and word_errors(SENTENCE, final.text).errors <= 1
        assert "stop" not in normalize(final.text)
    finally:
        worker.close()
