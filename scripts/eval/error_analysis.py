#!/usr/bin/env python3
"""Where the restorer's recall goes: each gold edit, by what the pipeline did about it.

    python3 scripts/eval/eval_restore.py --gold data/eval/dev_mixture.jsonl --out runs/X/restore.jsonl \\
        --limit 100 --explain runs/X/explain.jsonl
    python3 scripts/eval/error_analysis.py --gold data/eval/dev_mixture.jsonl --explain runs/X/explain.jsonl
        [--json runs/X/analysis.json]

``--explain`` (eval_restore.py) writes every document's edits, applied or only reported, and the
detector's spans. Each gold edit (spun offsets -> original wording) then falls in one row:

- span: ``exact`` (a detector span covers exactly the gold edit's spun words), ``wider``/``narrower``
  (a detector span overlaps it but covers other words too, or only part of it), ``none`` (no
  detector span touches it), ``dictionary`` (a dictionary edit overlaps it; spans are not asked).
- outcome: ``right applied`` (an applied edit gives the original wording of the words it covers,
  this gold edit included), ``right reported`` (the same, but below the threshold), ``wrong
  applied``, ``wrong reported``, ``no edit``.

It also prints, for the model's proposals, how many applied edits would be right and wrong at other
model thresholds (the confidences are in the explain file, so no re-run is needed): right means the
proposal gives exactly the original wording of what it covers. The counts use this script's own
matching, not the shared scorer's; report the scorer's figures from eval_restore.py. The sorting
is restore_dev.edit_outcomes' work.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from restore.metrics import read_jsonl
from restore_dev.edit_outcomes import OUTCOMES, SPANS, classify, threshold_curve
from restore_dev.evidence_fit import THRESHOLDS  # (torch is imported only when it collects rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--explain", required=True, help="written by eval_restore.py --explain")
    ap.add_argument("--json", default=None, help="also write the figures here")
    args = ap.parse_args(argv)

    golds = {g["id"]: g for g in read_jsonl(args.gold)}
    explains = list(read_jsonl(args.explain))
    missing = [x["id"] for x in explains if x["id"] not in golds]
    if missing:
        sys.exit(f"{args.explain}: {len(missing)} ids not in {args.gold} (first: {missing[0]})")
    table: Counter = Counter()
    for x in explains:
        table.update(classify(golds[x["id"]], x))
    total = sum(table.values())
    width = max(len(s) for s in OUTCOMES)
    print(f"{len(explains)} documents, {total} gold edits")
    print(f"{'span':<12}" + "".join(f"{o:>{width + 2}}" for o in OUTCOMES) + f"{'all':>8}")
    for s in SPANS:
        n = sum(table[s, o] for o in OUTCOMES)
        print(f"{s:<12}" + "".join(f"{table[s, o]:>{width + 2}}" for o in OUTCOMES) + f"{n:>8} ({n / max(total, 1):.0%})")
    print(f"{'all':<12}" + "".join(f"{sum(table[s, o] for s in SPANS):>{width + 2}}" for o in OUTCOMES))
    curve = threshold_curve(golds, explains, THRESHOLDS)
    print("\nmodel threshold: right / wrong model edits applied (precision)")
    for r in curve:
        print(f"  {r['threshold']:.2f}: {r['right']:>5} / {r['wrong']:<5} ({r['precision']})")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"docs": len(explains), "gold_edits": total,
                       "table": {f"{s}|{o}": table[s, o] for s in SPANS for o in OUTCOMES},
                       "model_threshold_curve": curve}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
