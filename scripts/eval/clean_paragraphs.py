#!/usr/bin/env python3
"""Precision on short clean texts: run the default pipeline over random paragraphs of clean English.

    python3 scripts/eval/clean_paragraphs.py --corpus ../shared/data/corpus --n 400 --seed 7 [--json FILE]

The evaluation sets hold whole documents (up to 400 words); a user may send paragraphs, where the
document score has less to go on. This samples ``--n`` paragraphs of at least 12 words from every
7th document of each ``*.jsonl.gz`` under ``--corpus`` (restore_dev.corpus.sample_paragraphs, the
sampler of tests/test_clean_corpus.py), restores them in windows of 16 (as the CLI does) and prints, by
paragraph length, how many were called spun (spun_score at or over the document threshold), got
detector spans and were changed, and the applied edits per 1,000 words. Every change and every
"spun" here is a false alarm: the text was clean.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from restore_dev.corpus import sample_paragraphs

BUCKETS = ((12, 29), (30, 59), (60, 10**9))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, type=Path, help="a directory of clean *.jsonl.gz files")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", default=None, metavar="FILE", help="also write every paragraph's outcome")
    args = ap.parse_args(argv)

    from restore import restore_batch, signature_of
    from restore.pipeline import doc_threshold_of

    paras = sample_paragraphs(args.corpus, args.n, args.seed)
    rows = []
    for i in range(0, len(paras), 16):
        window = paras[i:i + 16]
        for p, r in zip(window, restore_batch(window)):
            rows.append({"words": len(p.split()), "spun_score": r.spun_score,
                         "detector_spans": sum(s.source == "detector" for s in r.spans),
                         "applied": [[e.original, e.replacement, e.source, e.confidence] for e in r.applied],
                         "text": p})
    gate = doc_threshold_of()
    print(f"{len(rows)} clean paragraphs from {args.corpus} (seed {args.seed}); spun: spun_score >= {gate}")
    print(f"{'words':>8} {'paragraphs':>10} {'spun':>5} {'with detector spans':>20} {'changed':>8} {'words in all':>13}")
    for lo, hi in BUCKETS:
        b = [r for r in rows if lo <= r["words"] <= hi]
        label = f"{lo}-{hi}" if hi < 10**9 else f"{lo}+"
        print(f"{label:>8} {len(b):>10} {sum(r['spun_score'] >= gate for r in b):>5} "
              f"{sum(r['detector_spans'] > 0 for r in b):>20} {sum(bool(r['applied']) for r in b):>8} "
              f"{sum(r['words'] for r in b):>13}")
    n_edits, n_words = sum(len(r["applied"]) for r in rows), sum(r["words"] for r in rows)
    print(f"applied edits: {n_edits} ({1000 * n_edits / n_words:.2f} per 1,000 words)")
    for r in rows:
        for e in r["applied"]:
            print(f"  {r['words']} words, spun_score {r['spun_score']:.2f}: \"{e[0]}\" -> \"{e[1]}\" ({e[2]}, {e[3]:.2f})")
    sig = signature_of()
    print(sig)
    if args.json:
        tmp = Path(args.json).with_suffix(".tmp")
        tmp.write_text(json.dumps({"signature": sig, "seed": args.seed, "paragraphs": rows}, indent=1) + "\n")
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
