"""Live captions of both sides; an interrupted reply shows what the user heard and what was cut."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QTextBrowser, QWidget

from app.core.frames import HeardSpan
from app.core.heard import WordTiming, split_heard

MAX_ENTRIES = 60


@dataclass
class Caption:
    """One line of the transcript: who, what was said (or heard), and what was cut off."""

    speaker: str  # "user" | "assistant"
    text: str
    cut: str = ""
    partial: bool = False
    key: str = ""


class CaptionView(QTextBrowser):
    """The running transcript, newest at the bottom."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captions")
        self.setOpenLinks(False)
        self.entries: list[Caption] = []
        self.setPlaceholderText("Captions of what you and Tandem say appear here.")

    def _find(self, key: str) -> Caption | None:
        for c in reversed(self.entries):
            if c.key == key:
                return c
        return None

    def user_partial(self, text: str) -> None:
        """A partial transcript of what the user is saying now (replaced until final)."""
        last = self.entries[-1] if self.entries else None
        if last is not None and last.speaker == "user" and last.partial:
            last.text = text
        else:
            self.entries.append(Caption("user", text, partial=True))
        self._render()

    def user_final(self, text: str) -> None:
        """The final transcript of the user's words."""
        last = self.entries[-1] if self.entries else None
        if last is not None and last.speaker == "user" and last.partial:
            last.text, last.partial = text, False
        else:
            self.entries.append(Caption("user", text))
        self._render()

    def assistant_text(self, key: str, text: str, *, append: bool = False) -> None:
        """What Tandem is saying for utterance/task ``key``; ``append`` adds a streamed piece."""
        entry = self._find(key)
        if entry is None:
            self.entries.append(Caption("assistant", text, key=key))
        else:
            entry.text = entry.text + text if append else text
        self._render()

    def heard(self, span: HeardSpan, words: Sequence[WordTiming] | None = None) -> Caption:
        """Mark how much of an utterance reached the user; a stopped one shows its cut part struck out."""
        key = f"utt{span.utterance_id}"
        entry = self._find(key)
        full = (entry.text + (" " + entry.cut if entry.cut else "")).strip() if entry else ""
        text = span.text or full
        if span.stopped:
            heard, cut = split_heard(text, span.heard_samples, span.total_samples, words)
        else:
            heard, cut = text, ""
        if entry is None:
            entry = Caption("assistant", heard, cut, key=key)
            self.entries.append(entry)
        else:
            entry.text, entry.cut = heard, cut
        self._render()
        return entry

    def restore(self, lines: Sequence[tuple[str, str, str]]) -> None:
        """Show earlier lines (speaker, text, cut) above anything said in this run."""
        self.entries[:0] = [Caption(speaker, text, cut) for speaker, text, cut in lines]
        self._render()

    def _render(self) -> None:
        del self.entries[:-MAX_ENTRIES]
        parts = []
        for c in self.entries:
            who = ("<b style='color:#1565c0'>You</b>" if c.speaker == "user"
                   else "<b style='color:#ef6c00'>Tandem</b>")
            body = html.escape(c.text)
            if c.partial:
                body = f"<i>{body}…</i>"
            if c.cut:
                body += (f" <span style='color:#9e9e9e; text-decoration:line-through'>{html.escape(c.cut)}</span>"
                         " <small style='color:#9e9e9e'>(interrupted)</small>")
            parts.append(f"<p style='margin:2px 0'>{who}: {body}</p>")
        self.setHtml("".join(parts))
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
