#!/usr/bin/env python3
"""Train the model that scores scientific-term candidates (``restore.fix.terms.TermModel``).

    python3 scripts/train/train_terms.py [--gold ../shared/data/tortured/tortured_in_context_dev.jsonl.gz]
        [--folds 10] [--out restore/data/terms.json.gz] [--cv-dir runs/terms/cv] [--rows runs/terms/rows.jsonl]

1. Every candidate of every window of the tortured-in-context sentences and of their originals,
   with its features and label (``restore_dev.terms.labelled_candidates``: leave-one-out in folds,
   the detector's probabilities as the pipeline reads them); kept in ``--rows`` and reused.
2. Gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier, 200 trees of at most 31
   leaves, learning rate 0.08; the originals' rows weigh ``--original-weight``, 4: a paper is mostly
   clean text, and a wrong change there is what costs most) on all rows: the shipped model; and one per fold on the other folds
   (``--cv-dir``), which ``scripts/eval/tortured_unlisted.py --cv-dir`` uses so that no record is
   scored by a model that saw it.
3. The cross-validated figures at a few thresholds: good edits, records whose phrase comes back
   exactly in one pass, wrong edits on the spun and on the original side.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_GOLD = os.path.join(ROOT, "..", "shared", "data", "tortured", "tortured_in_context_dev.jsonl.gz")
PARAMS = {"max_iter": 200, "learning_rate": 0.08, "max_leaf_nodes": 31, "random_state": 0}


def tree_dict(model, used: list[int], params: dict = PARAMS, features: list[str] | None = None) -> dict:
    """A fitted HistGradientBoostingClassifier as ``restore.fix.terms.TermModel`` reads it: the names
    of the features it was fitted on (``used``, positions in ``features``, default ``FEATURES``)."""
    import numpy as np

    from restore.fix.terms import FEATURES

    names = list(FEATURES if features is None else features)
    trees = [[[int(n["feature_idx"]), float(n["num_threshold"]), int(n["left"]), int(n["right"]),
               round(float(n["value"]), 7), int(n["is_leaf"])] for n in it[0].nodes] for it in model._predictors]
    return {"features": [names[i] for i in used], "used": list(range(len(used))),
            "base": float(np.ravel(model._baseline_prediction)[0]), "params": params, "trees": trees}


def export(model, used: list[int], params: dict = PARAMS, features: list[str] | None = None, **extra) -> bytes:
    """The trees as JSON (``TermModel.from_bytes``; ``extra`` keys added), gzip-compressed with a fixed mtime."""
    d = {**tree_dict(model, used, params, features), **extra}
    return gzip.compress(json.dumps(d, separators=(",", ":")).encode("utf-8"), mtime=0)


def figures(rows: list[dict], p, gold: dict, n_records: int) -> list[dict]:
    from restore.fix.terms import Pick, choose, fold

    best: dict = {}
    for r, q in zip(rows, p):
        key = (r["id"], r["side"], r["start"], r["end"])
        if key not in best or q > best[key][0]:
            best[key] = (q, r)
    out = []
    for t in (0.4, 0.5, 0.6, 0.7, 0.8):
        by = defaultdict(list)
        for q, r in best.values():
            if q >= t:
                by[(r["id"], r["side"])].append((q, r))
        good = wrong_spun = wrong_orig = exact = 0
        for (rid, side), lst in by.items():
            # of overlapping runs, the one the pipeline applies (restore.fix.terms.choose)
            picks = {Pick(r["start"], r["end"], int(r["x"][1]), r["term"], q, True, ""): r for q, r in lst}
            chosen = [picks[k] for k in choose(list(picks)) if k.applied]
            if side == "spun":
                text = gold[rid]["spun"]
                for r in sorted(chosen, key=lambda r: -r["start"]):
                    text = text[:r["start"]] + r["term"] + text[r["end"]:]
                exact += fold(text) == fold(gold[rid]["original"])
            for r in chosen:
                good += r["y"]
                wrong_spun += (not r["y"]) and side == "spun"
                wrong_orig += side == "original"
        out.append({"threshold": t, "records_exact_one_pass": exact / n_records, "good_edits": good,
                    "wrong_spun": wrong_spun, "wrong_original": wrong_orig,
                    "precision": good / max(1, good + wrong_spun + wrong_orig)})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=DEFAULT_GOLD)
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--out", default=os.path.join(ROOT, "restore", "data", "terms.json.gz"))
    ap.add_argument("--cv-dir", default=os.path.join(ROOT, "runs", "terms", "cv"))
    ap.add_argument("--rows", default=os.path.join(ROOT, "runs", "terms", "rows.jsonl"))
    ap.add_argument("--original-weight", type=float, default=4.0,
                    help="the weight of a candidate in an original sentence (every one is wrong)")
    ap.add_argument("--compose-at", type=float, default=None,
                    help="compose candidates where the detector gives a window's word this much (default: "
                         "restore.fix.terms.COMPOSE_AT; 0: everywhere, as --quality best does: "
                         "--out restore/data/terms_best.json.gz --cv-dir runs/terms_best/cv --rows runs/terms_best/rows.jsonl)")
    ap.add_argument("--phrases", action="store_true",
                    help="compose phrase by phrase too, as --quality best does (with --compose-at 0)")
    ap.add_argument("--drop-features", default="",
                    help="features (restore.fix.terms.FEATURES names, comma-separated) the model does without: "
                         "the shipped default model is fitted without science_window,science_term,length_change")
    ap.add_argument("--no-early-stopping", action="store_true",
                    help="grow all the trees (scikit-learn otherwise holds 10%% of the rows out and may stop early; "
                         "on the 1.4M rows of --compose-at 0 it stopped after a few trees)")
    args = ap.parse_args(argv)
    params = {**PARAMS, "early_stopping": False} if args.no_early_stopping else PARAMS

    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from restore.fix.terms import FEATURES
    from restore_dev.terms import labelled_candidates, read_gold

    gold = read_gold(args.gold)
    t0 = time.time()
    if not os.path.exists(args.rows):
        os.makedirs(os.path.dirname(os.path.abspath(args.rows)), exist_ok=True)
        tmp = args.rows + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            for r in labelled_candidates(gold, args.folds, compose_at=args.compose_at, phrases=args.phrases):
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        os.replace(tmp, args.rows)
        print(f"rows written in {time.time() - t0:.0f}s -> {args.rows}", file=sys.stderr)
    with open(args.rows, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    drop = {f for f in args.drop_features.split(",") if f}
    if drop - set(FEATURES):
        ap.error(f"--drop-features: no such feature {sorted(drop - set(FEATURES))}; the features are {FEATURES}")
    used = [i for i, name in enumerate(FEATURES) if name not in drop]
    X = np.array([[r["x"][i] for i in used] for r in rows])
    y = np.array([r["y"] for r in rows])
    f = np.array([r["fold"] for r in rows])
    w = np.array([args.original_weight if r["side"] == "original" else 1.0 for r in rows])
    print(f"{len(rows)} candidates, {int(y.sum())} right, {len(set(r['id'] for r in rows))} records", file=sys.stderr)

    os.makedirs(args.cv_dir, exist_ok=True)
    p = np.zeros(len(y))
    for k in sorted(set(f.tolist())):
        m = HistGradientBoostingClassifier(**params).fit(X[f != k], y[f != k], sample_weight=w[f != k])
        p[f == k] = m.predict_proba(X[f == k])[:, 1]
        with open(os.path.join(args.cv_dir, f"fold{k}.json.gz"), "wb") as fh:
            fh.write(export(m, used, params))
    np.save(os.path.join(args.cv_dir, "cv_probs.npy"), p)  # each row's cross-fitted probability
    m = HistGradientBoostingClassifier(**params).fit(X, y, sample_weight=w)
    raw = export(m, used, params)
    with open(args.out, "wb") as fh:
        fh.write(raw)
    figs = figures(rows, p, {g["id"]: g for g in gold}, len(gold))
    report = {"gold": os.path.basename(args.gold), "folds": args.folds, "candidates": len(rows),
              "right": int(y.sum()), "features": [FEATURES[i] for i in used], "params": params,
              "original_weight": args.original_weight,
              "cross_validated": figs, "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(args.cv_dir, "report.json"), "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=1)
    print(json.dumps(report, indent=1))
    print(f"model -> {args.out} ({len(raw):,} bytes); cross-fitted models -> {args.cv_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
