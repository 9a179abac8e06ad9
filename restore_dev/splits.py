"""Document-level train/dev/test splits of the clean corpus (scripts/data/make_splits.py).

Every document goes to exactly one side, chosen by a hash of (seed, id), so the split is
deterministic, independent of file order, and stable when documents are added; within a side the
records are in a deterministic hash order, so the first N documents of a split are a fair sample
across sources.
"""
from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os

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
