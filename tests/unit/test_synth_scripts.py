import itertools
import re

import pytest

from app.reasoning.intents import parse_duration
from app.synth import scripts

SPLITS = ("train", "dev", "test")

# name -> minimum count per split (train, dev, test)
MINIMA = {
    "turns": (400, 60, 60),
    "paused_turns": (300, 50, 50),
    "interruptions": (150, 40, 40),
    "user_backchannels": (12, 4, 4),
    "side_remarks": (150, 40, 40),
    "background_lines": (150, 40, 40),
    "replies": (100, 30, 30),
    "cue_requests": (60, 20, 20),
}

# name -> inclusive word-count bounds for the plain-string generators
WORD_BOUNDS = {
    "turns": (4, 16),
    "interruptions": (3, 10),
    "user_backchannels": (1, 2),
    "side_remarks": (3, 10),
    "background_lines": (6, 18),
    "replies": (18, 35),
}

# what a first part may end with so that it sounds unfinished (kept independent of the module under test)
UNFINISHED_WORDS = {
    "um", "uh", "erm", "hmm",                                          # fillers ("so um")
    "and", "but", "because", "or", "so",                               # trailing conjunctions
    "the", "a", "an", "to", "with", "for", "about", "in", "on", "at",  # prepositions and articles
    "from", "of", "some", "my",
}
UNFINISHED_PHRASES = ("i mean", "no wait, actually")                  # self-correction starts
SPEAKABLE = re.compile(r"^[A-Za-z][A-Za-z' ,.?-]*$")


def generate(name: str, split: str) -> list:
    return getattr(scripts, name)(split)


def as_text(item) -> str:
    """The spoken text of an item: the string, the joined pair of a paused turn, or a cue request's text."""
    if isinstance(item, str):
        return item
    if isinstance(item[1], str):
        return f"{item[0]} {item[1]}"
    return item[0]


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def unfinished(first: str) -> bool:
    t = first.lower().removesuffix("...").rstrip(" ,")
    return t.split()[-1] in UNFINISHED_WORDS or t.endswith(UNFINISHED_PHRASES)


def test_splits_constant():
    assert scripts.SPLITS == SPLITS


@pytest.mark.parametrize("name", MINIMA)
@pytest.mark.parametrize("index", range(3))
def test_counts_per_split(name, index):
    split = SPLITS[index]
    assert len(generate(name, split)) >= MINIMA[name][index]


@pytest.mark.parametrize("name", MINIMA)
@pytest.mark.parametrize("split", SPLITS)
def test_no_duplicates_even_after_normalising(name, split):
    items = generate(name, split)
    assert len(set(items)) == len(items)
    texts = [norm(as_text(x)) for x in items]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("name", MINIMA)
def test_splits_are_pairwise_disjoint(name):
    by_split = {s: {norm(as_text(x)) for x in generate(name, s)} for s in SPLITS}
    for a, b in itertools.combinations(SPLITS, 2):
        assert not by_split[a] & by_split[b], (name, a, b, sorted(by_split[a] & by_split[b])[:5])


@pytest.mark.parametrize("name", MINIMA)
@pytest.mark.parametrize("split", SPLITS)
def test_deterministic_and_returns_fresh_lists(name, split):
    first = generate(name, split)
    first.clear()  # a caller mutating its copy must not change the next answer
    assert generate(name, split) == generate(name, split)
    assert generate(name, split)


@pytest.mark.parametrize("name", MINIMA)
def test_unknown_split_is_rejected(name):
    with pytest.raises(ValueError, match="split"):
        generate(name, "validation")


@pytest.mark.parametrize("name", WORD_BOUNDS)
@pytest.mark.parametrize("split", SPLITS)
def test_word_count_bounds(name, split):
    lo, hi = WORD_BOUNDS[name]
    bad = [s for s in generate(name, split) if not lo <= len(s.split()) <= hi]
    assert not bad, bad[:5]


def spoken_parts(name: str, item) -> list[str]:
    """The strings of an item; a paused turn's first part may (only) end in "..."."""
    if name == "paused_turns":
        return [item[0].removesuffix("..."), item[1]]
    if name == "cue_requests":
        return [item[0]]
    return [item]


@pytest.mark.parametrize("name", MINIMA)
@pytest.mark.parametrize("split", SPLITS)
def test_text_is_speakable(name, split):
    for item in generate(name, split):
        for part in spoken_parts(name, item):
            assert SPEAKABLE.match(part), part
            assert ".." not in part and "  " not in part and ",," not in part, part


@pytest.mark.parametrize("split", SPLITS)
def test_turns_end_like_requests(split):
    assert all(t.endswith((".", "?")) for t in scripts.turns(split))


@pytest.mark.parametrize("split", SPLITS)
def test_replies_have_two_or_three_sentences(split):
    for reply in scripts.replies(split):
        sentences = [s for s in re.split(r"(?<=[.?])\s+", reply) if s]
        assert 2 <= len(sentences) <= 3, reply
        assert all(s[0].isupper() and s.endswith((".", "?")) for s in sentences), reply


@pytest.mark.parametrize("split", SPLITS)
def test_paused_first_parts_sound_unfinished(split):
    pairs = scripts.paused_turns(split)
    bad = [first for first, _ in pairs if not unfinished(first)]
    assert not bad, bad[:5]
    for first, rest in pairs:
        assert first.strip() and rest.strip()
        assert rest.endswith((".", "?")), rest
        assert not first.endswith((".", "?")) or first.endswith("..."), first
        assert len(f"{first} {rest}".split()) <= 24


def test_unfinished_check_can_fail():
    assert not unfinished("what's the weather like in Paris")
    assert not unfinished("call Anna on speaker.")
    assert unfinished("what's the weather like in...")
    assert unfinished("send it to Tom, no wait, actually")


def test_paused_turns_use_several_kinds_of_break():
    firsts = [first.lower() for first, _ in scripts.paused_turns("train")]
    assert any(f.endswith("...") for f in firsts)
    assert any(f.endswith((", um", ", uh")) for f in firsts)
    assert any(f.endswith(("i mean", "no wait, actually")) for f in firsts)
    assert any(f.endswith((", and", ", but", ", because", ", or")) for f in firsts)


@pytest.mark.parametrize("split", SPLITS)
def test_cue_requests_parse_to_their_seconds(split):
    cues = scripts.cue_requests(split)
    for text, seconds in cues:
        assert isinstance(seconds, float)
        assert 3.0 <= seconds <= 15.0
        assert not re.search(r"\d", text), text
        assert parse_duration(text) == seconds, (text, parse_duration(text), seconds)
    assert {s for _, s in cues} == {float(n) for n in range(3, 16)}


def test_backchannels_keep_the_common_ones_for_training():
    train = scripts.user_backchannels("train")
    assert {"mm-hm", "yeah", "uh-huh", "okay"} <= set(train)
    acoustic = {s: {norm(b).replace("-", " ") for b in scripts.user_backchannels(s)} for s in SPLITS}
    for a, b in itertools.combinations(SPLITS, 2):
        assert not acoustic[a] & acoustic[b]


def test_dev_and_test_use_unseen_content_words():
    """Slot values are partitioned too: a place in a dev/test turn never occurs in any train turn."""
    train_text = " ".join(scripts.turns("train"))
    for split in ("dev", "test"):
        text = " ".join(scripts.turns(split))
        places = {p for p in scripts._VOCAB["place"] if p in text}
        assert len(places) >= 5
        assert not {p for p in places if p in train_text}
