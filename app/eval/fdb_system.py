"""The full system as the benchmark runs it on one item: floor policy, speech recognition of each user
turn, the cue clock, and speech synthesis of what the assistant says, on the virtual clock.

What the assistant says is not the point of the benchmark, so replies are fixed sentences in the
product's voice. Each reply starts, as live, with a one-word opener that plays at once (the interaction tier's own
word), then the body after the time the recognizer and synthesizer really took on this machine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.audio_io import read_wav_mono, rms_db, write_wav
from app.capture.files import FileMic
from app.core.clock import NS_PER_S, VirtualClock
from app.core.frames import Action, Decision, Snapshot, UserState
from app.core.ring import RingBuffer
from app.interaction.baseline_policy import BaselinePolicy
from app.interaction.cues import ACKNOWLEDGE, CUE_SECOND_LOOK, Cue, CueClock, cue_seconds
from app.interaction.floor_policy import Knobs, collided
from app.interaction.loop import InteractionLoop
from app.interaction.model import InteractionModel
from app.interaction.model_policy import ModelPolicy
from app.interaction.pre_roll import PreRoll
from app.interaction.scheduler import MicroTurnScheduler
from app.interaction.spoken_over import SpokenOver
from app.interaction.turn_text import TurnText, asks_partial, is_acknowledgement
from app.reasoning.intents import detect
from app.speech.audio import APP_RATE
from app.speech.backchannel import OPENERS as OPENER_WORDS
from app.speech.backchannel import spoken_form, trim_silence
from app.speech.playback import PAUSE_QUIET_DB, PlaybackQueue
from app.speech.speaker import VirtualSpeaker
from app.speech.vad import speech_end_s

OPENERS = tuple(spoken_form(w) for w in OPENER_WORDS)
"""As live: one word at once when the turn is taken, the reply after it."""
REPLIES = (
    "Here is what I found. The short answer is yes, and I can tell you more about the details if you like.",
    "Let me walk you through it. There are three things to keep in mind, and the first one matters most.",
    "That is a good question. It depends a little on the time of day, but usually it takes about twenty minutes.",
)
BACKCHANNELS = ("Yeah.", "Okay.", "Right.")
"""Short real words: what the benchmark's recognizer must see as a backchannel (at most 2 words, under 1 s)."""


@dataclass(frozen=True)
class Timing:
    """How long recognition takes on the virtual clock.

    ``measured`` (the default) uses the time each decode really took on this machine, which is what a
    user of this machine gets; scores then move a little with the machine's load. Otherwise a linear
    model of it stands in (fitted on a 2-core machine: a partial in 0.04 s + 0.03 s per second of
    audio, a reply's recognition and synthesis in 0.06 s + 0.05 s per second of the turn) and the voice
    is synthesized without its sampling noise, and each item starts with a freshly seeded recognizer
    (``Speech.fresh_recognizer``), so the same code and model give the same outputs under any load,
    and a change that touches one item leaves the words heard in the others as they were: for
    comparing two changes, not for latency.
    """

    measured: bool = True

    def partial_s(self, audio_s: float, wall_s: float) -> float:
        """Seconds until a partial of ``audio_s`` of audio is ready (it took ``wall_s`` here)."""
        return wall_s if self.measured else 0.04 + 0.03 * audio_s

    def reply_s(self, audio_s: float, wall_s: float) -> float:
        """Seconds a take's recognition and synthesis add before the reply body (it took ``wall_s`` here)."""
        return wall_s if self.measured else 0.06 + 0.05 * audio_s


MEASURED = Timing()


CLAUSE_PAUSE_S = 0.1
"""A quiet this long in a reply is a clause boundary: a reply cut off goes on from the start of the clause it was
cut in."""


def resume_point(audio: np.ndarray, cut: int, start: int = 0) -> int:
    """Where to say a reply cut at sample ``cut`` again from: the start of the clause the cut fell in, or
    of the next one when it fell in the pause between them (clauses are sounds apart by pauses of at
    least ``CLAUSE_PAUSE_S``; the reply's body begins at ``start``). ``audio.size`` when nothing is left.
    """
    frame = int(APP_RATE * 0.01)
    need = round(CLAUSE_PAUSE_S / 0.01)
    quiet_run, clause = 0, start
    for i in range(start // frame, audio.size // frame):
        if rms_db(audio[i * frame:(i + 1) * frame]) < PAUSE_QUIET_DB:
            quiet_run += 1
            continue
        if quiet_run >= need:
            clause = i * frame
        quiet_run = 0
        if (i + 1) * frame > cut:  # the first sound at or after the cut
            return clause
    return audio.size


class Speech:
    """Synthesized clips in the assistant's voice, cached; and the recognizer, loaded once."""

    def __init__(self, voice: str, asr_model: str, asr_threads: int, repeatable: bool = False) -> None:
        """``repeatable``: the voice without its sampling noise, so each clip is the same in every run."""
        from app.speech.asr import load_whisper
        from app.speech.tts import PiperTts
        from app.speech.vad import SileroVad

        self._tts = PiperTts(voice, noise_scale=0.0, noise_w_scale=0.0) if repeatable else PiperTts(voice)
        self._clips: dict[str, np.ndarray] = {}
        self._asr = (asr_model, asr_threads)
        self.whisper = load_whisper(asr_model, asr_threads)
        self._vad = SileroVad()

    def fresh_recognizer(self) -> None:
        """Load the recognizer again, its sampler seeded anew.

        Whisper retries a doubtful final by sampling, and the sampler's state lives in the recognizer's
        worker threads: it carries from one decode to the next, and seeding it again does not reach it.
        So without this, a change in one item could change the words heard in every item after it.
        """
        import ctranslate2

        from app.speech.asr import load_whisper

        ctranslate2.set_random_seed(0)
        self.whisper = load_whisper(*self._asr)

    def clip(self, text: str) -> np.ndarray:
        """``text`` as audio (cached: openers, backchannels and replies repeat)."""
        if text not in self._clips:
            audio, _ = self._tts.synthesize(text)
            self._clips[text] = trim_silence(np.asarray(audio, np.float32))  # speech starts when the reply does
        return self._clips[text]

    def speech_end_s(self, audio: np.ndarray) -> float | None:
        """Where the last speech in ``audio`` ends, by silero VAD (finer than the recognizer's word times)."""
        return speech_end_s(self._vad, audio)

    def partial(self, audio: np.ndarray) -> str:
        """A partial hypothesis of the turn so far, decoded as the live recognizer does (greedy, no times)."""
        from app.speech.asr import decode_alone

        return decode_alone(self.whisper, audio)

    def transcribe(self, audio: np.ndarray, partial: str | None = None) -> tuple[str, float | None]:
        """Text of a user turn and where its last word ends (seconds into ``audio``); ``partial`` is the
        newest partial hypothesis of the turn, which stands in for a final that loops (as live).
        """
        from app.speech.asr import StreamingTranscriber

        st = StreamingTranscriber(self.whisper, second_look=CUE_SECOND_LOOK)  # as live
        st.feed(audio)
        final = st.finalize(partial)
        return final.text, (final.words[-1].end if final.words else None)


@dataclass
class TurnRecorder:
    """The mic audio of the user's current turn, for recognition when the assistant takes the floor.

    As live (``DialogueLoop``), the turn starts with its pre-roll (``PreRoll``): the tick before its
    first one, since speech onsets straddle tick edges (without it the recognizer heard "come time
    seconds" for "count nine seconds"), and before that the ticks of an interruption that the model
    first heard as a backchannel.
    """

    chunks: list[np.ndarray] = field(default_factory=list)
    start_ns: int | None = None
    pre_roll: PreRoll = field(default_factory=PreRoll)

    def reset(self) -> None:
        """Forget the turn (the ticks before stay: they are the pre-roll of the next one)."""
        self.chunks.clear()
        self.start_ns = None

    def hook(self, snap: Snapshot, decision: Decision) -> None:
        """Keep audio while the user holds the floor; a take or interjection closes the turn."""
        if decision.action is Action.TAKE_TURN:
            self.reset()
        elif decision.user_state in (UserState.SPEAKING, UserState.PAUSING, UserState.END_OF_TURN) or self.chunks:
            if self.start_ns is None:
                self.start_ns, self.chunks = self.pre_roll.lead(snap.start_ns)
            self.chunks.append(np.asarray(snap.mic))
        self.pre_roll.push(snap.start_ns, snap.mic, decision.user_state)

    def audio(self) -> np.ndarray:
        """The turn so far."""
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.float32)


@dataclass
class PartialFeed:
    """The live recognizer's partial transcripts on the virtual clock, for the policy's ``TurnText``.

    As live: a partial is asked for on every tick the user speaks, once as they stop, and on every tick
    of a pause in their turn (see ``asks_partial``); asks made while one is decoding
    collapse into one that starts when it finishes; each is ready after the time the decode really
    took on this machine, and is read by the policy from the first tick after that.
    """

    speech: Speech
    recorder: TurnRecorder
    turn_text: TurnText
    timing: Timing = MEASURED
    ready_ns: int | None = None
    text: str = ""
    covers_ns: int = 0
    asked: bool = False
    was_speaking: bool = False

    def reset(self) -> None:
        """No decode in flight, nothing asked."""
        self.ready_ns, self.text, self.covers_ns, self.asked, self.was_speaking = None, "", 0, False, False

    def pump(self, t_ns: int) -> None:
        """Before the policy's step (as live, ``DialogueLoop.pump``): deliver a partial finished by now."""
        if self.ready_ns is not None and self.ready_ns <= t_ns:
            self.turn_text.update(self.text, self.covers_ns)
            self.ready_ns = None

    def hook(self, snap: Snapshot, decision: Decision) -> None:
        """Ask for a partial if the user speaks (or just stopped, or pauses); ``pump`` delivers it."""
        if decision.action is Action.TAKE_TURN:
            self.reset()  # the policy cleared the turn's text as it took the turn
            return
        speaking = decision.user_state is UserState.SPEAKING
        self.asked = self.asked or asks_partial(decision.user_state, self.was_speaking)
        self.was_speaking = speaking
        if self.asked and self.ready_ns is None and self.recorder.chunks and self.recorder.start_ns is not None:
            wall = time.perf_counter()
            audio = self.recorder.audio()
            self.text = self.speech.partial(audio)
            self.covers_ns = self.recorder.start_ns + int(audio.size / APP_RATE * NS_PER_S)
            took = self.timing.partial_s(audio.size / APP_RATE, time.perf_counter() - wall)
            self.ready_ns = snap.t_ns + int(took * NS_PER_S)
            self.asked = False


def _stops_speech(text: str) -> bool:
    """Whether reasoning's intent layer takes ``text`` as "stop talking" (it then says nothing)."""
    intent = detect(text)
    return intent is not None and intent.kind == "stop_speech"


@dataclass
class SpokenOverFeed:
    """The words of each short sound the user makes over the assistant's voice, for ``TurnText.hear_over``.

    As live (``DialogueLoop``): each tick of the sound asks for a decode of it alone (see ``SpokenOver``);
    one asked while another decodes waits for it, and each is read from the first tick after it is ready,
    unless a new sound has begun since: an older sound's words are not its words.
    """

    speech: Speech
    turn_text: TurnText
    timing: Timing = MEASURED
    sound: SpokenOver = field(default_factory=SpokenOver)
    pending: np.ndarray | None = None
    ready_ns: int | None = None
    text: str = ""
    text_of: int = 0  # the sound those words are of (``SpokenOver.sound``)

    def pump(self, t_ns: int) -> None:
        """Before the policy's step: deliver the words decoded by now."""
        if self.ready_ns is not None and self.ready_ns <= t_ns:
            if self.text_of == self.sound.sound:
                self.turn_text.hear_over(self.text)
            self.ready_ns = None

    def hook(self, snap: Snapshot, decision: Decision) -> None:
        """After the step: collect the sound's audio and decode it when the recognizer is free."""
        audio = self.sound.hear(snap.mic, decision, self.turn_text)
        if audio is not None:  # a new sound's first tick always has audio, so no older sound's waits here
            self.pending = audio
        if self.pending is not None and self.ready_ns is None:
            wall = time.perf_counter()
            self.text, self.text_of = self.speech.partial(self.pending), self.sound.sound
            took = self.timing.partial_s(self.pending.size / APP_RATE, time.perf_counter() - wall)
            self.ready_ns = snap.t_ns + int(took * NS_PER_S)
            self.pending = None


@dataclass
class TickTrace:
    """Each tick as the floor policy saw and decided it, for ``ticks.jsonl`` beside the item's output.

    A row is the decision (``Decision.to_json``) plus, for the model policy, the model's probabilities
    by name, whether the voice was held, the partial transcript the policy read and the words of a sound
    over the assistant's voice (when there are any): enough to see why
    an item passed or failed without running it again.
    """

    policy: Any
    turn_text: TurnText | None
    t0_ns: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    words: str | None = None
    spoken_over: str = ""

    def pump(self, _t_ns: int) -> None:
        """Before the policy's step (after the partial feed's): the words it is about to read."""
        self.words = None if self.turn_text is None else self.turn_text.text
        self.spoken_over = "" if self.turn_text is None else self.turn_text.spoken_over

    def record(self, decision: Decision) -> None:
        """After the step: the decision and what led to it."""
        row = decision.to_json(self.t0_ns)
        probs = getattr(getattr(self.policy, "state", None), "probs", None)
        if probs is not None:
            row["p_user"] = {u.value: round(p, 3) for u, p in zip(UserState, probs.user_state, strict=True)}
            row["p_action"] = {a.value: round(probs.p(a), 3) for a in Action}
            row["p_cue_due"] = round(probs.cue_due, 3)
            row["voice_held"] = bool(self.policy.voice_held)
        if self.words is not None:
            row["words"] = self.words
        if self.spoken_over:
            row["spoken_over"] = self.spoken_over
        self.rows.append(row)


class BaselineTimer:
    """The baseline harness's timer: speaks a requested cue at the first tick at or after its time."""

    voice_held = False  # the baseline stops outright on speech; it never holds the voice

    def __init__(self, policy: BaselinePolicy, cues: CueClock) -> None:
        self.policy = policy
        self.cues = cues
        self.due: Cue | None = None

    def reset(self) -> None:
        """Start a new conversation."""
        self.policy.reset()
        self.cues.reset()

    def step(self, snap: Snapshot, assistant_speaking: bool) -> tuple[Action, UserState, float]:
        """The baseline's decision, or INTERJECT when a timer is due."""
        action, user, level = self.policy.step(snap, assistant_speaking)
        ttc = self.cues.time_to_next(snap.t_ns)
        if ttc is not None and ttc <= 0 and not assistant_speaking:
            self.due = self.cues.pending.pop(0)
            return Action.INTERJECT, user, level
        return action, user, level

    def interjection(self) -> tuple[str, str]:
        """What to say for this tick's INTERJECT (the timer that is due), and why."""
        return (self.due.say if self.due else ""), "the time you asked for"


@dataclass
class ItemRun:
    """What one item produced."""

    output: np.ndarray
    ticks: list[dict[str, Any]]  # see TickTrace
    turns: list[dict[str, Any]]
    compute_s: list[float]


def run_item(mic_file: Path, policy_name: str, speech: Speech, knobs: Knobs,
             model_path: Path | None = None, tick_ms: int = 200, timing: Timing = MEASURED) -> ItemRun:
    """Run ``mic_file`` through the system with the ``model`` or ``baseline`` floor policy."""
    from app.speech.vad import SileroVad

    if not timing.measured:
        speech.fresh_recognizer()  # the item's words do not depend on the items run before it
    ring = RingBuffer(APP_RATE, 60.0, 4)
    playback = PlaybackQueue(ring.self_audio)
    clock = VirtualClock()
    t0 = clock.now_ns()
    mic = FileMic(mic_file, ring.mic, t0)
    speaker = VirtualSpeaker(playback, t0, len(mic.audio))
    cues = CueClock()
    recorder = TurnRecorder()
    hooks: list[Callable[[Snapshot, Decision], None]] = [recorder.hook]
    policy: Any
    turn_text: TurnText | None = None
    feed: PartialFeed | None = None
    over: SpokenOverFeed | None = None
    if policy_name == "model":
        turn_text = TurnText()
        policy = ModelPolicy(InteractionModel(model_path), SileroVad(), knobs=knobs, tick_s=tick_ms / 1000, cues=cues,
                             turn_text=turn_text)
        feed = PartialFeed(speech, recorder, turn_text, timing)
        over = SpokenOverFeed(speech, turn_text, timing)
        hooks += [feed.hook, over.hook]
    else:
        policy = BaselineTimer(BaselinePolicy(SileroVad(), tick_s=tick_ms / 1000), cues)
    turns: list[dict[str, Any]] = []
    compute: list[float] = []
    n_reply = [0]
    carry = [""]  # words of a turn taken back, said again with the rest of the sentence
    replies: dict[str, tuple[np.ndarray, int]] = {}  # what each reply said: its audio, where its body starts
    last_take_ns = [t0]

    def take_turn(t_ns: int) -> tuple[np.ndarray, str] | None:
        wall = time.perf_counter()

        def spent(heard: str, **more: Any) -> float:
            """The recognizer's and synthesizer's time for this take, recorded with what was heard."""
            s = timing.reply_s(audio.size / APP_RATE, time.perf_counter() - wall)
            compute.append(s)
            turns.append({"t": round((t_ns - t0) / NS_PER_S, 3), "heard": heard, "cue_s": None,
                          "compute_s": round(s, 3)} | more)
            return s

        audio = recorder.audio()
        # Responders run before the hooks, so the feed still holds the turn's newest partial here.
        partial = feed.text if feed is not None else None
        text, last_end = speech.transcribe(audio, partial) if audio.size else ("", None)
        opener = OPENERS[n_reply[0] % len(OPENERS)]
        if turn_text is not None and turn_text.retract(text, t_ns):
            # As live: the final transcript ends mid-phrase, so the opener stops when it arrives and the
            # words wait for the rest of the sentence.
            carry[0] = f"{carry[0]} {text}".strip()
            return speech.clip(opener)[: int(spent(text, taken_back=True) * APP_RATE)], opener
        text, carry[0] = f"{carry[0]} {text}".strip(), ""
        since, last_take_ns[0] = last_take_ns[0], t_ns
        if text and is_acknowledgement(text):
            # As live (``DialogueLoop``): an "mm-hm" is no request. The opener went out only if the words
            # the take was made on did not already read as one; a reply the yield cut is said again from
            # the clause it was cut in.
            first = np.zeros(0, np.float32) if turn_text is not None and is_acknowledgement(turn_text.taken) \
                else speech.clip(opener)
            cut = next((h for h in reversed(loop.heard) if h.stopped and h.t_ns >= since and h.text in replies
                        and 0 < h.heard_samples < h.total_samples), None)
            s = spent(text, acknowledged=True)
            if cut is None:
                return (first, opener) if first.size else None
            audio, body = replies[cut.text]
            rest = audio[resume_point(audio, cut.heard_samples, body):]
            gap = np.zeros(max(0, int((s - first.size / APP_RATE) * APP_RATE)), np.float32)
            return np.concatenate([first, gap, rest]), cut.text
        if not text or _stops_speech(text):
            # As live: the recognizer heard no words in the turn (a "mm-hm", the TV), so nothing goes to
            # reasoning and no reply follows the opener; nor does one follow "stop" (reasoning's intent
            # layer answers it with silence).
            spent(text)
            return speech.clip(opener), opener
        seconds = None
        if recorder.start_ns is not None and cue_seconds(text) is not None:
            spoken = speech.speech_end_s(audio) or last_end or audio.size / APP_RATE
            seconds = cues.request(text, recorder.start_ns + int(spoken * NS_PER_S))
        body = ACKNOWLEDGE if seconds is not None else REPLIES[n_reply[0] % len(REPLIES)]
        n_reply[0] += 1
        first, rest = speech.clip(opener), speech.clip(body)
        gap = np.zeros(max(0, int((spent(text, cue_s=seconds) - first.size / APP_RATE) * APP_RATE)), np.float32)
        said = f"{opener} {body}"
        replies[said] = (np.concatenate([first, gap, rest]), first.size + gap.size)
        return replies[said][0], said

    def interject(_t_ns: int) -> tuple[np.ndarray, str]:
        text, _ = policy.interjection()
        return speech.clip(text), text

    def backchannel(_t_ns: int) -> tuple[np.ndarray, str]:
        text = BACKCHANNELS[len(turns) % len(BACKCHANNELS)]
        return speech.clip(text), text

    def spoke_on(_snap: Snapshot, decision: Decision) -> None:
        """As live (``DialogueLoop``): a yield right after a take means the user was not done; the taken
        words (unless they set a cue) start the turn they went on with.
        """
        if decision.action is not Action.YIELD or not collided(last_take_ns[0], decision.t_ns):
            return
        last_take_ns[0] = -(1 << 62)  # once per take
        turn = turns[-1] if turns else None
        if turn is not None and turn["heard"] and turn["cue_s"] is None and not (
                turn.get("acknowledged") or turn.get("taken_back")):  # taken-back words are carried already
            carry[0] = f"{carry[0]} {turn['heard']}".strip()
            turn["spoken_on"] = True

    hooks.append(spoke_on)
    trace = TickTrace(policy, turn_text, t0)
    pumps = [mic.pump, speaker.pump] + ([feed.pump, over.pump] if feed is not None else []) + [trace.pump]
    loop = InteractionLoop(ring, playback, policy, None, pumps, tick_ms,
                           hooks=hooks,
                           responders={Action.TAKE_TURN: take_turn, Action.INTERJECT: interject,
                                       Action.BACKCHANNEL: backchannel})
    scheduler = MicroTurnScheduler(clock, loop, period_ms=tick_ms, on_decision=trace.record)
    scheduler.run(t0, n_ticks=int(np.ceil(len(mic.audio) / (APP_RATE * tick_ms // 1000))))
    speaker.pump(t0 + mic.duration_ns)
    return ItemRun(speaker.output, trace.rows, turns, compute)


def write_output(run: ItemRun, path: Path) -> None:
    """The item's time-aligned output.wav (or clean_output.wav) and, beside it, its ticks as
    ``ticks.jsonl`` (``clean_ticks.jsonl``), one JSON object per line.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, run.output, APP_RATE)
    ticks = path.with_name(path.name.replace("output.wav", "ticks.jsonl"))
    ticks.write_text("".join(json.dumps(row) + "\n" for row in run.ticks), encoding="utf-8")


def input_duration(path: Path) -> float:
    """Seconds of audio in a WAV file."""
    return read_wav_mono(path, APP_RATE).size / APP_RATE
