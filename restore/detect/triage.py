"""Triage: a first stage cheap enough for every word, which clears text that is clearly not spun
so that the transformer detector and the restorer see only what may be.

A logistic model over each word in its context: the word, the word with its left neighbour and
the word with its right neighbour (lower-cased letter runs and digit runs), each a learned weight.
A word's logit is ``bias + w(word) + w(left_word) + w(word_right)``; a text is *suspect* when
its most suspicious word's logit reaches the model's threshold, or when the dictionary already
applies an edit to it; else it is *cleared*: the dictionary's result is its result, and no model
reads it (none is even loaded when every text of a batch is cleared).

The threshold is chosen for recall: every development document that the detector calls spun
must be suspect, with a margin (``scripts/train/train_triage.py``; figures in docs/results.md).
A document the detector does not call spun keeps only its dictionary edits anyway (the detector's
gate), so clearing it changes nothing but its ``spun_score``, which is then the dictionary's
density score, as without a detector.

The weights (``restore/data/triage.json.gz``) are trained on the project's synthetic spinners over
the training split of the shared corpus (docs/reproduce.md). No torch here; about 800,000 words/s.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TRIAGE_FILE = Path(__file__).resolve().parent.parent / "data" / "triage.json.gz"
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+")


def words(text: str) -> list[str]:
    """The words the triage reads: lower-cased letter runs (with inner apostrophes) and digit runs."""
    return WORD_RE.findall(text.lower())


def word_features(ws: list[str], i: int) -> tuple[str, str, str]:
    """The features of word ``i``: itself, with its left neighbour, with its right neighbour."""
    w = ws[i]
    left = ws[i - 1] if i else "<s>"
    right = ws[i + 1] if i + 1 < len(ws) else "</s>"
    return "w=" + w, "l=" + left + "_" + w, "r=" + w + "_" + right


@dataclass(frozen=True)
class Triage:
    weights: dict
    bias: float
    threshold: float
    signature: str

    def logits(self, ws: list[str]) -> list[float]:
        """Each word's logit, from the features training used (``word_features``)."""
        get, b = self.weights.get, self.bias
        return [b + sum(get(f, 0.0) for f in word_features(ws, i)) for i in range(len(ws))]

    def score(self, text: str) -> float:
        """The most suspicious word's logit (-inf for a text without words)."""
        z = self.logits(words(text))
        return max(z) if z else float("-inf")

    def suspect(self, text: str) -> bool:
        return self.score(text) >= self.threshold


@lru_cache(maxsize=2)
def load_triage(path: str | None = None) -> Triage | None:
    """The shipped triage model (None when its file is missing: every text is then suspect)."""
    p = Path(path) if path else TRIAGE_FILE
    if not p.is_file():
        return None
    raw = p.read_bytes()
    d = json.loads(gzip.decompress(raw))
    return Triage(d["weights"], float(d["bias"]), float(d["threshold"]), f"triage@{hashlib.sha256(raw).hexdigest()[:8]}")
