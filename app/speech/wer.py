"""Word error rate with text normalization (case, punctuation, numbers, common contractions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand"), (100, "hundred"))


def number_words(n: int) -> str:
    """Spell a non-negative integer in English words ("twenty one")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for value, name in _SCALES:
        if n >= value:
            head = f"{number_words(n // value)} {name}"
            return head if n % value == 0 else f"{head} {number_words(n % value)}"
    return str(n)


def _spell_number(match: re.Match[str]) -> str:
    token = match.group(0).replace(",", "")
    if "." in token:
        whole, frac = token.split(".", 1)
        return f"{number_words(int(whole or 0))} point {' '.join(_ONES[int(d)] for d in frac)}"
    return number_words(int(token))


def normalize(text: str) -> list[str]:
    """Lower-case words with punctuation removed, digits spelled out and hyphens/apostrophes split."""
    t = text.lower().replace("’", "'")
    t = re.sub(r"(\d)%", r"\1 percent", t)
    t = re.sub(r"\d[\d,]*(\.\d+)?", _spell_number, t)
    t = t.replace("&", " and ")
    t = re.sub(r"[-_/']", " ", t)
    t = re.sub(r"[^\w\s]", " ", t)
    return t.split()


@dataclass(frozen=True)
class WerResult:
    """Edit counts between a reference and a hypothesis, after normalization."""

    substitutions: int
    deletions: int
    insertions: int
    ref_words: int

    @property
    def errors(self) -> int:
        """Total word edits."""
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        """Errors per reference word (0 for an empty reference with an empty hypothesis)."""
        if self.ref_words == 0:
            return 0.0 if self.errors == 0 else 1.0
        return self.errors / self.ref_words


def align(ref: list[str], hyp: list[str]) -> list[tuple[str, int | None, int | None]]:
    """Levenshtein alignment as (op, ref index, hyp index), op in ok/sub/del/ins."""
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if ref[i - 1] == hyp[j - 1] else 1
            d[i][j] = min(d[i - 1][j - 1] + cost, d[i - 1][j] + 1, d[i][j - 1] + 1)
    ops: list[tuple[str, int | None, int | None]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (0 if ref[i - 1] == hyp[j - 1] else 1):
            ops.append(("ok" if ref[i - 1] == hyp[j - 1] else "sub", i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            ops.append(("del", i - 1, None))
            i -= 1
        else:
            ops.append(("ins", None, j - 1))
            j -= 1
    return ops[::-1]


def word_errors(reference: str, hypothesis: str) -> WerResult:
    """Count substitutions, deletions and insertions between normalized texts."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    ops = align(ref, hyp)
    return WerResult(
        sum(o == "sub" for o, _, _ in ops),
        sum(o == "del" for o, _, _ in ops),
        sum(o == "ins" for o, _, _ in ops),
        len(ref),
    )


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of a hypothesis against a reference, after normalization."""
    return word_errors(reference, hypothesis).wer


def per_sentence_wer(sentences: list[str], hypothesis: str) -> list[float]:
    """WER of each reference sentence within one long hypothesis, from a single global alignment."""
    ref: list[str] = []
    owner: list[int] = []
    for k, s in enumerate(sentences):
        words = normalize(s)
        ref += words
        owner += [k] * len(words)
    errors = [0] * len(sentences)
    last = 0
    for op, i, _ in align(ref, normalize(hypothesis)):
        if i is not None:
            last = owner[i]
        if op != "ok":
            errors[last] += 1
    counts = [max(1, owner.count(k)) for k in range(len(sentences))]
    return [e / c for e, c in zip(errors, counts, strict=True)]
