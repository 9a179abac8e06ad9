#!/usr/bin/env python3
"""Fit the pipeline-level confidence of model edits (restore/fix/evidence.py) on held-out gold documents.

    python3 scripts/fit_evidence.py --gold data/eval/dev_mixture.jsonl data/eval/dev_clean_mixed.jsonl \\
        data/eval/dev_light.jsonl data/eval/dev_heavy.jsonl --offset 100 --limit 100 \\
        --cache runs/evidence/rows.json --out restore/models/restorer/evidence.json

Runs the pipeline's own stages on each gold document (dictionary, detector, restorer) and records,
for every model proposal on a detector span, the features of ``restore.fix.evidence.features`` and a
label: 1 when replacing the span with the proposal gives exactly the original's wording there
(the span's ends map to the original through the gold edits; an end inside a gold edit is wrong).
Then a logistic regression (L2, standardised features) is fitted; 5-fold cross-validation grouped
by document prints precision and the number of right edits at each threshold, for the model's own
confidence and for the fitted one, so that the two compare at equal precision. ``--offset 100``:
the first 100 documents of each dev file are the evaluation set (scripts/eval_restore.py --limit 100)
and are not used here. ``--cache``: reuse the rows of an earlier run (same models) and only refit.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from restore.metrics import read_jsonl  # noqa: E402

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
        sys.exit("fit_evidence: needs both models/detector and models/restorer")
    lex = load_lexicon(cfg.lexicons, cfg.builtin)
    rows: list[dict] = []
    t0 = time.time()
    for f in files:
        gold = list(read_jsonl(f))[offset:]
        gold = gold[:limit] if limit else gold
        for g in gold:
            # the pipeline's own first stages (one document at a time, as restore_and_explain)
            (w,) = _prepare_many([g["spun"]], cfg, lex, det)
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", nargs="+", required=True, help="gold JSONL files (the shared scorer's format)")
    ap.add_argument("--offset", type=int, default=100, help="skip the first N documents of each file")
    ap.add_argument("--limit", type=int, default=None, help="then use at most N documents of each file")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--target-precision", type=float, default=0.90,
                    help="suggest the lowest threshold whose cross-validated precision reaches this")
    ap.add_argument("--cache", default=None, help="rows JSON: read if it exists, else written")
    ap.add_argument("--out", default=None, help="write the fitted weights here (e.g. restore/models/restorer/evidence.json)")
    args = ap.parse_args(argv)

    import numpy as np

    from restore.fix.evidence import FEATURES

    if args.cache and Path(args.cache).is_file():
        saved = json.loads(Path(args.cache).read_text())
        rows, meta = saved["rows"], saved["meta"]
        print(f"{len(rows)} proposals from {args.cache}", file=sys.stderr)
    else:
        rows, meta = collect(args.gold, args.offset, args.limit)
        if args.cache:
            Path(args.cache).parent.mkdir(parents=True, exist_ok=True)
            Path(args.cache).write_text(json.dumps({"meta": meta, "rows": rows}))
    if len(rows) < 50 or len({r["y"] for r in rows}) < 2:
        sys.exit(f"fit_evidence: {len(rows)} proposals, too few (or one class) to fit")
    X = np.array([r["x"] for r in rows], dtype=float)
    y = np.array([r["y"] for r in rows], dtype=float)
    groups = [f"{r['file']}/{r['id']}" for r in rows]
    print(f"{len(rows)} model proposals on {len(set(groups))} documents, {int(y.sum())} right", file=sys.stderr)
    own = table("the model's own confidence (calibration.json)", np.array([r["own"] for r in rows]), y)
    cv = table("fitted evidence, 5-fold cross-validated by document", cross_validate(X, y, groups, l2=args.l2), y)
    ok = [r["threshold"] for r in cv if r["precision"] is not None and r["precision"] >= args.target_precision]
    suggested = min(ok) if ok else None
    print(f"suggested model_threshold (cross-validated precision >= {args.target_precision}): {suggested}",
          file=sys.stderr)
    mean, scale = standardise(X)
    w, b = fit_logistic((X - mean) / scale, y, args.l2)
    for name, wi in zip(FEATURES, w):
        print(f"  weight {name:15s} {wi:+.3f}", file=sys.stderr)
    data = {"features": list(FEATURES), "weights": [round(float(v), 6) for v in w], "bias": round(b, 6),
            "mean": [round(float(v), 6) for v in mean], "scale": [round(float(v), 6) for v in scale],
            "detector": meta["detector"], "restorer": meta["restorer"], "l2": args.l2,
            "data": {"files": meta["files"], "offset": meta["offset"], "limit": meta["limit"],
                     "proposals": len(rows), "right": int(y.sum()), "documents": len(set(groups))},
            "cv": {"own": own, "evidence": cv},
            "suggested_threshold": suggested, "target_precision": args.target_precision,
            "command": "python3 scripts/fit_evidence.py " + " ".join(sys.argv[1:] if argv is None else argv)}
    data["id"] = hashlib.sha256(json.dumps(data["weights"] + [data["bias"]]).encode()).hexdigest()[:8]
    if args.out:
        tmp = Path(args.out).with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n")
        tmp.replace(args.out)
        print(f"-> {args.out} (evidence@{data['id']}, for {meta['detector']} + {meta['restorer']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
