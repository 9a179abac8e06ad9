"""Pipeline-level confidence of a model edit: does the evidence say the proposed wording is right?

The seq2seq model's own calibration (``restore/models/restorer/calibration.json``) is fitted on gold spans.
In the pipeline the spans come from the detector instead (boundaries differ, some are not spun at
all), so that confidence overstates precision there, and it ignores evidence the model does not
see. This module combines, in one logistic regression fitted on held-out pipeline output
(``scripts/train/fit_evidence.py``):

- the model's scores: log-prob of its best wording, its margin over "keep", the span's words;
- the detector's calibrated probability that the span is spun;
- the channel: whether the span is a known spinner substitute of the proposed wording
  (``restore.fix.channel``), and whether that wording is the channel's first candidate;
- English usage (``restore.fix.ngrams``): how much better the proposal joins its neighbour words than
  the spun wording does (bigram counts), how well it joins them, how much more frequent its words
  are, and how rare the span's rarest word is (spinners swap in rarer synonyms).

The fitted weights live in ``restore/models/restorer/evidence.json`` with the signatures of the detector
and restorer they were fitted with; with another detector or restorer they do not apply and the
model's own confidence is used (a file fitted with other features is refused). Pure Python: no
torch, no numpy.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Sequence

from restore.fix import channel, ngrams

FILE = "evidence.json"
FEATURES = ("lp_best", "margin", "n_words", "detector_logit", "channel_any", "channel_top", "channel_known",
            "bigram_gain", "bigram_fit", "freq_gain", "freq_min_span")
CHANNEL_K = 50


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def features(lp_best: float, lp_keep: float, span_text: str, replacement: str, detector_p: float,
             left: str | None = None, right: str | None = None) -> list[float]:
    """The feature vector of one proposal, in ``FEATURES`` order; ``left``/``right``: the span's
    neighbour words (``restore.fix.ngrams.neighbours``)."""
    cands = [c.lower() for c, _ in channel.candidates(span_text, CHANNEL_K)]
    rep = " ".join(replacement.lower().split())
    rank = cands.index(rep) if rep in cands else -1
    sw, rw = ngrams.words(span_text), ngrams.words(replacement)
    s_freq, r_freq = [ngrams.log_count(w) for w in sw], [ngrams.log_count(w) for w in rw]
    fit = ngrams.bigram_fit(rw, left, right)
    return [float(lp_best), float(lp_best - lp_keep), float(len(span_text.split())), _logit(detector_p),
            float(rank >= 0), float(rank == 0), float(channel.known(span_text)),
            fit - ngrams.bigram_fit(sw, left, right), fit, _mean(r_freq) - _mean(s_freq), min(s_freq, default=0.0)]


class Evidence:
    """Fitted weights: ``probability(x)`` for a feature vector from ``features``."""

    def __init__(self, data: dict, path: Path | None = None):
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError(f"{path or 'evidence'}: features {data.get('features')} are not {list(FEATURES)}")
        self.data = data
        self.weights = [float(w) for w in data["weights"]]
        self.bias = float(data["bias"])
        self.mean = [float(m) for m in data.get("mean", [0.0] * len(FEATURES))]
        self.scale = [float(s) or 1.0 for s in data.get("scale", [1.0] * len(FEATURES))]
        self.detector = data.get("detector", "")
        self.restorer = data.get("restorer", "")
        self.path = path

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def applies_to(self, detector_signature: str, restorer_signature: str) -> bool:
        """Fitted with these two models (signatures like ``detector@7fe6b8ae``)?"""
        return self.detector == detector_signature and self.restorer == restorer_signature.split(",")[0]

    @property
    def signature(self) -> str:
        return f"evidence@{self.data.get('id', 'unknown')}"


def load_evidence(model_dir: Path) -> Evidence | None:
    """The fitted evidence weights beside a restorer, or None when there are none."""
    path = Path(model_dir) / FILE
    if not path.is_file():
        return None
    return Evidence(json.loads(path.read_text(encoding="utf-8")), path)
