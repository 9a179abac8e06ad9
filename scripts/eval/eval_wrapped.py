#!/usr/bin/env python3
"""Does hard-wrapped text restore as well as the same text unwrapped?

    python3 scripts/eval/eval_wrapped.py --gold data/eval/dev_mixture.jsonl --limit 60 --width 72 --out runs/NAME

Each gold record's spun paragraphs (blocks between blank lines) are wrapped at ``--width``
columns and restored; the output is unwrapped (a single line break becomes a space) and scored
with the shared scorer against the same documents restored unwrapped. Prints error reduction,
edit P/R and damage for both, and how many edits were applied (wrapping: restore_dev.wrapping).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from restore import restore_batch
from restore.metrics import read_jsonl
from restore_dev import shared_scorer
from restore_dev.wrapping import unwrap, wrap


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--out", required=True, help="a directory for the gold and system files")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--width", type=int, default=72)
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)
    rows = list(read_jsonl(args.gold))[: args.limit]
    os.makedirs(args.out, exist_ok=True)
    gold = os.path.join(args.out, "gold.jsonl")
    with open(gold, "w", encoding="utf-8") as fh:  # the spun side as both runs see it, one line per paragraph
        for r in rows:
            fh.write(json.dumps(dict(r, spun=unwrap(wrap(r["spun"], args.width)))) + "\n")
    for name, prepare in (("plain", lambda t: unwrap(wrap(t, args.width))), ("wrapped", lambda t: wrap(t, args.width))):
        results = []
        for i in range(0, len(rows), 16):
            results += restore_batch([prepare(r["spun"]) for r in rows[i:i + 16]])
        system = os.path.join(args.out, name + ".jsonl")
        with open(system, "w", encoding="utf-8") as fh:
            for r, res in zip(rows, results):
                fh.write(json.dumps({"id": r["id"], "restored": unwrap(res.text)}) + "\n")
        s = shared_scorer.score("restore", gold, system, args.scorer)
        applied = sum(1 for res in results for e in res.edits if e.applied)
        print(f"{name}: error reduction {s['error_reduction']}, edit P {s['edit_p']}, edit R {s['edit_r']}, "
              f"damage/1k {s['damage_per_1k']}, applied edits {applied}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
