#!/usr/bin/env python3
"""Document-level train/dev/test splits of the clean corpus.

    python3 scripts/data/make_splits.py --corpus ../shared/data/corpus --out data/splits [--seed 13]

Every document goes to exactly one side (records in a deterministic hash order), chosen by a hash of (seed, id), so the split is
deterministic, independent of file order, and stable when documents are added (restore_dev.splits).
Writes {train,dev,test}.jsonl (records {id, source, title, text}) with the `datasets` library
and prints the counts.
"""
from __future__ import annotations

import argparse
import os
import sys

from restore_dev.splits import make_splits, read_corpus


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="../shared/data/corpus")
    ap.add_argument("--out", default="data/splits")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)

    from datasets import Dataset  # imported late: only this script needs it

    splits = make_splits(read_corpus(args.corpus), args.seed)
    os.makedirs(args.out, exist_ok=True)
    for name, recs in splits.items():
        path = os.path.join(args.out, f"{name}.jsonl")
        Dataset.from_list(recs).to_json(path, lines=True, force_ascii=False)
        words = sum(len(r["text"].split()) for r in recs)
        print(f"{name:6} {len(recs):7d} docs {words:9d} words -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
