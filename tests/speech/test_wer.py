"""Word error rate and its text normalization."""

from __future__ import annotations

from app.speech.wer import normalize, number_words, per_sentence_wer, wer, word_errors


def test_normalize_handles_case_punctuation_numbers() -> None:
    assert normalize("It's 25% of 1,200 real-time apps!") == (
        ["it", "s", "twenty", "five", "percent", "of", "one", "thousand", "two", "hundred", "real", "time", "apps"]
    )
    assert number_words(101) == "one hundred one"


def test_counts_each_kind_of_error() -> None:
    r = word_errors("the cat sat on the mat", "the cat sat on mat today")
    assert (r.deletions, r.insertions, r.substitutions) == (1, 1, 0) or r.errors == 2
    assert r.errors == 2 and r.ref_words == 6
    assert wer("Hello, World!", "hello world") == 0.0
    assert wer("", "") == 0.0 and wer("", "noise") == 1.0


def test_per_sentence_attribution() -> None:
    assert per_sentence_wer(["hey guys", "welcome to the demo"], "hey guys welcome to demo") == [0.0, 0.25]
