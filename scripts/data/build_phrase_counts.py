#!/usr/bin/env python3
"""Counts of word runs in clean news, for the science profile's term model
(``restore/data/phrase_counts.tsv.gz``; ``restore.fix.terms.phrase_count``).

    python3 scripts/data/build_phrase_counts.py [--corpus ../shared/data/corpus] [--min-count 2]
        [--exclude ../shared/data/tortured/tortured_in_context_dev.jsonl.gz] [--out restore/data/phrase_counts.tsv.gz]

Runs of 2 and 3 words (``restore.fix.terms.WORD``, lower case) that neither start nor end on a
function word, counted over the corpus's sentences, leaving out every sentence that is also an
original of ``--exclude`` (so that a sentence of the evaluation never counts its own phrases);
those seen at least ``--min-count`` times are written, sorted: counts only, no text.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import re
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "data")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(SHARED, "corpus"))
    ap.add_argument("--exclude", default=os.path.join(SHARED, "tortured", "tortured_in_context_dev.jsonl.gz"))
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "restore", "data", "phrase_counts.tsv.gz"))
    args = ap.parse_args(argv)

    from restore.fix.terms import STOP, WORD

    skip = set()
    if args.exclude:
        with gzip.open(args.exclude, "rt", encoding="utf-8") as fh:
            skip = {" ".join(json.loads(line)["original"].split()) for line in fh if line.strip()}
    counts: Counter = Counter()
    left_out = 0
    for path in sorted(glob.glob(os.path.join(args.corpus, "*.jsonl.gz"))):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                for para in json.loads(line).get("text", "").split("\n"):
                    for sent in SENTENCE.split(para):
                        if " ".join(sent.split()) in skip:
                            left_out += 1
                            continue
                        ws = [w.lower() for w in WORD.findall(sent)]
                        for n in (2, 3):
                            for i in range(len(ws) - n + 1):
                                if ws[i] not in STOP and ws[i + n - 1] not in STOP:
                                    counts[" ".join(ws[i:i + n])] += 1
    keep = sorted((k, v) for k, v in counts.items() if v >= args.min_count)
    with open(args.out, "wb") as fh:
        fh.write(gzip.compress("".join(f"{k}\t{v}\n" for k, v in keep).encode("utf-8"), mtime=0))
    print(f"{len(keep):,} phrases (of {len(counts):,}); {left_out} sentences of --exclude left out -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
