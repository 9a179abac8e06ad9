#!/usr/bin/env python3
"""Train the triage model (restore.detect.triage) and choose its threshold for recall.

    bash scripts/data/make_triage_data.sh          # data/triage/train_*.jsonl (spin.py over the training split)
    python3 scripts/train/train_triage.py [--data 'data/triage/train_*.jsonl'] [--dev 'data/eval/dev_*.jsonl']
                                          [--margin 1.3] [--c 1.0] [--out restore/data/triage.json.gz]

1. Every word of the training documents, labelled spun when one of the spinner's edits covers it;
   features: the word, with its left neighbour, with its right neighbour; a logistic regression
   (scikit-learn), weights under 0.05 dropped.
2. The detector (the shipped one, triage off) reads the development sets; the threshold is the
   lowest triage score of a document it calls spun, minus ``--margin``.
3. Written deterministically (restore_dev.triage.save), with the data, sizes and threshold in
   ``meta``. About 4 minutes on one core.
"""
from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from restore_dev import triage as tr  # noqa: E402


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(ROOT, "data", "triage", "train_*.jsonl"))
    ap.add_argument("--dev", default=os.path.join(ROOT, "data", "eval", "dev_*.jsonl"))
    ap.add_argument("--margin", type=float, default=1.3, help="logit units under the lowest called dev document")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "restore", "data", "triage.json.gz"))
    args = ap.parse_args(argv)
    data = sorted(glob.glob(args.data))
    dev = sorted(glob.glob(args.dev))
    if not data or not dev:
        log(f"no training data ({args.data}) or dev sets ({args.dev}): run scripts/data/make_triage_data.sh "
            "and scripts/data/make_eval_sets.sh")
        return 2
    t0 = time.time()
    X, y = tr.examples(data)
    log(f"{len(X):,} words, {sum(y):,} spun, from {len(data)} files ({time.time() - t0:.0f} s)")
    model = tr.train(X, y, c=args.c)
    log(f"trained: {len(model['weights']):,} weights kept ({time.time() - t0:.0f} s)")

    from restore.config import Config
    from restore.pipeline import detect_batch, doc_threshold_of

    cfg = Config(triage=False)
    gate = doc_threshold_of(cfg)
    called: list[str] = []
    n_dev = 0
    for path in dev:
        texts = [json.loads(x)["spun"] for x in open(path, encoding="utf-8") if x.strip()]
        n_dev += len(texts)
        called += [t for t, d in zip(texts, detect_batch(texts, cfg)) if d.spun_score >= gate]
    thr, low = tr.threshold_for(model, called, args.margin)
    model["threshold"] = thr
    meta = {"data": [os.path.relpath(p, ROOT) for p in data], "words": len(X), "spun_words": sum(y), "c": args.c,
            "dev": [os.path.relpath(p, ROOT) for p in dev], "dev_documents": n_dev, "dev_called_spun": len(called),
            "lowest_called_score": round(low, 4), "margin": args.margin, "gate": gate,
            "date": datetime.date.today().isoformat()}
    tr.save(model, args.out, meta)
    log(f"threshold {thr} (lowest of {len(called)} called dev documents {low:.3f} - {args.margin}); "
        f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB, {time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
