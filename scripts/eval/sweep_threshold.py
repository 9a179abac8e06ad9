#!/usr/bin/env python3
"""The model threshold swept from one run's explain file, scored with the shared scorer.

    python3 scripts/eval/eval_restore.py --gold GOLD --out runs/NAME/SET.jsonl --explain runs/NAME/SET.explain.jsonl
    python3 scripts/eval/sweep_threshold.py --gold GOLD --explain runs/NAME/SET.explain.jsonl --out runs/NAME/sweep \\
        [--thresholds 0.8 0.85 0.9 0.95]

A model edit is chosen the same way at any model threshold (one per detector span, dictionary
edits first); the threshold only decides whether it is applied. So un-applying the model edits
under a threshold T (the explain file keeps reported edits too) gives exactly the output of a run
at T, for T at or above the run's own threshold (restore_dev.threshold_sweep). Prints error
reduction, edit P/R/F0.5 and damage for each T. GOLD is the gold file the run was scored against (``eval_restore.py`` writes
``SET.gold.jsonl`` beside its output when it used ``--offset``/``--limit``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from restore import Edit
from restore.metrics import read_jsonl
from restore_dev import shared_scorer
from restore_dev.threshold_sweep import at_threshold


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--explain", required=True, help="eval_restore.py --explain output")
    ap.add_argument("--out", required=True, help="a directory for the system files")
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.8, 0.85, 0.9, 0.95])
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)
    gold = {g["id"]: g for g in read_jsonl(args.gold)}
    runs = list(read_jsonl(args.explain))
    os.makedirs(args.out, exist_ok=True)
    for t in args.thresholds:
        system = os.path.join(args.out, f"t{t}.jsonl")
        with open(system, "w", encoding="utf-8") as fh:
            for r in runs:
                text = at_threshold(gold[r["id"]]["spun"], [Edit.from_dict(e) for e in r["edits"]], t)
                fh.write(json.dumps({"id": r["id"], "restored": text}, ensure_ascii=False) + "\n")
        s = shared_scorer.score("restore", args.gold, system, args.scorer)
        print(f"model threshold {t}: error reduction {s['error_reduction']}, edit P {s['edit_p']}, "
              f"edit R {s['edit_r']}, F0.5 {s['edit_f05']}, damage/1k {s['damage_per_1k']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
