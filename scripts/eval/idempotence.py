#!/usr/bin/env python3
"""Restoring restored text changes nothing: ``restore`` on its own output, counting the edits it
applies the second time (0 is the aim), on the shared samples, every real page and N spun test
documents (the inputs of ``scripts/eval/unchanged.py``).

    python3 scripts/eval/idempotence.py [--sets samples,real,test] [--test-docs 200] [--show 20]

Exit 1 when the second pass applies any edit; each such edit is listed with its context.
"""
from __future__ import annotations

import argparse
import sys
import time

from restore import Config, restore_batch
from restore.batch import windows
from restore_dev.check_inputs import inputs


def restore_all(texts: list[str], cfg: Config) -> list:
    """In windows of documents, as the CLI batches them."""
    class Doc:  # what restore.batch.windows measures
        def __init__(self, text):
            self.text = text

    out: list = []
    for w in windows([Doc(t) for t in texts]):
        out += restore_batch([d.text for d in w], cfg)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="samples,real,test")
    ap.add_argument("--test-docs", type=int, default=200)
    ap.add_argument("--passes", type=int, default=Config.passes, help="Config.passes of the runs")
    ap.add_argument("--show", type=int, default=20, help="list at most this many second-pass edits")
    args = ap.parse_args(argv)
    recs = inputs(tuple(s for s in args.sets.split(",") if s), args.test_docs)
    cfg = Config(passes=args.passes)
    t = time.perf_counter()
    first = restore_all([r["text"] for r in recs], cfg)
    seconds = time.perf_counter() - t
    second = restore_all([r.text for r in first], cfg)
    n_edits = n_docs = 0
    for rec, r in zip(recs, second):
        if r.applied:
            n_docs += 1
        for e in r.applied:
            n_edits += 1
            if n_edits <= args.show:
                ctx = r.input[max(0, e.start - 50):e.start] + "[" + e.original + "]" + r.input[e.end:e.end + 30]
                print(f"{rec['id']}: {e.source} {e.confidence:.2f} {e.original!r} -> {e.replacement!r}: "
                      f"{ctx!r}")
    words = sum(len(r["text"].split()) for r in recs)
    print(f"{len(recs)} documents ({words:,} words), first pass {seconds:.0f} s; second pass: {n_edits} edits "
          f"applied in {n_docs} documents (passes={args.passes})", file=sys.stderr)
    return 1 if n_edits else 0


if __name__ == "__main__":
    sys.exit(main())
