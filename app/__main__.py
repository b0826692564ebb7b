"""The ``tandem`` command: the desktop app by default, plus headless runs, devices and benchmarks."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app import __version__
from app.config import ConfigError, Settings, load_settings
from app.paths import assets_dir, config_path
from app.time_left import time_left


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tandem", description="Tandem, a desktop voice-and-vision assistant.")
    p.add_argument("--version", action="version", version=f"tandem {__version__}")
    p.add_argument("--config", type=Path, help="settings file to use instead of the user's")
    p.add_argument("--config-path", action="store_true", help="print where the user's settings file lives")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("gui", help="start the desktop app (the default)")
    run = sub.add_parser("run", help="run one session")
    run.add_argument("--headless", action="store_true", help="no window: read files, write results")
    run.add_argument("--mic-file", type=Path, help="WAV file used as the microphone")
    run.add_argument("--camera-file", type=Path, help="video file used as the camera")
    run.add_argument("--out-dir", type=Path, help="folder for output.wav, events.jsonl, transcript.json")
    run.add_argument("--fast", action="store_true", help="virtual clock: faster than real time, same decisions")
    run.add_argument("--dialogue", action="store_true",
                     help="answer for real (recognition, reasoning, speech) instead of a chime; real time only")
    sub.add_parser("demo", help="a headless session on the bundled sample, printed as it goes")
    sub.add_parser("devices", help="list microphones, speakers and cameras")
    dl = sub.add_parser("download", help="fetch an optional recognition model or voice (see --list)")
    dl.add_argument("name", nargs="?", help="what to fetch, e.g. base.en or en_US-amy-medium")
    dl.add_argument("--list", action="store_true", help="list what can be downloaded")
    echo = sub.add_parser("echo-check", help="play a short sound, measure the echo, store and print the mode")
    echo.add_argument("--json", action="store_true", help="print the result as JSON")
    sub.add_parser("self-test", help="load every model, run a short session, report; exit 0 or 1")
    chat = sub.add_parser("chat", help="one text turn through the reasoning model")
    chat.add_argument("text", nargs="+", help="what you would say")
    chat.add_argument("--json", action="store_true", help="print reply, tool calls and panels as JSON")
    chat.add_argument("--no-wait", action="store_true", help="do not wait for timers this request started")
    bench = sub.add_parser("bench", help="measure speed and cost of each component")
    bench.add_argument("--json", action="store_true", help="print one JSON document")
    bench.add_argument("--only", nargs="*", help="components to measure (default: all)")
    bench.add_argument("--recordings", type=Path, help="folder of real speech recordings for per-file WER")
    synth = sub.add_parser("synth", help="generate conversation scenarios in Full-Duplex-Bench item format")
    synth.add_argument("--out", type=Path, required=True, help="folder to write the items into")
    synth.add_argument("--split", choices=("train", "dev", "test"), help="which scripts and voices to use")
    synth.add_argument("--recordings", type=Path, help="instead: make items from the WAV recordings in this folder")
    synth.add_argument("--per-category", type=int, help="sessions per category (default: 150 train, 20 dev, 25 test)")
    synth.add_argument("--categories", nargs="*", help="only these categories")
    synth.add_argument("--workers", type=int, help="processes (default: 2)")
    ev = sub.add_parser("eval", help="run and score a benchmark")
    ev.add_argument("suite", choices=("fdb",), help="fdb: Full-Duplex-Bench-format item folders")
    ev.add_argument("--root", type=Path, required=True, help="folder holding the item folders")
    ev.add_argument("--out-dir", type=Path, required=True, help="where outputs and report.md go")
    ev.add_argument("--policy", nargs="+", choices=("model", "baseline"), default=["model", "baseline"],
                    help="floor policies to run side by side (default: both)")
    ev.add_argument("--limit", type=int, help="at most this many items per category")
    ev.add_argument("--categories", nargs="*", help="only items of these categories")
    ev.add_argument("--model", type=Path, help="interaction model file to use instead of the bundled one")
    ev.add_argument("--timing", choices=("measured", "fixed"), default="measured",
                    help="recognition takes the time it takes on this machine (default), or a fixed model of "
                         "it: the same outputs under any load, for comparing two changes")
    ev.add_argument("--resume", action="store_true",
                    help="go on with a run into the same --out-dir that was stopped: items already scored "
                         "there by the same code, model and settings are not run again")
    return p


def _progress(label: str, clock: Callable[[], float] = time.monotonic) -> Callable[[int, int], None]:
    """A progress bar on stderr with the time left, drawn over itself until the work is done."""
    started, shown = clock(), [0]

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(1, total)
        end = "\n" if done == total else ""
        bar = "#" * filled + "." * (width - filled)
        line = f"{label} [{bar}] {done}/{total}{time_left(clock() - started, done, total)}"
        print("\r" + line.ljust(shown[0]), end=end, file=sys.stderr, flush=True)  # blank out a longer last line
        shown[0] = len(line)

    return show


def _cmd_synth(args: argparse.Namespace) -> int:
    from app.synth.scenes import CATEGORIES
    from app.synth.voices import espeak_available
    from app.synth.writer import generate

    if args.recordings is not None:
        from app.synth.recordings import build_recording_items

        if not args.recordings.is_dir():
            print(f"tandem synth: no such folder {args.recordings}", file=sys.stderr)
            return 2
        made = build_recording_items(args.recordings, args.out)
        print(f"wrote {len(made)} items from {args.recordings} under {args.out}")
        return 0 if made else 1
    if args.split is None:
        print("tandem synth needs --split train|dev|test (or --recordings DIR)", file=sys.stderr)
        return 2
    if not espeak_available():
        print("tandem synth needs espeak-ng: install it with `apt-get install espeak-ng` (or your system's "
              "package manager).", file=sys.stderr)
        return 2
    unknown = set(args.categories or ()) - set(CATEGORIES)
    if unknown:
        print(f"tandem synth: unknown categories {sorted(unknown)}; known: {', '.join(CATEGORIES)}", file=sys.stderr)
        return 2
    try:
        done = generate(args.out, args.split, args.per_category, tuple(args.categories or CATEGORIES), args.workers,
                        progress=_progress(f"synth {args.split}"))
    except KeyboardInterrupt:
        print(f"\ntandem synth: stopped. The sessions written so far are kept under {args.out}; run the same "
              "command again to go on from there.", file=sys.stderr)
        return 130
    print(f"wrote {len(done)} sessions under {args.out}")
    return 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from app.eval.fdb_run import run_fdb
    from app.eval.fdb_system import Timing
    from app.interaction.model import ModelError

    if not args.root.is_dir():
        print(f"tandem eval: no such folder {args.root}", file=sys.stderr)
        return 2
    if args.model is not None and not args.model.is_file():
        print(f"tandem eval: no model file {args.model} (--model)", file=sys.stderr)
        return 2
    try:
        report = run_fdb(settings, args.root, args.out_dir, tuple(args.policy), limit=args.limit,
                         progress=_progress("eval"), model_path=args.model, categories=args.categories,
                         timing=Timing(measured=args.timing == "measured"), resume=args.resume)
    except (FileNotFoundError, ModelError) as exc:
        print(f"tandem eval: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ntandem eval: stopped. The items scored so far are kept under {args.out_dir}; run the same "
              "command with --resume to go on from there.", file=sys.stderr)
        return 130
    print(report.read_text(encoding="utf-8"))
    return 0


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not args.headless:
        return _cmd_gui(settings)
    if args.mic_file is None or args.out_dir is None:
        print("tandem run --headless needs --mic-file IN.wav and --out-dir DIR", file=sys.stderr)
        return 2
    from app.session import file_transcriber, run_headless

    if not args.mic_file.is_file():
        print(f"tandem: no such file {args.mic_file}", file=sys.stderr)
        return 2
    if args.dialogue and args.fast:
        print("tandem: --dialogue runs in real time; drop --fast", file=sys.stderr)
        return 2
    result = run_headless(settings, args.mic_file, args.out_dir, camera_file=args.camera_file, fast=args.fast,
                          transcriber=file_transcriber(settings), dialogue=args.dialogue)
    t = result.timing
    print(f"{result.duration_s:.1f} s of input in {result.wall_s:.2f} s; {t['ticks']} ticks, compute p50 "
          f"{t['compute_ms_p50']} ms, p99 {t['compute_ms_p99']} ms, {t['deadline_misses']} deadline misses; "
          f"results in {result.out_dir}")
    for line in (result.transcript.get("dialogue") or {}).get("spoken", []):
        print(f"  said: {line}")
    return 0


def _cmd_demo(settings: Settings) -> int:
    from app.session import file_transcriber, run_headless

    sample = assets_dir() / "sample" / "demo.wav"
    with tempfile.TemporaryDirectory(prefix="tandem-demo-") as tmp:
        result = run_headless(settings, sample, Path(tmp), fast=False, transcriber=file_transcriber(settings))
    print(f"Demo session on {sample.name} ({result.duration_s:.1f} s):")
    user = result.transcript["user"] or {}
    print(f"  heard: {user.get('text', '')!r}")
    last = None
    for d in result.decisions:
        key = (d["decision"], d["user_state"])
        if key != last:
            print(f"  {d['t']:6.1f} s  heard: {d['user_state']:<12} decided: {d['decision']}")
            last = key
    replies = result.transcript["assistant"]
    print(f"The assistant replied {len(replies)} time(s); ticks p99 {result.timing['compute_ms_p99']} ms, "
          f"{result.timing['deadline_misses']} deadline misses.")
    return 0


def _cmd_devices() -> int:
    from app.capture.devices import list_audio_devices, list_cameras

    try:
        devices = list_audio_devices()
    except Exception as exc:  # noqa: BLE001 - report, never crash listing devices
        print(f"Audio devices unavailable: {exc}")
        devices = []
    print("Microphones:")
    for d in devices:
        if d.max_input_channels:
            print(f"  {d.name}  ({d.host_api}, {d.max_input_channels} ch)")
    print("Speakers:")
    for d in devices:
        if d.max_output_channels:
            print(f"  {d.name}  ({d.host_api}, {d.max_output_channels} ch)")
    cams = list_cameras()
    print("Cameras:" + ("" if cams else " none found"))
    for c in cams:
        print(f"  {c}")
    return 0


def _cmd_download(args: argparse.Namespace) -> int:
    from app.downloads import CATALOGUE, DownloadError, download, find
    from app.paths import data_dir

    if args.list or not args.name:
        for d in CATALOGUE:
            print(f"  {d.key:20} {d.size_mb:4} MB  {d.title}")
        return 0 if args.list else 2
    try:
        item = find(args.name)
    except KeyError as exc:
        print(f"tandem download: {exc.args[0]}", file=sys.stderr)
        return 2
    show = _progress(f"download {item.key}")
    try:
        folder = download(item, data_dir() / "models", lambda done, total: show(done // 1_000_000,
                                                                                 max(1, total // 1_000_000)))
    except DownloadError as exc:
        print(f"\ntandem download: {exc}", file=sys.stderr)
        return 1
    key = "speech.asr_model" if item.kind == "asr" else "speech.voice"
    print(f"Downloaded to {folder}. To use it, set {key}: {item.setting(folder)}")
    return 0


def _cmd_echo_check(args: argparse.Namespace, settings: Settings) -> int:
    from app.speech.duplex import duplex_setup
    from app.speech.echo_store import default_store, measure

    inp, out = settings.audio.input_device, settings.audio.output_device
    print(f"Playing a 4-second sound on {out!r} and recording {inp!r}...", file=sys.stderr)
    try:
        stored = measure(inp, out, default_store())
    except Exception as exc:  # noqa: BLE001 - device errors become one clear line
        print(f"tandem echo-check: {exc}. Check audio.input_device and audio.output_device (`tandem devices`).",
              file=sys.stderr)
        return 1
    if args.json:
        print(stored.result.to_json())
    else:
        print(duplex_setup(stored.result).summary)
    return 0


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from app.bench import run_bench

    doc = run_bench(settings, args.only, progress=None if args.json else lambda k: print(f"measuring {k}…"),
                    recordings=args.recordings)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        for key, figures in doc.items():
            print(f"{key}:")
            for k, v in figures.items():
                print(f"  {k}: {json.dumps(v) if isinstance(v, dict | list) else v}")
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from app.reasoning.chat import chat, wait_for_timers
    from app.reasoning.tools.timers import TimerFired

    options = settings.reasoning.as_dict()
    out = chat(" ".join(args.text), settings=options)
    print(json.dumps(out, indent=2, default=str) if args.json else out["reply"], flush=True)
    if out["timers"] and not args.no_wait:
        def fired(ev: TimerFired) -> None:
            timer = ev.timer
            print(json.dumps({"timer_fired": timer.label, "id": timer.id, "late_s": round(ev.late_s, 3)})
                  if args.json else f"Timer '{timer.label}' ({timer.duration_s:g} s) is up.", flush=True)

        wait_for_timers(settings=options, on_fire=fired)
    return 0 if not out.get("error") else 1


def _cmd_gui(settings: Settings) -> int:
    from app.ui.app import run_gui

    return run_gui(settings)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    if args.config_path:
        print(config_path())
        return 0
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.logging.level.upper(), format="%(levelname)s %(name)s: %(message)s")
    command = args.command or "gui"
    if command == "run":
        return _cmd_run(args, settings)
    if command == "demo":
        return _cmd_demo(settings)
    if command == "devices":
        return _cmd_devices()
    if command == "download":
        return _cmd_download(args)
    if command == "echo-check":
        return _cmd_echo_check(args, settings)
    if command == "chat":
        return _cmd_chat(args, settings)
    if command == "self-test":
        from app.selftest import run_self_test

        return 0 if run_self_test(settings) else 1
    if command == "bench":
        return _cmd_bench(args, settings)
    if command == "synth":
        return _cmd_synth(args)
    if command == "eval":
        return _cmd_eval(args, settings)
    return _cmd_gui(settings)


if __name__ == "__main__":
    sys.exit(main())
