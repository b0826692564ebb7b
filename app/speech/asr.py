"""Streaming speech recognition with faster-whisper, run off the caller's thread.

`StreamingTranscriber` holds one utterance and re-transcribes it on each `partial()`, committing only
the prefix that two successive hypotheses agree on (LocalAgreement-2). `AsrWorker` hosts it on a
thread behind a request queue, so the 200 ms scheduler only posts requests and polls results.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.speech.audio import APP_RATE, read_wav
from app.speech.models import whisper_model_path


@dataclass(frozen=True)
class Word:
    """A recognized word with start/end seconds from the start of the utterance."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class PartialTranscript:
    """A streaming hypothesis: `stable` words will not change, `unstable` may; `audio_s` is what it covers."""

    stable: str
    unstable: str
    audio_s: float
    t_ns: int

    @property
    def text(self) -> str:
        """Stable and unstable words together."""
        return f"{self.stable} {self.unstable}".strip()


@dataclass(frozen=True)
class FinalTranscript:
    """The utterance's final text with word timestamps."""

    text: str
    words: tuple[Word, ...]
    audio_s: float
    t_ns: int


@dataclass(frozen=True)
class SpokenOverTranscript:
    """The words of a short sound the user made over the assistant's voice, decoded alone (see ``decode_alone``)."""

    text: str
    t_ns: int
    sound: int = 0  # the caller's name for the sound (``request_alone``), so words of an older one can be told


@dataclass(frozen=True)
class SecondLook:
    """A second decode of a final transcript, primed with ``prompt``, for words a checker finds half-heard.

    The recognizer mishears some requests on voices it knows poorly ("come time seconds and then tell
    me"); decoding the same audio again with a prompt of such requests in the words users say them
    often recovers them. ``wanted(text)`` says the first transcript needs the second look;
    ``kept(text)`` says the second one is the better account (otherwise the first stands).
    """

    prompt: str
    wanted: Callable[[str], bool]
    kept: Callable[[str], bool]


WINDOW_MARGIN_FRAMES = 300
"""Silence kept after the speech in the encoder's window: 3 s of 10 ms mel frames."""
WINDOW_STEP_FRAMES = 100
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
"""faster-whisper's retries for a final transcript; a partial makes one greedy pass (the next one comes soon)."""
TOKENS_PER_S = 10
"""Most tokens a second of speech needs (fast English is about 6); caps the decoder's runaway loops."""
LOOP_REPEATS = 4
"""Times in a row one phrase must come back for a transcript to count as a decoder loop (see ``decoder_loop``)."""


def encoder_frames(features: np.ndarray, margin: int = WINDOW_MARGIN_FRAMES) -> int:
    """How many mel frames of a padded window to encode: the speech plus ``margin``, in whole seconds.

    faster-whisper pads every window to 30 s, and the encoder's cost grows with the window, so a 2 s
    utterance paid for 30 s (0.9 s on two cores for tiny.en). Whisper's encoder also runs on shorter
    windows (whisper.cpp's ``audio_ctx``): measured here, utterances of 2-6 s decode 3.4x faster with
    the same words on the LJ Speech clips and the generated test voices.
    """
    total = features.shape[-1]
    used = np.flatnonzero(np.any(features.reshape(-1, features.shape[-2], total)[0] != 0, axis=0))
    speech = int(used[-1]) + 1 if used.size else 0
    step = WINDOW_STEP_FRAMES
    return min(total, max(2 * step, -(-(speech + margin) // step) * step))


def max_new_tokens(audio_s: float) -> int:
    """Tokens a window of ``audio_s`` seconds may produce: garbled audio cannot loop to 448 tokens."""
    return min(200, int(TOKENS_PER_S * min(audio_s, 30.0)) + 10)


def load_whisper(model: str | Path | None = None, cpu_threads: int = 2, compute_type: str = "int8") -> Any:
    """Load a faster-whisper model by bundled name, cached name or folder; never downloads.

    The model encodes only the part of each 30 s window that holds audio (see ``encoder_frames``).
    """
    from faster_whisper import WhisperModel

    class ShortWindowWhisper(WhisperModel):  # type: ignore[misc]
        def encode(self, features: np.ndarray) -> Any:
            n = encoder_frames(features)
            return super().encode(np.ascontiguousarray(features[..., :n]))

    return ShortWindowWhisper(whisper_model_path(model), device="cpu", cpu_threads=cpu_threads,
                              compute_type=compute_type)


def _norm(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def agreed_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    """Number of leading words two hypotheses share (compared without case and punctuation)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if _norm(x) != _norm(y):
            break
        n += 1
    return n


def drop_repeats(segments: Sequence[Any]) -> list[Any]:
    """Segments without those that repeat the one before word for word (two words or more).

    On a short encoder window whisper sometimes loops: it transcribes a phrase, then emits the same
    phrase again as a new segment squeezed into the silence after it (measured: "Please call my sister
    tomorrow." at 1.74-3.62 s and again at 3.62-4.08 s). People do not repeat a whole phrase that way.
    """
    kept: list[Any] = []
    for seg in segments:
        words = [_norm(w) for w in seg.text.split()]
        if kept and len(words) >= 2 and words == [_norm(w) for w in kept[-1].text.split()]:
            continue
        kept.append(seg)
    return kept


def decoder_loop(text: str, repeats: int = LOOP_REPEATS, longest: int = 4) -> bool:
    """Whether ``text`` holds one phrase of up to ``longest`` words ``repeats`` times in a row.

    That is whisper's decoder looping on audio it cannot read, not speech: measured on unfamiliar voices,
    "C-C-C-C-C-C-C-C-C-" for "hey, say now when fourteen seconds are done" (the greedy partial a moment
    before had "... in 14 seconds"), and "until the end of the end of the end of the end". The token cap
    keeps such a loop short, so whisper's own compression-ratio check does not catch it.
    """
    tokens = re.findall(r"[a-z0-9']+", text.lower())
    for n in range(1, longest + 1):
        for i in range(len(tokens) - n * repeats + 1):
            phrase = tokens[i : i + n]
            if all(tokens[i + k * n : i + (k + 1) * n] == phrase for k in range(1, repeats)):
                return True
    return False


def unlooped(text: str, words: tuple[Word, ...], partial: str) -> tuple[str, tuple[Word, ...]]:
    """A final transcript's text and words, or ``partial`` (without word times) when the final is a
    decoder loop and the partial is not.
    """
    partial = partial.strip()
    if decoder_loop(text) and partial and not decoder_loop(partial):
        return partial, ()
    return text, words


class StreamingTranscriber:
    """One utterance of streaming ASR with LocalAgreement-2 partials; not thread-safe (see AsrWorker).

    `model` is a loaded WhisperModel (shared, loaded once) or a name/path/None to load one here.
    """

    def __init__(
        self,
        model: Any = None,
        language: str = "en",
        partial_beam_size: int = 1,
        final_beam_size: int = 5,
        cpu_threads: int = 2,
        compute_type: str = "int8",
        second_look: SecondLook | None = None,
    ) -> None:
        if model is None or isinstance(model, (str, Path)):
            model = load_whisper(model, cpu_threads, compute_type)
        self.model: Any = model
        self.language = language
        self.partial_beam_size = partial_beam_size
        self.final_beam_size = final_beam_size
        self.second_look = second_look
        self.reset()

    def reset(self) -> None:
        """Start a new utterance."""
        self._chunks: list[np.ndarray] = []
        self._samples = 0
        self._previous: list[str] = []
        self._stable: list[str] = []

    @property
    def audio_s(self) -> float:
        """Seconds of audio in the current utterance."""
        return self._samples / APP_RATE

    def feed(self, chunk: np.ndarray) -> None:
        """Append 16 kHz float audio to the utterance."""
        arr = np.asarray(chunk, dtype=np.float32).reshape(-1)
        self._chunks.append(arr)
        self._samples += arr.size

    def _buffer(self) -> np.ndarray:
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.zeros(0, np.float32)

    def _decode(self, beam_size: int, word_timestamps: bool, prefix: str | None = None,
                temperatures: Sequence[float] = FALLBACK_TEMPERATURES, prompt: str | None = None) -> list[Any]:
        audio = self._buffer()
        if audio.size < APP_RATE // 10:
            return []
        import ctranslate2

        # Whisper retries a failed greedy/beam pass by sampling at higher temperatures. The sampler's
        # state lives in the model's worker threads and carries from one decode to the next; seeding here
        # reaches only a sampler not yet used (a freshly loaded model), so a process that makes the same
        # decodes in the same order gets the same transcripts.
        ctranslate2.set_random_seed(0)
        segments, _ = self.model.transcribe(
            audio,
            language=self.language,
            beam_size=beam_size,
            word_timestamps=word_timestamps,
            without_timestamps=False,  # the time tokens tell a short window where the speech ends (no repeats)
            condition_on_previous_text=False,
            vad_filter=False,
            prefix=prefix or None,
            initial_prompt=prompt or None,
            max_new_tokens=max_new_tokens(audio.size / APP_RATE),
            temperature=list(temperatures),
        )
        return drop_repeats(list(segments))

    def _final_pass(self, fallback: str | None, prompt: str | None = None) -> tuple[str, tuple[Word, ...]]:
        segments = self._decode(self.final_beam_size, True, prompt=prompt)
        words = tuple(
            Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 3))
            for s in segments
            for w in (s.words or [])
        )
        text = " ".join(s.text.strip() for s in segments).strip()
        return unlooped(text, words, " ".join(self._previous) if fallback is None else fallback)

    def partial(self) -> PartialTranscript:
        """Re-transcribe the utterance so far; grow the stable prefix where this and the last hypothesis agree.

        The stable words are handed to the decoder as a forced prefix, so later hypotheses continue
        them instead of rewriting them (LocalAgreement-2 over whole-buffer re-decoding).
        """
        stable_text = " ".join(self._stable)
        text = " ".join(s.text for s in self._decode(self.partial_beam_size, False, stable_text, (0.0,)))
        words = [str(w) for w in text.split()]
        if agreed_prefix(self._stable, words) < len(self._stable):  # decoders differ on echoing the prefix
            words = self._stable + words
        n = agreed_prefix(self._previous, words)
        if n > len(self._stable):
            self._stable = words[:n]
        self._previous = words
        return PartialTranscript(
            " ".join(self._stable), " ".join(words[len(self._stable) :]), self.audio_s, time.monotonic_ns()
        )

    def finalize(self, fallback: str | None = None) -> FinalTranscript:
        """Transcribe the whole utterance with word timestamps, then start a new one.

        When the beam search loops (``decoder_loop``), the newest partial hypothesis of the utterance
        (or ``fallback``, for a caller that decoded its partials elsewhere) stands in for it, without
        word times: it came from another pass over the audio and is the better account of what was said.
        A ``second_look`` may then decode the audio once more, primed (see ``SecondLook``).
        """
        text, words = self._final_pass(fallback)
        look = self.second_look
        if look is not None and look.wanted(text):
            again, again_words = self._final_pass(fallback, look.prompt)
            if look.kept(again):
                text, words = again, again_words
        result = FinalTranscript(text, words, self.audio_s, time.monotonic_ns())
        self.reset()
        return result


def decode_alone(model: Any, audio: np.ndarray) -> str:
    """One greedy decode of ``audio`` on its own, as the first partial of an utterance that holds only it."""
    st = StreamingTranscriber(model)
    st.feed(audio)
    return st.partial().text


@dataclass(frozen=True)
class _Request:
    kind: str
    audio: np.ndarray | None = None
    sound: int = 0  # for "alone": which sound the audio is of


class AsrWorker:
    """Hosts a StreamingTranscriber on its own thread: post audio and requests, poll results; never blocks.

    Partial requests that pile up while a decode runs collapse into one (and into a final request
    queued behind them), so a slow model falls behind gracefully instead of queueing stale work.
    `model` is a loaded WhisperModel, or a name/path/None loaded on the worker thread.
    """

    def __init__(self, model: Any = None, cpu_threads: int = 2, **options: Any) -> None:
        self._requests: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[PartialTranscript | FinalTranscript | SpokenOverTranscript | Exception] = (
            queue.SimpleQueue())
        self._ready = threading.Event()
        self._outstanding = 0  # requests posted and not yet handled (see wait_idle)
        self._idle = threading.Condition()
        self._model = model
        self._cpu_threads = cpu_threads
        self._options = options
        self._thread = threading.Thread(target=self._run, name="asr-worker", daemon=True)
        self._thread.start()

    def feed(self, chunk: np.ndarray) -> None:
        """Queue 16 kHz audio for the current utterance."""
        self._post(_Request("audio", np.array(chunk, dtype=np.float32).reshape(-1)))

    def request_partial(self) -> None:
        """Ask for a new partial hypothesis (collapsed with any still pending)."""
        self._post(_Request("partial"))

    def request_final(self) -> None:
        """Ask for the final transcript of the current utterance, which then ends."""
        self._post(_Request("final"))

    def request_alone(self, audio: np.ndarray, sound: int = 0) -> None:
        """Ask for the words of ``audio`` decoded alone, outside the utterance (collapsed with any still
        pending: the newest audio holds the older); the result is a ``SpokenOverTranscript`` that carries
        ``sound``, the caller's name for the sound the audio is of.
        """
        self._post(_Request("alone", np.array(audio, dtype=np.float32).reshape(-1), sound))

    def reset(self) -> None:
        """Drop the current utterance."""
        self._post(_Request("reset"))

    def poll(self) -> list[PartialTranscript | FinalTranscript | SpokenOverTranscript]:
        """Results ready now (maybe none); a failure inside the worker is raised here."""
        out: list[PartialTranscript | FinalTranscript | SpokenOverTranscript] = []
        while True:
            try:
                item = self._results.get_nowait()
            except queue.Empty:
                return out
            if isinstance(item, Exception):
                raise RuntimeError(f"Speech recognition failed: {item}") from item
            out.append(item)

    def _post(self, req: _Request) -> None:
        with self._idle:
            self._outstanding += 1
        self._requests.put(req)

    def _handled(self, n: int) -> None:
        with self._idle:
            self._outstanding -= n
            self._idle.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every request posted so far is handled and its result is ready to poll.

        For tests and offline runs that want each partial decoded on the audio of its own tick, as on
        a machine that keeps up, whatever else competes for the CPU. False if ``timeout`` passed first.
        """
        with self._idle:
            return self._idle.wait_for(lambda: self._outstanding <= 0, timeout)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the model is loaded (for start-up and tests, not for the scheduler)."""
        return self._ready.wait(timeout)

    def close(self) -> None:
        """Stop the thread after the requests already queued."""
        self._post(_Request("stop"))
        self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            st = StreamingTranscriber(self._model, cpu_threads=self._cpu_threads, **self._options)
        except Exception as exc:  # noqa: BLE001  (reported to the caller)
            self._results.put(exc)
            self._ready.set()
            return
        self._ready.set()
        while True:
            req = self._requests.get()
            want_partial = False
            alone: _Request | None = None
            batch = [req]
            while True:  # drain what is queued so stale partial requests collapse into one
                try:
                    batch.append(self._requests.get_nowait())
                except queue.Empty:
                    break
            for r in batch:
                try:
                    if r.kind == "audio" and r.audio is not None:
                        st.feed(r.audio)
                    elif r.kind == "partial":
                        want_partial = True
                    elif r.kind == "alone":
                        alone = r
                    elif r.kind == "final":
                        want_partial = False
                        self._results.put(st.finalize())
                    elif r.kind == "reset":
                        want_partial = False
                        st.reset()
                    elif r.kind == "stop":
                        return
                except Exception as exc:  # noqa: BLE001  (reported to the caller)
                    self._results.put(exc)
            try:
                if alone is not None and alone.audio is not None:  # first: the policy waits on a "stop" over the voice
                    words = decode_alone(st.model, alone.audio)
                    self._results.put(SpokenOverTranscript(words, time.monotonic_ns(), alone.sound))
                if want_partial:
                    self._results.put(st.partial())
            except Exception as exc:  # noqa: BLE001  (reported to the caller)
                self._results.put(exc)
            self._handled(len(batch))


def transcribe_file(path: str | Path, model: str | Path | Any | None = None, cpu_threads: int = 2) -> dict[str, Any]:
    """Transcribe a WAV file: {"text": ..., "words": [{"word", "start", "end"}, ...]} in seconds."""
    audio, _ = read_wav(path)
    st = StreamingTranscriber(model, cpu_threads=cpu_threads)
    st.feed(audio)
    final = st.finalize()
    return {
        "text": final.text,
        "words": [{"word": w.text, "start": w.start, "end": w.end, "probability": w.probability} for w in final.words],
        "duration_s": round(audio.size / APP_RATE, 3),
    }
