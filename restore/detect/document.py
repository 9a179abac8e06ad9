"""The document score's features and the calibration maths (numpy-free at inference): how much
evidence of spinning a text holds for its length (``doc_features``, fitted by
``scripts/train/calibrate_detector.py``) and how many runs of suspect words it has (``count_runs``)."""
from __future__ import annotations

import math
from typing import Sequence

from restore.text.tokenize import Token


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


# densities per 1,000 words count a text as at least this long: one odd word in a three-word
# headline is not 333 per 1,000 words of evidence
DENSITY_MIN_WORDS = 20
# the amounts of evidence count a text as at most this long (the same densities over fewer words):
# past the lengths calibration saw, a long clean text's few odd words would otherwise add up to a
# spun text's amount while the length that offsets them is clamped to the calibrated range
AMOUNT_MAX_WORDS = 2000
DOC_FEATURES = ("top5_mean_p", "mean_p", "log1p_spans_per_1k", "log1p_dict_per_1k",
                "log_words", "log1p_psum_per_1k", "log1p_psum", "log1p_spans", "log1p_p90",
                "p90_words_10s", "p50_words_10s", "spans_10s", "words_1000s")


def doc_features(probs: Sequence[float], n_words: int, n_spans: int, n_dict: int) -> list[float]:
    """Features of the document score (``DOC_FEATURES``): top-5 mean word probability, mean word
    probability, log1p(spans per 1,000 words), log1p(dictionary hits per 1,000 words), then the
    length and the absolute amount of evidence (a short document with a few odd words is weaker
    evidence than a long one with the same density): log(words), log1p(sum of p per 1,000 words),
    log1p(sum of p), log1p(spans), log1p(words with p >= 0.9), and the same amounts unlogged, in
    tens (words with p >= 0.9, words with p >= 0.5, spans), with the length in thousands of words.
    Unlogged counts and length let a linear score weigh "k odd words in n words" as a count
    against the rate clean text has at that length (a Poisson likelihood ratio is linear in k
    and n), so a long clean text with a few odd words is not taken for a short spun one.
    Densities count a text as at least ``DENSITY_MIN_WORDS`` long, amounts as at most
    ``AMOUNT_MAX_WORDS`` long. A calibration fitted on fewer features uses the first ones only."""
    top = sorted(probs, reverse=True)[:5]
    top5 = sum(top) / 5.0 if top else 0.0
    total = float(sum(probs))
    mean = total / len(probs) if probs else 0.0
    per_k = 1000.0 / max(n_words, DENSITY_MIN_WORDS)
    high = sum(1 for p in probs if p >= 0.9)
    mid = sum(1 for p in probs if p >= 0.5)
    scale = min(1.0, AMOUNT_MAX_WORDS / n_words) if n_words else 1.0  # amounts of a text cut to the cap
    n_eff = min(n_words, AMOUNT_MAX_WORDS)
    return [top5, mean, math.log1p(n_spans * per_k), math.log1p(n_dict * per_k),
            math.log(max(n_eff, 1)), math.log1p(total * per_k), math.log1p(total * scale),
            math.log1p(n_spans * scale), math.log1p(high * scale),
            high * scale / 10.0, mid * scale / 10.0, n_spans * scale / 10.0, n_eff / 1000.0]


def count_runs(probs: Sequence[float], toks: Sequence[Token], sent_of: Sequence[int], thr: float,
               taken: Sequence[bool] | None = None) -> int:
    """Number of maximal runs of tokens with p >= thr (within a sentence) that contain a word."""
    n, open_run, has_word, prev_sent = 0, False, False, None
    for i, t in enumerate(toks):
        hit = probs[i] >= thr and not (taken and taken[i])
        if hit and open_run and sent_of[i] != prev_sent:
            n += has_word
            open_run, has_word = False, False
        if hit:
            open_run = True
            has_word = has_word or t.is_word
            prev_sent = sent_of[i]
        elif open_run:
            n += has_word
            open_run, has_word = False, False
    return n + (has_word if open_run else 0)
