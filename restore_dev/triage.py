"""Training the triage model (``restore.detect.triage``): a logistic regression over words in
context, labelled by what the project's spinners changed, and a threshold chosen for recall.

Examples: every word of every ``--data`` JSONL document (``spun``, ``original``, ``edits``: what
``scripts/data/spin.py`` writes over ``data/splits/train.jsonl``); a word is spun when it lies in
one of the document's edits (``edits``: spun start, spun end, original start, original end).
Features (``word_features``) seen fewer than ``min_count`` times are dropped; weights smaller than
``prune`` after training too.

The threshold: the lowest triage score among development documents that the detector calls
spun (its own gate), minus ``margin``, so that the triage clears none of them with room to spare.
"""
from __future__ import annotations

import contextlib
import gzip
import importlib
import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from restore.detect.triage import WORD_RE, Triage, word_features


def _spun_words(text: str, edits: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """The words of ``text`` as the triage reads them (``words``), each with whether an edit covers it."""
    spans = [(e[0], e[1]) for e in edits]
    return [(m.group().lower(), any(a < m.end() and m.start() < b for a, b in spans))
            for m in WORD_RE.finditer(text)]


def examples(paths: Iterable[str]) -> tuple[list[tuple[str, str, str]], list[int]]:
    X: list[tuple[str, str, str]] = []
    y: list[int] = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            labelled = _spun_words(r["spun"], r.get("edits") or [])
            ws = [w for w, _ in labelled]
            for i, (_, spun) in enumerate(labelled):
                X.append(word_features(ws, i))
                y.append(int(spun))
    return X, y


def train(X: list[tuple[str, str, str]], y: list[int], c: float = 1.0, min_count: int = 2,
          prune: float = 0.05, max_iter: int = 300) -> dict:
    """The fitted weights and bias (threshold still to set)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for fs in X for f in fs)
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows, cols = [], []
    for r, fs in enumerate(X):
        for f in fs:
            j = vocab.get(f)
            if j is not None:
                rows.append(r)
                cols.append(j)
    M = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(X), len(vocab)))
    clf = LogisticRegression(C=c, max_iter=max_iter, solver="lbfgs")
    clf.fit(M, y)
    coef = clf.coef_[0]
    weights = {f: round(float(coef[i]), 4) for f, i in vocab.items() if abs(coef[i]) >= prune}
    return {"weights": dict(sorted(weights.items())), "bias": round(float(clf.intercept_[0]), 6)}


def threshold_for(model: dict, called_texts: Sequence[str], margin: float) -> tuple[float, float]:
    """(threshold, lowest score of a called document): the lowest triage score among the texts
    the detector calls spun, minus ``margin``."""
    tri = Triage(model["weights"], model["bias"], 0.0, "")
    low = min(tri.score(t) for t in called_texts)
    return round(low - margin, 4), low


def save(model: dict, path: str | Path, meta: dict) -> None:
    """Written deterministically (sorted keys, gzip without a timestamp)."""
    data = json.dumps({**model, "meta": meta}, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as fh:
        with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9) as gz:
            gz.write(data)




class _StandIn:
    """A triage that answers with ``suspect`` and reads nothing (``bench_triage.py --bounds``)."""

    def __init__(self, tri: Triage, suspect):
        self.signature, self.threshold, self.suspect = tri.signature, tri.threshold, suspect


@contextlib.contextmanager
def triage_as(tri: Triage, suspect):
    """The pipeline's triage answers with ``suspect(text)`` inside the block (its signature stays
    ``tri``'s): the bounds of ``scripts/eval/bench_triage.py``, a free triage that clears every text
    and a free oracle."""
    triage_module = importlib.import_module("restore.detect.triage")
    load = triage_module.load_triage
    triage_module.load_triage = lambda path=None: _StandIn(tri, suspect)
    try:
        yield
    finally:
        triage_module.load_triage = load
