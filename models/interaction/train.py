"""Train the interaction model from generated sessions, export it to ONNX and quantize it to int8.

    python models/interaction/train.py --data DATA --out models/interaction

DATA holds train/, dev/ and test/ as written by ``tandem synth``. Needs the ``train`` extra (torch).

After every epoch the run is saved to a checkpoint (``DATA/train-checkpoint.pt`` unless ``--checkpoint``
names another file): a run that was stopped or crashed goes on from its last finished epoch, with the
same result as one that was never stopped; a run whose training had finished goes straight to the
export. The checkpoint is used only for the same data and settings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from net import FRAMES, N_ACTION, N_MELS, N_SCALARS, N_USER, InteractionNet, StreamingStep

from app.time_left import time_left

ACTIONS = ("listen", "backchannel", "take_turn", "continue", "yield", "interject")
USER_STATES = ("silent", "speaking", "pausing", "end_of_turn", "backchannel", "other")
# Rare decisions matter most; weight them up (the per-class frequencies differ by ~50x).
ACTION_WEIGHTS = torch.tensor([1.0, 6.0, 8.0, 1.0, 5.0, 8.0])
USER_WEIGHTS = torch.tensor([1.0, 1.0, 2.0, 3.0, 3.0, 2.0])


def load_split(root: Path) -> list[dict[str, np.ndarray]]:
    """Every session under ``root`` with its features and labels."""
    sessions = []
    for feats in sorted(root.rglob("features.npz")):
        if feats.parent.name.endswith(".partial"):  # still being written
            continue
        f, lab = np.load(feats), np.load(feats.with_name("labels.npz"))
        sessions.append({"mic": f["mic_mel"].astype(np.float32), "self": f["self_mel"].astype(np.float32),
                         "scalars": f["scalars"], "user": lab["user_state"], "action": lab["action"],
                         "cue": lab["cue_due"], "category": feats.parent.parent.name,
                         "name": feats.parent.relative_to(root).as_posix()})
    return sessions


def batch(sessions: list[dict[str, np.ndarray]], rng: np.random.Generator | None = None) -> dict[str, torch.Tensor]:
    """Pad sessions to one length; ``mask`` marks real ticks. With ``rng``: random mic gain and masked
    mel bands (augmentation).
    """
    t = max(len(s["user"]) for s in sessions)
    b = len(sessions)
    out = {"mic": np.zeros((b, t, FRAMES, N_MELS), np.float32),
           "self": np.zeros((b, t, FRAMES, N_MELS), np.float32),
           "scalars": np.zeros((b, t, N_SCALARS), np.float32), "user": np.zeros((b, t), np.int64),
           "action": np.zeros((b, t), np.int64), "cue": np.zeros((b, t), np.float32),
           "mask": np.zeros((b, t), np.float32)}
    for i, s in enumerate(sessions):
        n = len(s["user"])
        mic, sc = s["mic"], s["scalars"].copy()
        if rng is not None:
            shift_db = float(rng.uniform(-10, 10))
            mic = mic + shift_db / 30.0  # log-mel is dB/30; the level scalar is dB/30 too
            sc[:, 0] += shift_db / 30.0
            band = int(rng.integers(0, N_MELS - 4))  # mask a few mel bands: other microphones, other rooms
            mic[..., band:band + int(rng.integers(0, 5))] = mic.mean()
        out["mic"][i, :n], out["self"][i, :n], out["scalars"][i, :n] = mic, s["self"], sc
        out["user"][i, :n], out["action"][i, :n], out["cue"][i, :n] = s["user"], s["action"], s["cue"]
        out["mask"][i, :n] = 1.0
    return {k: torch.from_numpy(v) for k, v in out.items()}


def losses(net: InteractionNet, b: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Masked cross-entropy for user state and action, BCE for cue-due."""
    user, action, cue, _ = net(b["mic"], b["self"], b["scalars"])
    m = b["mask"]
    lu = nn.functional.cross_entropy(user.reshape(-1, N_USER), b["user"].reshape(-1), weight=USER_WEIGHTS,
                                     reduction="none")
    la = nn.functional.cross_entropy(action.reshape(-1, N_ACTION), b["action"].reshape(-1), weight=ACTION_WEIGHTS,
                                     reduction="none")
    lc = nn.functional.binary_cross_entropy_with_logits(cue, b["cue"], pos_weight=torch.tensor(20.0), reduction="none")
    mm = m.reshape(-1)
    total = ((lu * mm).sum() + 2.0 * (la * mm).sum() + (lc.reshape(-1) * mm).sum()) / mm.sum()
    return total, {"user": user, "action": action, "cue": cue}


def evaluate(net: InteractionNet, sessions: list[dict[str, np.ndarray]]) -> dict[str, object]:
    """Per-tick accuracy and per-class recall/precision of the action head, user-state accuracy."""
    net.eval()
    conf = np.zeros((N_ACTION, N_ACTION), np.int64)
    user_ok = user_n = 0
    loss_sum = 0.0
    with torch.no_grad():
        for i in range(0, len(sessions), 32):
            b = batch(sessions[i:i + 32])
            loss, out = losses(net, b)
            loss_sum += float(loss) * len(sessions[i:i + 32])
            m = b["mask"].bool()
            pred_a = out["action"].argmax(-1)[m].numpy()
            true_a = b["action"][m].numpy()
            np.add.at(conf, (true_a, pred_a), 1)
            user_ok += int((out["user"].argmax(-1)[m] == b["user"][m]).sum())
            user_n += int(m.sum())
    net.train()
    recall = {a: round(float(conf[i, i] / max(1, conf[i].sum())), 3) for i, a in enumerate(ACTIONS)}
    precision = {a: round(float(conf[i, i] / max(1, conf[:, i].sum())), 3) for i, a in enumerate(ACTIONS)}
    return {"loss": round(loss_sum / max(1, len(sessions)), 4),
            "action_accuracy": round(float(np.trace(conf) / conf.sum()), 4),
            "user_state_accuracy": round(user_ok / max(1, user_n), 4), "action_recall": recall,
            "action_precision": precision}


def export(net: InteractionNet, out: Path) -> tuple[Path, Path]:
    """Write the fp32 streaming step to ONNX and its dynamic int8 quantization."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    step = StreamingStep(net).eval()
    fp32 = out / "interaction.fp32.onnx"
    args = (torch.zeros(1, FRAMES, N_MELS), torch.zeros(1, FRAMES, N_MELS), torch.zeros(1, N_SCALARS),
            torch.zeros(net.layers, 1, net.d))
    torch.onnx.export(step, args, str(fp32), input_names=["mic_mel", "self_mel", "scalars", "state"],
                      output_names=["user_state", "action", "cue_due", "state_out"], opset_version=17, dynamo=False)
    int8 = out / "interaction.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return fp32, int8


def run_config(args: argparse.Namespace, train: list[dict[str, Any]], dev: list[dict[str, Any]]) -> dict[str, Any]:
    """What a checkpoint must have been made with to go on from it: this training code, the settings and
    the very sessions.
    """
    names = hashlib.sha256("\n".join(s["name"] for s in train + dev).encode()).hexdigest()
    here = Path(__file__).resolve().parent
    code = hashlib.sha256(b"".join((here / f).read_bytes() for f in ("net.py", "train.py"))).hexdigest()
    return {"code": code, "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed,
            "train_sessions": len(train), "dev_sessions": len(dev), "session_names": names}


def save_checkpoint(path: Path, doc: dict[str, Any]) -> None:
    """Write atomically: a crash while saving leaves the previous epoch's checkpoint whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    torch.save(doc, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path, config: dict[str, Any]) -> dict[str, Any] | None:
    """The checkpoint at ``path`` if it was made with ``config``; None (and why, printed) otherwise."""
    if not path.is_file():
        return None
    try:
        doc = torch.load(path, weights_only=False)
    except (RuntimeError, OSError, EOFError, ValueError, pickle.UnpicklingError) as exc:  # damaged
        print(f"Checkpoint {path} cannot be read ({exc}); training starts over.", flush=True)
        return None
    if not isinstance(doc, dict) or doc.get("config") != config:
        print(f"Checkpoint {path} was made with other training code, data or settings; training starts over.",
              flush=True)
        return None
    return doc


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate on dev and test, export, quantize, and write metrics.json; Ctrl-C keeps the
    finished epochs (exit status 130).
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("\nStopped. The finished epochs are kept in the checkpoint; run the same command again to go on.",
              file=sys.stderr, flush=True)
        return 130


def _main(argv: list[str] | None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=24)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--checkpoint", type=Path, help="where the run is saved after each epoch "
                   "(default: DATA/train-checkpoint.pt)")
    p.add_argument("--stop-after", type=int, metavar="N",
                   help="train at most N epochs in this run, then stop; a later run goes on from the checkpoint")
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    train, dev, test = (load_split(args.data / s) for s in ("train", "dev", "test"))
    if not train:
        print(f"No training sessions under {args.data / 'train'}: run `tandem synth --out {args.data / 'train'} "
              "--split train` first.", file=sys.stderr)
        return 2
    print(f"sessions: train {len(train)}, dev {len(dev)}, test {len(test)}", flush=True)
    net = InteractionNet()
    n_params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-2)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    best, best_state, history = float("inf"), None, []
    t0 = time.perf_counter()
    checkpoint = args.checkpoint or args.data / "train-checkpoint.pt"
    config = run_config(args, train, dev)
    first = 0
    doc = load_checkpoint(checkpoint, config)
    if doc is not None:
        net.load_state_dict(doc["net"])
        opt.load_state_dict(doc["opt"])
        sched.load_state_dict(doc["sched"])
        rng.bit_generator.state = doc["numpy_rng"]
        torch.set_rng_state(doc["torch_rng"])
        best, best_state, history, first = doc["best"], doc["best_state"], doc["history"], doc["epoch"]
        t0 -= doc["seconds"]
        if first >= args.epochs:
            print(f"Training had finished (checkpoint {checkpoint}); exporting its best epoch.", flush=True)
        else:
            print(f"Going on from epoch {first} of {args.epochs} (checkpoint {checkpoint}).", flush=True)
    run_start = time.perf_counter()
    for epoch in range(first, args.epochs):
        if args.stop_after is not None and epoch - first >= args.stop_after:
            print(f"Stopped after epoch {epoch} of {args.epochs}; run the same command again to go on.", flush=True)
            return 0
        order = rng.permutation(len(train))
        total = 0.0
        for i in range(0, len(order), args.batch):
            loss, _ = losses(net, batch([train[j] for j in order[i:i + args.batch]], rng))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
        dev_metrics = evaluate(net, dev) if dev else {"loss": total}
        history.append({"epoch": epoch + 1, "train_loss": round(total / max(1, len(order) // args.batch), 4),
                        **{k: dev_metrics[k] for k in ("loss", "action_accuracy") if k in dev_metrics}})
        left = time_left(time.perf_counter() - run_start, epoch + 1 - first, args.epochs - first)
        print(json.dumps(history[-1]), f"{time.perf_counter() - t0:.0f}s{left}", flush=True)
        if float(dev_metrics["loss"]) < best:  # type: ignore[arg-type]
            best, best_state = float(dev_metrics["loss"]), {k: v.clone() for k, v in net.state_dict().items()}  # type: ignore[arg-type]
        save_checkpoint(checkpoint, {
            "config": config, "epoch": epoch + 1, "net": net.state_dict(), "opt": opt.state_dict(),
            "sched": sched.state_dict(), "numpy_rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
            "best": best, "best_state": best_state, "history": history, "seconds": time.perf_counter() - t0})
    if best_state is not None:
        net.load_state_dict(best_state)
    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), args.out / "interaction.pt")
    fp32, int8 = export(net, args.out)
    metrics = {"parameters": n_params, "train_sessions": len(train), "dev_sessions": len(dev),
               "test_sessions": len(test), "epochs": args.epochs, "train_seconds": round(time.perf_counter() - t0),
               "int8_bytes": int8.stat().st_size, "fp32_bytes": fp32.stat().st_size,
               "dev": evaluate(net, dev) if dev else None, "test": evaluate(net, test) if test else None,
               "history": history}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    print(json.dumps({k: metrics[k] for k in ("parameters", "int8_bytes", "dev", "test")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
