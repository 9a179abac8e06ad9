#!/usr/bin/env python3
"""Fit the pipeline-level confidence of model edits (restore/fix/evidence.py) on held-out gold documents.

    python3 scripts/train/fit_evidence.py --gold data/eval/dev_mixture.jsonl data/eval/dev_clean_mixed.jsonl \\
        data/eval/dev_light.jsonl data/eval/dev_heavy.jsonl --offset 100 --limit 100 \\
        --cache runs/evidence/rows.json --out restore/models/restorer/evidence.json

Runs the pipeline's own stages on each gold document (dictionary, detector, restorer) and records,
for every model proposal on a detector span, the features of ``restore.fix.evidence.features`` and a
label: 1 when replacing the span with the proposal gives exactly the original's wording there
(the span's ends map to the original through the gold edits; an end inside a gold edit is wrong).
Then a logistic regression (L2, standardised features) is fitted; 5-fold cross-validation grouped
by document prints precision and the number of right edits at each threshold, for the model's own
confidence and for the fitted one, so that the two compare at equal precision. ``--offset 100``:
the first 100 documents of each dev file are the evaluation set (scripts/eval/eval_restore.py --limit 100)
and are not used here. ``--cache``: reuse the rows of an earlier run (same models) and only refit.
The rows, labels and the fit are restore_dev.evidence_fit's.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from restore_dev.evidence_fit import collect, cross_validate, fit_logistic, standardise, table


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
            "command": "python3 scripts/train/fit_evidence.py " + " ".join(sys.argv[1:] if argv is None else argv)}
    data["id"] = hashlib.sha256(json.dumps(data["weights"] + [data["bias"]]).encode()).hexdigest()[:8]
    if args.out:
        tmp = Path(args.out).with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n")
        tmp.replace(args.out)
        print(f"-> {args.out} (evidence@{data['id']}, for {meta['detector']} + {meta['restorer']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
