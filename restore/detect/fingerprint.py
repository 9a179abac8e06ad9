"""Which spinner did this: the spinner family a document most likely went through.

Each spinner family (``restore_dev.families``: a sparse substitution database applied the way a
real spinner applies its own) writes its own wordings. ``restore/data/spinner_families.tsv.gz``
lists, for every wording some family writes, which families write it; ``spinner_families.json``
holds, per family, how often a spun span of that family shows each pattern of families (which
families could have written it), fitted on synthetic documents (scripts/train/fit_fingerprint.py),
and the same for ``other``: words no known family spun (clean words; other spinners' wordings).
A document's spans are scored as independent draws (naive Bayes over the patterns, uniform prior);
the best family is named when its probability reaches ``MIN_PROBABILITY`` with at least
``MIN_SPANS`` spans, otherwise the answer is ``unknown`` (with the probabilities still given).

Pure Python and lazy: nothing is read until the first call.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import threading
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable

TABLE = "spinner_families.tsv.gz"
MODEL = "spinner_families.json"
MIN_SPANS = 5
MIN_PROBABILITY = 0.8
UNKNOWN = "unknown"
OTHER = "other"  # the model's stand-in for words no known family wrote (clean words, other spinners)

_lock = threading.Lock()
_loaded: tuple[list[str], dict[str, int], dict[str, list[float]], dict[str, Any]] | None = None
_WORD = re.compile(r"[a-z]+(?:['\-][a-z]+)*")


@dataclass(frozen=True)
class SpinnerGuess:
    """``family``: the family named, or "unknown"; ``probability``: its posterior; ``spans``: the
    spans looked at; ``probabilities``: every family's posterior (best first)."""

    family: str
    probability: float
    spans: int
    probabilities: tuple[tuple[str, float], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "probability": round(self.probability, 4), "spans": self.spans,
                "probabilities": {k: round(v, 4) for k, v in self.probabilities}}


def _load():
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                pkg = resources.files("restore.data")
                model = json.loads(pkg.joinpath(MODEL).read_text(encoding="utf-8"))
                names = list(model["families"])  # the bits of a pattern; OTHER is no bit
                masks: dict[str, int] = {}
                raw = gzip.decompress(pkg.joinpath(TABLE).read_bytes()).decode("utf-8")
                for line in raw.splitlines():
                    if not line or line.startswith("#"):
                        continue
                    key, _, fams = line.partition("\t")
                    m = 0
                    for f in fams.split(","):
                        if f in names:
                            m |= 1 << names.index(f)
                    masks[key] = m
                loglik = {f: [math.log(p) for p in ps] for f, ps in model["pattern_probability"].items()}
                _loaded = (names, masks, loglik, model)
    return _loaded


def pattern(text: str) -> int:
    """The families (a bit mask, in the model's family order) that could have written ``text``:
    the wording itself, or any run of 1-3 of its words."""
    return pattern_in(_load()[1], text)


def pattern_in(masks: dict[str, int], text: str) -> int:
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    if not words:
        return 0
    m = masks.get(" ".join(words), 0)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            m |= masks.get(" ".join(words[i:i + n]), 0)
    return m


def families() -> list[str]:
    """The families a guess can name."""
    return list(_load()[0])


def guess_spinner(span_texts: Iterable[str]) -> SpinnerGuess:
    """The spinner family of a document from the texts of its spun spans."""
    _, masks, loglik, _ = _load()
    pats = [pattern_in(masks, t) for t in span_texts]
    n = len(pats)
    score = {f: sum(ll[p] for p in pats) for f, ll in loglik.items()}
    top = max(score.values())
    z = sum(math.exp(v - top) for v in score.values())
    post = sorted(((f, math.exp(v - top) / z) for f, v in score.items()), key=lambda x: -x[1])
    best, p = post[0]
    if n < MIN_SPANS or p < MIN_PROBABILITY or best == OTHER:
        best = UNKNOWN
    return SpinnerGuess(best, p, n, tuple(post))
