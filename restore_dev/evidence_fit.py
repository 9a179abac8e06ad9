"""Fitting the pipeline-level confidence of model edits (restore/fix/evidence.py) on held-out gold
documents (scripts/train/fit_evidence.py).

The rows: for every model proposal on a detector span, the features of
``restore.fix.evidence.features`` and a label (``is_right``: replacing the span with the proposal
gives exactly the original's wording there; the span's ends map to the original through the gold
edits, and an end inside a gold edit is wrong). The fit: a logistic regression (numpy, L2,
standardised features) with cross-validation grouped by document.
"""
from __future__ import annotations

import os
import sys
import time

from restore.metrics import read_jsonl

THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def original_offset(edits, p: int) -> int | None:
    """Where spun offset ``p`` falls in the original, or None when it is strictly inside a gold edit."""
    delta = 0
    for ss, se, os_, oe in sorted(edits):
        if p <= ss:
            break
        if p < se:
            return None
        delta = oe - se
    return p + delta


def is_right(gold: dict, start: int, end: int, replacement: str) -> bool:
    """Does replacing ``spun[start:end]`` with ``replacement`` give the original's wording there?"""
    a, b = original_offset(gold["edits"], start), original_offset(gold["edits"], end)
    return a is not None and b is not None and gold["original"][a:b] == replacement


def collect(files: list[str], offset: int, limit: int | None) -> tuple[list[dict], dict]:
    import torch

    torch.set_num_threads(int(os.environ.get("RESTORE_THREADS", "1")))
    from restore import Config
    from restore.fix.dictionary import load_lexicon
    from restore.pipeline import _detector, _prepare_many, _restorer
    from restore.fix.wording import proposal_features

    cfg = Config()
    det, res = _detector(cfg), _restorer(cfg)
    if det is None or res is None:
        sys.exit("fit_evidence: needs both restore/models/detector and restore/models/restorer")
    lex = load_lexicon(cfg.lexicons, cfg.builtin)
    rows: list[dict] = []
    t0 = time.time()
    for f in files:
        gold = list(read_jsonl(f))[offset:]
        gold = gold[:limit] if limit else gold
        for g in gold:
            # the pipeline's own first stages (one document at a time, as restore_and_explain)
            (w,), _ = _prepare_many([g["spun"]], cfg, lex)
            # no detector signature: the model's own confidence, as before the evidence existed
            edits, details = res.propose_with_details(w.text, w.todo, cfg)
            by_span = {(s.start, s.end): (s, r) for s, r in details}
            for e in edits:
                s, r = by_span[(e.start, e.end)]
                x = proposal_features(s, r)
                rows.append({"file": os.path.basename(f), "id": g["id"], "start": e.start, "end": e.end,
                             "span": e.original, "replacement": e.replacement, "own": e.confidence, "x": x,
                             "y": int(is_right(g, e.start, e.end, e.replacement))})
        print(f"{f}: {len(gold)} docs, {len(rows)} proposals so far, {time.time() - t0:.0f}s", file=sys.stderr)
    meta = {"detector": det.signature, "restorer": res.signature.split(",")[0], "files": files,
            "offset": offset, "limit": limit}
    return rows, meta


# ------------------------------------------------------------------ logistic regression (numpy)
def fit_logistic(X, y, l2: float = 1.0, iters: int = 50):
    """Newton's method on the L2-penalised log-loss; X standardised; returns (w, b)."""
    import numpy as np

    n, k = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    w = np.zeros(k + 1)
    reg = np.full(k + 1, l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -50, 50)))
        g = A.T @ (p - y) + reg * w
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def standardise(X):
    mean = X.mean(0)
    scale = X.std(0)
    scale[scale == 0] = 1.0
    return mean, scale


def predict(X, w, b, mean, scale):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(((X - mean) / scale) @ w + b, -50, 50)))


def cross_validate(X, y, groups, folds: int = 5, l2: float = 1.0):
    import numpy as np

    ids = sorted(set(groups))
    fold_of = {g: i % folds for i, g in enumerate(ids)}
    f = np.array([fold_of[g] for g in groups])
    p = np.zeros(len(y))
    for k in range(folds):
        tr, te = f != k, f == k
        mean, scale = standardise(X[tr])
        w, b = fit_logistic((X[tr] - mean) / scale, y[tr], l2)
        p[te] = predict(X[te], w, b, mean, scale)
    return p


def table(name: str, p, y) -> list[dict]:
    out = []
    for t in THRESHOLDS:
        sel = p >= t
        n = int(sel.sum())
        out.append({"threshold": t, "applied": n, "right": int(y[sel].sum()),
                    "precision": round(float(y[sel].mean()), 4) if n else None})
    print(f"{name}:", file=sys.stderr)
    for r in out:
        prec = f"{r['precision']:.3f}" if r["precision"] is not None else "-"
        print(f"  >= {r['threshold']:.2f}: applied {r['applied']:5d}  right {r['right']:5d}  precision {prec}",
              file=sys.stderr)
    return out
