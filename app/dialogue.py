"""The spoken conversation around the micro-turn loop: what the user said goes to the reasoning tier,
what it answers (and its notices, and timers that fire) is spoken back.

Everything slow runs on its own thread: recognition on the ASR worker, thinking on the reasoning
worker, synthesis on the speech writer. ``DialogueLoop.on_tick`` only posts and polls, so the
scheduler never waits.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from app.core.clock import NS_PER_S
from app.core.frames import Action, Decision, HeardSpan, Snapshot, UserState
from app.interaction.cues import ACKNOWLEDGE, CueClock, cue_seconds
from app.interaction.floor_policy import collided
from app.interaction.pre_roll import PreRoll
from app.interaction.spoken_over import SpokenOver
from app.interaction.turn_text import TurnText, asks_partial, is_acknowledgement
from app.speech.asr import SpokenOverTranscript

log = logging.getLogger(__name__)

Frame = Any
"""Whatever the UI shows: transcripts, notices, task states, panels, timers."""


@dataclass(frozen=True)
class SpokenClause:
    """A clause queued for playback as utterance ``utterance_id``; the HeardSpan with that id later says
    how much of it the user heard.
    """

    utterance_id: int
    text: str
    t_ns: int = field(default_factory=time.monotonic_ns)


class Voice(Protocol):
    """What the speech writer needs from a synthesizer (PiperTts provides it)."""

    def stream(self, text: str) -> Any:
        """Yield chunks with ``.audio`` (16 kHz float32) and ``.text``, clause by clause."""
        ...


class Playback(Protocol):
    """The playback queue's side the speech writer uses."""

    def enqueue(self, audio: np.ndarray, text: str = "") -> int:
        """Queue audio to be played after what is queued."""
        ...

    def stop(self, t_ns: int | None = None) -> Any:
        """Silence what is playing and drop what is queued."""
        ...


class SpeechWriter:
    """Synthesizes text clause by clause on its own thread and queues the audio for playback.

    ``cancel()`` (the user talked over us) drops what is not yet synthesized; what is already queued for
    playback is the playback queue's to stop.
    """

    def __init__(self, voice: Voice, playback: Playback, on_frame: Callable[[Frame], None] | None = None) -> None:
        self._voice = voice
        self._playback = playback
        self._on_frame = on_frame or (lambda f: None)
        self._queue: queue.SimpleQueue[tuple[int, str] | None] = queue.SimpleQueue()
        self._generation = itertools.count(1)
        self._current = 0
        self._lock = threading.Lock()
        self.spoken: list[str] = []  # clauses handed to playback, in order (for transcripts and tests)
        self._thread = threading.Thread(target=self._run, name="speech-writer", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        """Speak ``text`` after whatever is already being said."""
        if text.strip():
            with self._lock:
                gen = self._current
            self._queue.put((gen, text))

    def cancel(self) -> None:
        """Forget everything not yet synthesized."""
        with self._lock:
            self._current = next(self._generation)

    def close(self) -> None:
        """End the thread after the current clause."""
        self.cancel()
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            gen, text = item
            try:
                for chunk in self._voice.stream(text):
                    with self._lock:
                        if gen != self._current:
                            break
                        uid = self._playback.enqueue(np.asarray(chunk.audio, dtype=np.float32), chunk.text)
                        self.spoken.append(chunk.text)
                    self._on_frame(SpokenClause(uid, chunk.text))
            except Exception:  # one bad sentence must not silence the assistant for good
                log.exception("speech synthesis failed for %r", text)


class Recognizer(Protocol):
    """The ASR worker's non-blocking side."""

    def feed(self, chunk: np.ndarray) -> None:
        """Add audio to the current utterance."""
        ...

    def request_partial(self) -> None:
        """Ask for a fresh partial hypothesis."""
        ...

    def request_final(self) -> None:
        """Ask for the final transcript; the utterance then ends."""
        ...

    def request_alone(self, audio: np.ndarray, sound: int = 0) -> None:
        """Ask for the words of ``audio`` decoded alone, outside the utterance; they come back named ``sound``."""
        ...

    def poll(self) -> list[Any]:
        """Results ready now."""
        ...


def unheard_rest(said: str, heard: list[str]) -> str:
    """What of ``said`` the user has not heard, given the clauses they heard in full, in order.

    The rest starts at the first clause not heard to its end (a clause cut off is said again whole).
    Heard texts that are not the next clause of ``said`` (an opener word, a backchannel) are skipped.
    """
    pos = 0
    for clause in heard:
        clause = clause.strip()
        start = said.find(clause, pos) if clause else -1
        if start >= 0 and not said[pos:start].strip():
            pos = start + len(clause)
    return said[pos:].strip()


class DialogueLoop:
    """Per-tick glue between the floor decisions, recognition, reasoning and speech.

    A turn that only acknowledges ("mm-hm", "oh right", "of course") goes nowhere: it is no request.
    When the assistant stopped for it, it says again what the user had not yet heard, from the clause
    it was cut in. After a question of the assistant's, "yeah" or "okay" is an answer and goes on to
    reasoning like any turn.

    A user who speaks on within ``COLLISION_S`` of a take (the assistant yields at once) was not done:
    the taken words are not a request of their own but the start of the turn that goes on, so they wait
    for the rest ("what wine would go nicely with," + "roast chicken?" is one request, not two). A request
    already sent is withdrawn; a timed request stays on the cue clock.
    """

    _HEARING = (UserState.SPEAKING, UserState.PAUSING, UserState.END_OF_TURN)

    def __init__(self, recognizer: Recognizer, reasoning: Any, speech: SpeechWriter,
                 on_frame: Callable[[Frame], None] | None = None,
                 monotonic: Callable[[], float] = time.monotonic, cues: CueClock | None = None,
                 backchannel: Callable[[], None] | None = None, turn_text: TurnText | None = None,
                 opener: Callable[[], None] | None = None, hush: Callable[[], None] | None = None) -> None:
        self.recognizer = recognizer
        self.reasoning = reasoning
        self.speech = speech
        self.cues = cues  # requested times go here, for the interaction model to speak on time
        self.turn_text = turn_text  # the newest partial goes here, for the floor policy to hear unfinished words
        self._was_speaking = False
        self._carry = ""  # words of a turn taken back because they ended mid-phrase
        self._backchannel = backchannel
        self._opener = opener  # one word the moment the turn is taken ("Okay."), before the reply is ready
        self._hush = hush  # stops it when the turn turns out to be taken too early
        self._on_frame = on_frame or (lambda f: None)
        self._monotonic = monotonic
        self._pre_roll = PreRoll()  # the ticks before a turn opens: its first word, an interruption's start
        self._spoken_over = SpokenOver()  # a short sound over the assistant's voice: a "stop" or an "mm-hm"
        self._utterance_start_ns = 0
        self._in_utterance = False
        self._results: list[Any] = []  # recognizer results picked up by ``pump``, handled by ``on_tick``
        self.user_turns: list[str] = []  # final transcripts sent to the reasoning tier
        self._said: list[str] = []  # what the assistant was given to say since it last took the floor
        self._heard: list[str] = []  # clauses of it the user heard to their end
        self._cut = ""  # what a yield left unsaid, said again if the user only acknowledged
        self._asked = False  # the assistant's last words before the turn now taken were a question
        self._take_ns: int | None = None  # when the turn was last taken (until the user speaks on or not)
        self._final_due = False  # the last take's final transcript has not come yet
        self._collided = False  # the user spoke on right after the take: its words start a longer turn
        self._submitted: str | None = None  # the last take's words, if they went to reasoning
        self.streaming: set[str] = set()  # tasks whose reply the model has started to produce

    def reset(self) -> None:
        """Forget the utterance in progress (a new conversation)."""
        self._pre_roll.reset()
        self._spoken_over.reset()
        self._in_utterance = False
        if self.cues is not None:
            self.cues.reset()

    def heard(self, span: HeardSpan) -> None:
        """What the user heard of one queued clause (the interaction loop's ``on_heard``)."""
        if not span.stopped and span.text:
            self._heard.append(span.text)

    def _say(self, text: str) -> None:
        self._said.append(text)
        self.speech.say(text)

    def _acknowledged(self, text: str) -> bool:
        """Handle a turn that only acknowledges; False when ``text`` is a turn for reasoning."""
        if not is_acknowledgement(text) or self._asked:
            return False
        if self._cut:
            self._say(self._cut)
        return True

    def _spoke_on(self, t_ns: int) -> None:
        """A yield: if it came right after a take, the user was not done, and the taken words wait for the rest."""
        if not collided(self._take_ns, t_ns):
            return
        self._take_ns = None
        if self._final_due:
            self._collided = True  # its final transcript waits for the rest of the turn
        elif self._submitted is not None:
            self.reasoning.retract()  # the request it made was only its first words
            self._carry = f"{self._carry} {self._submitted}".strip()
            self._submitted = None

    def pump(self, t_ns: int) -> None:
        """Before the floor policy's step: pick up the recognizer's results.

        A partial that finished since the last tick is then the text this tick's decision reads, not
        the next tick's (``on_tick`` runs after the decision, and handles what was picked up here).
        """
        for result in self.recognizer.poll():
            if isinstance(result, SpokenOverTranscript):
                if self.turn_text is not None and result.sound == self._spoken_over.sound:  # not a sound before it
                    self.turn_text.hear_over(result.text)
                continue
            if not hasattr(result, "words") and self.turn_text is not None and self._in_utterance:
                covers = self._utterance_start_ns + int(float(result.audio_s) * NS_PER_S)
                self.turn_text.update(str(result.text), covers)
            self._results.append(result)

    def on_tick(self, snap: Snapshot, decision: Decision) -> None:
        """Post this micro-turn's audio and decision; pick up whatever is ready; never blocks."""
        self._hear(snap, decision)
        self.pump(snap.t_ns)
        results, self._results = self._results, []
        for result in results:
            self._on_frame(result)
            if not hasattr(result, "words"):  # a partial hypothesis: captions (``pump`` passed its words on)
                continue
            text = str(result.text).strip()
            self._final_due, collided, self._collided = False, self._collided, False
            if text and self.turn_text is not None and self.turn_text.retract(text, snap.t_ns):
                # The turn was taken before the last words were in, and they end mid-phrase: the user
                # is not done. Nothing goes to reasoning; the words wait for the rest of the sentence.
                self._carry = f"{self._carry} {text}".strip()
                if self._hush is not None:
                    self._hush()
                continue
            text, self._carry = f"{self._carry} {text}".strip(), ""
            if collided and cue_seconds(text) is None:
                self._carry = text  # the start of the turn the user went on with
                continue
            acknowledged = bool(text) and self._acknowledged(text)
            self._cut = ""
            if text and not acknowledged:
                self.user_turns.append(text)
                if not self._cue_request(text, result):
                    self.reasoning.submit(text)
                    self._submitted = text
        if decision.action is Action.TAKE_TURN:
            # The assistant's last words before this turn: after a question, "yeah" answers it.
            self._asked = bool(self._said) and self._said[-1].rstrip().endswith("?")
            words = self.turn_text.taken if self.turn_text is not None else ""
            if self._opener is not None and not (is_acknowledgement(words) and not self._asked):
                self._opener()  # an "mm-hm" gets no "Okay."
            self._said, self._heard = [], []
            self._take_ns, self._final_due, self._submitted = decision.t_ns, True, None
        if decision.action is Action.INTERJECT and decision.say:
            self._say(decision.say)
        elif decision.action is Action.BACKCHANNEL and self._backchannel is not None:
            self._backchannel()
        if decision.action is Action.YIELD:
            self._spoke_on(decision.t_ns)
            self._cut = unheard_rest(" ".join(self._said), self._heard)
            self.speech.cancel()
            self.reasoning.interrupt_speech()
        for frame in self.reasoning.drain():
            kind = type(frame).__name__
            if kind == "TokenFrame":
                self.streaming.add(frame.task_id)
                continue  # replies are captioned clause by clause as they are spoken (SpokenClause)
            self._on_frame(frame)
            if kind == "Notice":
                self._say(frame.text)
            elif kind == "TimerFired":
                self._say(f"Your {frame.timer.label} is up." if frame.timer.label not in ("", "timer")
                          else "Your timer is up.")
            elif kind == "StopSpeech":
                self.speech.cancel()
        if decision.user_state not in (UserState.SPEAKING, UserState.PAUSING):
            for delivery in self.reasoning.deliver_ready(self._monotonic()):
                self._on_frame(delivery)
                reply = delivery.result.reply or delivery.result.error or ""
                self._say(reply)

    def _cue_request(self, text: str, result: Any) -> bool:
        """A timed request ("tell me when ten seconds have passed") goes on the cue clock, not to reasoning."""
        if self.cues is None:
            return False
        words = getattr(result, "words", None) or []
        spoken_end_ns = (self._utterance_start_ns + int(float(words[-1].end) * NS_PER_S) if words
                         else time.monotonic_ns())
        if self.cues.request(text, spoken_end_ns) is None:
            return False
        self._say(ACKNOWLEDGE)
        return True

    def _hear(self, snap: Snapshot, decision: Decision) -> None:
        hearing = decision.user_state in self._HEARING
        if hearing and not self._in_utterance:
            self._utterance_start_ns, lead = self._pre_roll.lead(snap.start_ns)  # see PreRoll
            for chunk in lead:
                self.recognizer.feed(chunk)
        speaking = decision.user_state is UserState.SPEAKING
        if hearing:
            self._in_utterance = True
            self.recognizer.feed(snap.mic)
            if asks_partial(decision.user_state, self._was_speaking):
                self.recognizer.request_partial()
        self._was_speaking = speaking
        if decision.action is Action.TAKE_TURN and self._in_utterance:
            self.recognizer.request_final()
            self._in_utterance = False
            if self.turn_text is not None:
                self.turn_text.reset()
        self._pre_roll.push(snap.start_ns, snap.mic, decision.user_state)
        if self.turn_text is not None:  # only the model's policy reads the words (see SpokenOver)
            alone = self._spoken_over.hear(snap.mic, decision, self.turn_text)
            if alone is not None:
                self.recognizer.request_alone(alone, self._spoken_over.sound)


def build_dialogue(settings: Any, playback: Playback, on_frame: Callable[[Frame], None] | None = None,
                   frame_source: Callable[[], np.ndarray | None] | None = None, cues: CueClock | None = None,
                   turn_text: TurnText | None = None) -> tuple[DialogueLoop, Callable[[], None]]:
    """Load recognizer, voice and reasoning tier from the settings; returns the loop and its closer.

    Raises the speech or reasoning tier's own clear errors (missing model, bad path) for the caller to show.
    """
    from app.interaction.cues import CUE_SECOND_LOOK
    from app.reasoning.runtime import build_worker, embedded_backend
    from app.speech.asr import AsrWorker
    from app.speech.backchannel import OPENERS, BackchannelBank
    from app.speech.tts import PiperTts

    sp = settings.speech
    # loads on its own thread meanwhile
    recognizer = AsrWorker(sp.asr_model, cpu_threads=sp.asr_threads, second_look=CUE_SECOND_LOOK)
    voice = PiperTts(sp.voice)
    options = settings.reasoning.as_dict()
    if options["backend"] == "embedded" or options["http"]["fallback_to_embedded"]:
        embedded_backend(options).load()  # now, not on the first request: that would be a second's silence
    reasoning = build_worker(options, frame_source=frame_source)
    recognizer.wait_ready(60)
    writer = SpeechWriter(voice, playback, on_frame)
    bank = BackchannelBank(voice)
    bank.warm()

    def backchannel() -> None:
        playback.enqueue(bank.clip("mm-hm"), "mm-hm")

    openers = itertools.cycle(OPENERS)

    def opener() -> None:
        word = next(openers)
        playback.enqueue(bank.clip(word), word)

    def hush() -> None:
        playback.stop()

    loop = DialogueLoop(recognizer, reasoning, writer, on_frame, cues=cues, backchannel=backchannel,
                        turn_text=turn_text, opener=opener, hush=hush)

    def close() -> None:
        writer.close()
        recognizer.close()
        reasoning.close()

    return loop, close
