"""Which of the restorer's wordings may be applied, and how confident one is: the shape rules
(``shape_problem``: words dropped or added, a word said twice, a gender guessed), the features of a
proposal for the fitted evidence (``proposal_features``) and the model's own calibrated confidence
(``confidence_of``, used without evidence). No torch."""
from __future__ import annotations

import math
import re

from restore.fix.evidence import features as evidence_features
from restore.fix.ngrams import neighbours
from restore.types import Span

# an ALL-CAPS word ("SOS", "NBC") is a name: a model edit must keep it (thesauri have no entries
# for acronyms, so a spinner leaves them alone; the uncased model can garble them)
ACRONYM_RE = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z]\b")
REPORT_FLOOR = 0.3  # proposals below this confidence are dropped, not even reported
# Undoing a spin keeps or shortens a span ("countless numbers" -> "thousands", "products and
# solutions" -> "products"). On the evidence's fitting data (dev documents 100-199, proposals at
# p >= 0.8) the ones that dropped 3+ words were right 0 of 3 times, the ones that added words 2 of
# 6, against 91-95% for the rest: such an edit is reported, never applied.
MAX_WORDS_DROPPED = 2

# without a fitted calibration.json the model proposes nothing (confidence ~0)
DEFAULT_CALIBRATION = {"features": ["lp_best", "margin", "n_words"], "weights": [0.0, 0.0, 0.0],
                       "bias": -10.0}


def word_count_ok(span_text: str, replacement: str) -> bool:
    """True when ``replacement`` has as many words as ``span_text`` or up to MAX_WORDS_DROPPED fewer."""
    drop = len(span_text.split()) - len(replacement.split())
    return 0 <= drop <= MAX_WORDS_DROPPED


# A gender-neutral word ("spokesperson", "chairperson", "salespeople") turned into a gendered one
# ("spokesman", "chairman") guesses what the text does not say. The training corpus is older news,
# where "spokesman" outnumbers "spokesperson" 28 to 1 (modern web text: 1.4 to 1, wordfreq), so the
# model takes the neutral word for a spin; in modern news it is usually what the writer wrote.
_NEUTRAL_RE = re.compile(r"\b\w*(?:person|persons|people)\b", re.IGNORECASE)
_GENDERED_RE = re.compile(r"\b\w*(?:man|men)\b", re.IGNORECASE)
_NOT_GENDERED = {"human", "humans", "german", "germans", "roman", "romans", "norman", "normans"}


def _gendered(text: str) -> set[str]:
    return {w.lower() for w in _GENDERED_RE.findall(text)} - _NOT_GENDERED


def _doubled(text: str) -> set[str]:
    ws = [w.strip(".,;:!?\"'“”‘’()").lower() for w in text.split()]
    return {a for a, b in zip(ws, ws[1:]) if a and a == b}


def shape_problem(span_text: str, replacement: str, left: str = "", right: str = "") -> str | None:
    """Why a model wording may only be reported, not applied, whatever its confidence: it drops
    more than MAX_WORDS_DROPPED words or adds words (``word_count_ok``); it says a word twice in
    a row where the span in its place does not, inside the wording or with the words beside it
    in its context (``left``, ``right``): "C-levelled footed soldier" -> "C-level subordinated
    subordinated", "executive [director -> executive] committee", decoding loops (3 of 2,241
    model proposals on 200 dev and test documents, all wrong); it genders a gender-neutral word of
    the span ("spokesperson" -> "spokesman", "chairperson" -> "chairwoman"). None when the
    wording is fine.

    Not a rule: a word missing from English word counts. symspellpy's 82,765 words lack 2,654 of
    wordfreq's 29,182 most common alphabetic English words ("rumors", "favorite", "labor"), so it
    held back a right "tells" -> "rumors" on held-out documents as often as it caught a wrong
    "Xxx" -> "Twentyx"."""
    if not word_count_ok(span_text, replacement):
        return f"{len(span_text.split())} words -> {len(replacement.split())}"
    lw, rw = neighbours(left, right)
    around = ((lw or "") + " {} " + (rw or "")).format
    twice = sorted(_doubled(around(replacement)) - _doubled(around(span_text)))
    if twice:
        return f'"{twice[0]}" twice in a row'
    neutral = _NEUTRAL_RE.search(span_text)
    gendered = sorted(_gendered(replacement) - _gendered(span_text)) if neutral else []
    if gendered:
        return f'"{neutral.group(0)}" -> "{gendered[0]}" guesses a gender'
    return None


def proposal_features(span: Span, r: dict) -> list[float]:
    """The evidence features (``restore.fix.evidence.features``) of the best wording of an infill
    result ``r`` for the detector span ``span``: the one place the pipeline and
    ``scripts/train/fit_evidence.py`` compute them. The span's words and neighbours come from the
    context the model read (``r["left"]``, ``r["span"]``, ``r["right"]``)."""
    return evidence_features(r["lps"][r["best"]], r["keep_lp"], r["span"], r["best_text"],
                             span.confidence, *neighbours(r["left"], r["right"]))


# ---- the model's own confidence (numpy-free)
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -60 else 0.0


def features(lp_best: float, lp_keep: float, n_words: int) -> dict[str, float]:
    return {"lp_best": lp_best, "margin": max(-30.0, min(30.0, lp_best - lp_keep)), "n_words": float(n_words),
            "lp_keep": max(-60.0, lp_keep)}


def confidence_of(cal: dict, feats: dict[str, float]) -> float:
    z = cal["bias"] + sum(w * feats[f] for f, w in zip(cal["features"], cal["weights"]))
    return min(1.0, max(0.0, _sigmoid(z)))
