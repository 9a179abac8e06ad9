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
_loaded: "Fingerprint | None" = None
_WORD = re.compile(r"[a-z]+(?:['\-][a-z]+)*")


def words(text: str) -> list[str]:
    """The lower-case words a wording is looked up by."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


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


@dataclass(frozen=True)
class Fingerprint:
    """``families``: the bits of a pattern, in order (``OTHER`` is no bit); ``masks``: wording ->
    the families that write it; ``loglik``: per family (and ``OTHER``), the log-probability of each
    pattern."""

    families: tuple[str, ...]
    masks: dict[str, int]
    loglik: dict[str, list[float]]

    @classmethod
    def from_model(cls, model: dict, masks: dict[str, int]) -> "Fingerprint":
        return cls(tuple(model["families"]), masks,
                   {f: [math.log(p) for p in ps] for f, ps in model["pattern_probability"].items()})

    def pattern(self, text: str) -> int:
        """The families (a bit mask) that could have written ``text``: the wording itself, or any
        run of 1-3 of its words."""
        ws = words(text)
        m = self.masks.get(" ".join(ws), 0)
        for n in (3, 2, 1):
            for i in range(len(ws) - n + 1):
                m |= self.masks.get(" ".join(ws[i:i + n]), 0)
        return m

    def guess(self, span_texts: Iterable[str]) -> SpinnerGuess:
        """The spinner family of a document from the texts of its spun spans."""
        pats = [self.pattern(t) for t in span_texts]
        score = {f: sum(ll[p] for p in pats) for f, ll in self.loglik.items()}
        top = max(score.values())
        z = sum(math.exp(v - top) for v in score.values())
        post = sorted(((f, math.exp(v - top) / z) for f, v in score.items()), key=lambda x: -x[1])
        best, p = post[0]
        if len(pats) < MIN_SPANS or p < MIN_PROBABILITY or best == OTHER:
            best = UNKNOWN
        return SpinnerGuess(best, p, len(pats), tuple(post))


def _load() -> Fingerprint:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                pkg = resources.files("restore.data")
                model = json.loads(pkg.joinpath(MODEL).read_text(encoding="utf-8"))
                names = list(model["families"])
                masks: dict[str, int] = {}
                raw = gzip.decompress(pkg.joinpath(TABLE).read_bytes()).decode("utf-8")
                for line in raw.splitlines():
                    if not line or line.startswith("#"):
                        continue
                    key, _, fams = line.partition("\t")
                    masks[key] = sum(1 << names.index(f) for f in set(fams.split(",")) if f in names)
                _loaded = Fingerprint.from_model(model, masks)
    return _loaded


def families() -> list[str]:
    """The families a guess can name."""
    return list(_load().families)


def guess_spinner(span_texts: Iterable[str]) -> SpinnerGuess:
    """The spinner family of a document from the texts of its spun spans."""
    return _load().guess(span_texts)
