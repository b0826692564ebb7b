"""What the user has said so far in this turn (the newest partial transcript), and whether it sounds finished.

Acoustics alone cannot tell "what wine would go nicely with," + a pause from a finished question: the
voice simply stops. The words can. The recognizer's partial hypotheses arrive a tick or two behind the
audio; the floor policy reads the newest one and, when it ends mid-phrase (on a conjunction, a
preposition, an article, a filler or a comma), holds the turn for the user instead of taking it.
When the turn was taken before the last words were in and the final transcript then ends mid-phrase,
the take is taken back: the turn reopens, held, and the words wait for the rest of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.frames import UserState

CONTINUATION_WORDS = frozenset((
    # conjunctions: more is coming
    "and", "or", "but", "so", "because", "although", "though", "unless", "while", "whereas", "if",
    # prepositions that almost never end a request ("turn it on" and "what is it for" do, so not those)
    "with", "without", "of", "from", "at", "into", "onto", "between", "to",
    # articles and possessives
    "the", "a", "an", "my", "your", "his", "her", "our", "their",
    # fillers and self-corrections
    "um", "uh", "er", "erm", "hmm", "mean", "actually", "wait",
))
"""Last words after which an utterance is not finished."""

_OBJECTS = frozenset(("it", "me", "you", "him", "her", "us", "them", "this", "that", "these", "those", "one",
                      "ones", "something", "anything", "everything", "lights", "light"))
STRANDED_AFTER: dict[str, frozenset[str]] = {word: frozenset(verbs) for word, verbs in {
    "in": ("log", "sign", "check", "plug", "come", "count", "fill", "drop", "move", "break", "let", "give"),
    "on": ("turn", "switch", "put", "leave", "keep", "carry", "hold", "log", "move", "go", "come", "try"),
    "for": ("waiting", "wait", "looking", "look", "asked", "ask", "asking", "pay", "paid", "is", "are", "was",
            "were"),
    "about": ("talking", "talk", "thinking", "think", "worry", "worried", "forget", "forgot", "is", "are", "was",
              "were", "care", "know"),
    "over": ("come", "move", "hand", "take", "think", "turn", "start", "is", "are", "was"),
    "by": ("stop", "drop", "pass", "stand", "come", "go"),
    "around": ("turn", "look", "stick", "come", "walk", "move", "turned"),
    "through": ("go", "get", "come", "put", "read", "look", "went", "got"),
}.items()}
"""Words that end a request only right after an object ("turn it on", "log me in") or
after a phrasal verb or a copula anywhere before them ("turn the lights on", "what are you waiting for", "what is it
about"), with those verbs. Anywhere else more is coming: "the best things to do in", "a documentary on",
"anything planned for"."""

FINISHED_ENDINGS = frozenset(tuple(e.split()) for e in (
    "mm hmm", "mm hm",  # a listener's "mm-hmm", not a thinking "hmm"
    "think so", "guess so", "hope so", "believe so", "suppose so", "expect so", "said so", "why so", "even so",
    "you mean", "that mean", "it mean", "this mean",
    "you up to", "you talking to", "you listening to", "it belong to",
    "you from", "that come from", "it come from", "this come from", "that came from", "it came from",
    "it made of", "they made of", "that made of", "this made of",
))
"""Last two or three words that end a sentence although their last word is a continuation word: "mm-hmm", "I think
so", "what do you mean", "who are you talking to", "where are you from" (while "hmm", "okay, so", "I mean" and "I was
talking to" go on)."""

_WORD = re.compile(r"[a-z']+")


def sounds_unfinished(text: str) -> bool:
    """True when `text` ends mid-phrase: a trailing comma, dash or ellipsis, or a continuation word."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.endswith((",", "-", "...", "…")):
        return True
    words = _WORD.findall(stripped.lower())
    if not words:
        return False
    if any(tuple(words[-n:]) in FINISHED_ENDINGS for n in (2, 3)):
        return False
    if words[-1] in STRANDED_AFTER:
        ended = len(words) <= 2 or words[-2] in _OBJECTS or not STRANDED_AFTER[words[-1]].isdisjoint(words[:-1])
        return not ended
    return words[-1] in CONTINUATION_WORDS


ACKNOWLEDGEMENTS = frozenset((
    "mm", "mhm", "mm hm", "mm hmm", "hm", "hmm", "uh huh", "uh", "ah", "oh", "aha", "yeah", "yep", "yup", "yes",
    "okay", "ok", "right", "all right", "alright", "sure", "sure thing", "i see", "got it", "gotcha", "of course",
    "wow", "cool", "nice", "great", "good", "perfect", "interesting", "exactly", "true", "indeed", "totally",
    "absolutely", "no way", "no kidding", "i know", "i bet", "makes sense", "fair enough", "sounds good",
    "for sure", "that's true", "that's right",
))
"""What listeners say to show they follow, not to take the floor ("mm-hm", "oh right", "of course")."""
_ACK_LONGEST = max(len(a.split()) for a in ACKNOWLEDGEMENTS)


def is_acknowledgement(text: str) -> bool:
    """True when every word of `text` belongs to an acknowledgement ("Oh, right.", "Mm-hm, of course.").

    A question ("Right?", "Really?") is not one: it asks for an answer. Words run together across
    punctuation, so "Oh right, okay." is "oh" + "right" + "okay"; an acknowledgement's own words may repeat.
    """
    stripped = text.strip()
    if not stripped or stripped.endswith("?"):
        return False
    words = _WORD.findall(stripped.lower().replace("-", " "))
    if not words:
        return False
    i = 0
    while i < len(words):
        for n in range(_ACK_LONGEST, 0, -1):  # the longest acknowledgement that starts here
            if i + n <= len(words) and " ".join(words[i:i + n]) in ACKNOWLEDGEMENTS:
                i += n
                break
        else:
            return False
    return True


STOP_COMMANDS = frozenset(("stop", "wait", "hold on", "hold up", "hang on", "hold it", "quiet", "shh", "hush", "pause",
                           "enough"))
"""Words that ask a talking assistant to stop ("stop", "hold on")."""
_STOP_COMPANIONS = frozenset(("no", "okay", "ok", "please", "hey", "it", "that", "be", "just", "a", "one", "second",
                              "sec", "moment", "talking", "sorry", "now", "hold"))
"""Words said around a stop command that do not change it ("no, stop", "wait a second", "stop talking please"), and
the first word of one that a decode cut short ("Hold up. Hold up. Hold")."""
_HOMOPHONES = {"weight": "wait", "weights": "wait", "waits": "wait", "stops": "stop"}
"""Spellings the recognizer gives a lone command's sound ("Wait!" comes back as "weight weight")."""
_STOP_LONGEST = max(len(c.split()) for c in STOP_COMMANDS)


def asks_to_stop(text: str) -> bool:
    """True when `text` is only a stop command and its companions ("Stop.", "No, stop.", "Hold on. Hold on.").

    For a short sound heard over the assistant's voice, which the model may take for a backchannel. The
    recognizer repeats a lone word ("stop, stop, stop,"), and repeats change nothing. Any other word makes it
    a sentence, not a command ("wait, really?", "stop by the shop").
    """
    words = [_HOMOPHONES.get(w, w) for w in _WORD.findall(text.lower().replace("-", " "))]
    commanded, i = False, 0
    while i < len(words):
        for n in range(_STOP_LONGEST, 0, -1):  # the longest command that starts here
            if i + n <= len(words) and " ".join(words[i:i + n]) in STOP_COMMANDS:
                commanded, i = True, i + n
                break
        else:
            if words[i] not in _STOP_COMPANIONS:
                return False
            i += 1
    return commanded


def asks_partial(user_state: UserState, was_speaking: bool) -> bool:
    """Whether this tick asks the recognizer for a new partial of the turn.

    While the user talks, and once more as they stop: that one holds their last words. And on every tick
    of a pause in the turn: a decode that ends right after the speech often hears the last word cut off
    and writes it unfinished ("... visit it in the last..." for "... visit Edinburgh?"), and each tick of
    silence after it lets the recognizer hear the word end; a take held for unfinished words would
    otherwise wait out its whole limit on that first hypothesis.
    """
    return user_state in (UserState.SPEAKING, UserState.PAUSING) or was_speaking


@dataclass
class TurnText:
    """The newest partial transcript of the open user turn; written by the recognizer side, read by the policy.

    `covers_ns` is the mic-clock time up to which the transcript has heard the audio, so the policy can
    tell words that are still on their way from words that are all in.
    """

    text: str = ""
    covers_ns: int = 0
    blind_take: bool = False  # the last take came before the user's last words were transcribed
    reopen: bool = False  # a blind take was taken back: the policy reopens the user's turn, holding
    carried: str = ""  # the words of a take taken back; the partials of the rest of the turn follow them
    taken: str = ""  # the words the last take was made on (the opener is skipped for an "mm-hm")
    spoken_over: str = ""  # the words of the newest short sound the user made over the assistant's voice

    def update(self, text: str, covers_ns: int) -> None:
        """A newer hypothesis of everything said in this turn since its last take, up to `covers_ns`.

        After a take was taken back, the recognizer starts over on the audio that follows it: its
        partials are the rest of the sentence, so they follow the carried words (a partial of the
        silence after "what wine would go nicely with," is empty, and the words still end mid-phrase).
        """
        self.text = f"{self.carried} {text.strip()}".strip()
        self.covers_ns = covers_ns

    def reset(self) -> None:
        """The turn is over (taken or abandoned); ``blind_take`` stays for the final transcript to check."""
        self.text = self.carried = self.spoken_over = ""
        self.covers_ns = 0

    def take(self, speech_end_ns: int) -> None:
        """The policy took the turn: remember whether it did so before the last words were in, and the
        words it took it on; then reset.
        """
        self.blind_take = self.behind(speech_end_ns)
        self.taken = self.text
        self.reset()

    def retract(self, final_text: str, now_ns: int) -> bool:
        """Take back a blind take whose final transcript ends mid-phrase (asks once per take).

        When it does, the words become the turn's text again and ``reopen`` asks the policy to hold the
        turn open for the rest of the sentence (up to its hold limit, as for any unfinished words).
        """
        blind, self.blind_take = self.blind_take, False
        if not (blind and sounds_unfinished(final_text)):
            return False
        self.update(final_text, now_ns)
        self.carried = self.text
        self.reopen = True
        return True

    def behind(self, speech_end_ns: int) -> bool:
        """Whether the user spoke after the audio this transcript covers (its last words are not in yet)."""
        return self.covers_ns < speech_end_ns

    def hear_over(self, text: str) -> None:
        """The words of a short sound the user made while the assistant talked (decoded on its own)."""
        self.spoken_over = text.strip()

    @property
    def acknowledged_over(self) -> bool:
        """Whether the user's sound over the assistant's voice, as far as it is decoded, only acknowledges."""
        return is_acknowledgement(self.spoken_over)

    @property
    def asks_stop(self) -> bool:
        """Whether the user's newest sound over the assistant's voice asked it to stop ("stop", "hold on")."""
        return asks_to_stop(self.spoken_over)

    @property
    def unfinished(self) -> bool:
        """Whether the words so far stop mid-phrase."""
        return sounds_unfinished(self.text)

    @property
    def acknowledged(self) -> bool:
        """Whether the words so far only acknowledge ("oh right", "mm-hm") and end there."""
        return is_acknowledgement(self.text) and not sounds_unfinished(self.text)
