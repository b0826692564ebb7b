"""A reply that loops is said once: repeated sentences, and a repeat the token limit cut short, are dropped."""

import pytest

from app.reasoning.reasoner import without_repeats


@pytest.mark.parametrize(("reply", "said"), [
    ("I'm just a handy tool for any situation. " * 3 + "I'm just a handy",
     "I'm just a handy tool for any situation."),
    ("The weather is nice. It is sunny! the weather is nice.", "The weather is nice. It is sunny!"),
    ("Timer set for 5 minutes.", "Timer set for 5 minutes."),
    ("Yes. Yes, I can.", "Yes. Yes, I can."),  # a different sentence, though it starts the same way
    ("It depends. Usually it takes about", "It depends. Usually it takes about"),  # cut short, but not a repeat
    ("", ""),
])
def test_a_looping_reply_says_each_sentence_once(reply: str, said: str) -> None:
    assert without_repeats(reply) == said
