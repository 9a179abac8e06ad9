#!/usr/bin/env python3
"""Document-level train/dev/test splits of the clean corpus.

    python scripts/make_splits.py --corpus ../shared/data/corpus --out data/splits [--seed 13]

Every document goes to exactly one side (records in a deterministic hash order), chosen by a hash of (seed, id), so the split is
deterministic, independent of file order, and stable when documents are added.
Writes {train,dev,test}.jsonl (records {id, source, title, text}) with the `datasets` library
and prints the counts.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import hashlib
import json
import os
import sys

SPLITS = (("train", 0.90), ("dev", 0.05), ("test", 0.05))
FIELDS = ("id", "source", "title", "text")


def split_of(doc_id: str, seed: int = 13) -> str:
    """Which split a document id belongs to (deterministic; ~90/5/5)."""
    h = hashlib.sha1(f"{seed}:{doc_id}".encode("utf-8")).digest()
    u = int.from_bytes(h[:8], "big") / 2**64
    acc = 0.0
    for name, share in SPLITS:
        acc += share
        if u < acc:
            return name
    return SPLITS[-1][0]


def read_corpus(corpus_dir: str):
    files = sorted(glob.glob(os.path.join(corpus_dir, "*.jsonl.gz")))
    if not files:
        raise SystemExit(f"no *.jsonl.gz files in {corpus_dir}")
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    rec = json.loads(line)
                    yield {k: str(rec.get(k) or "") for k in FIELDS}


def make_splits(records, seed: int = 13) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name, _ in SPLITS}
    seen: set[str] = set()
    for rec in records:
        if rec["id"] in seen:
            raise ValueError(f"duplicate document id {rec['id']!r}")
        seen.add(rec["id"])
        out[split_of(rec["id"], seed)].append(rec)
    # deterministic shuffled order (by hash), so the first N documents of a split are a fair
    # sample across sources
    for recs in out.values():
        recs.sort(key=lambda r: hashlib.sha1(f"order:{seed}:{r['id']}".encode("utf-8")).digest())
    return out


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
