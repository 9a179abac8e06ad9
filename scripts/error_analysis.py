#!/usr/bin/env python3
"""Where the restorer's recall goes: each gold edit, by what the pipeline did about it.

    python scripts/eval_restore.py --gold data/eval/dev_mixture.jsonl --out runs/X/restore.jsonl \\
        --limit 100 --explain runs/X/explain.jsonl
    python scripts/error_analysis.py --gold data/eval/dev_mixture.jsonl --explain runs/X/explain.jsonl
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
matching, not the shared scorer's; report the scorer's figures from eval_restore.py.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from fit_evidence import THRESHOLDS, is_right  # noqa: E402  (torch is imported only when it collects rows)
from restore.metrics import read_jsonl  # noqa: E402

OUTCOMES = ("right applied", "right reported", "wrong applied", "wrong reported", "no edit")
SPANS = ("dictionary", "exact", "wider", "narrower", "none")


def gives_original(edit: dict, gold: dict) -> bool:
    """Does ``edit`` give the original wording of the spun words it covers (``fit_evidence.is_right``,
    the label the evidence is fitted on)?"""
    return is_right(gold, edit["start"], edit["end"], edit["replacement"])


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    """Do [a0, a1) and [b0, b1) share a character (an empty range: does it touch the other)?"""
    if a0 == a1:
        return b0 <= a0 <= b1
    if b0 == b1:
        return a0 <= b0 <= a1
    return a0 < b1 and b0 < a1


def classify(gold: dict, explain: dict) -> list[tuple[str, str]]:
    rows = []
    edits, spans = explain["edits"], explain["spans"]
    for ss, se, _, _ in gold["edits"]:
        mine = [e for e in edits if overlaps(e["start"], e["end"], ss, se)]
        if any(e["source"] == "dictionary" for e in mine):
            where = "dictionary"
        else:
            touching = [s for s in spans if overlaps(s["start"], s["end"], ss, se)]
            if not touching:
                where = "none"
            elif any(s["start"] == ss and s["end"] == se for s in touching):
                where = "exact"
            elif any(s["start"] <= ss and se <= s["end"] for s in touching):
                where = "wider"
            else:
                where = "narrower"
        applied = [e for e in mine if e["applied"]]
        reported = [e for e in mine if not e["applied"]]
        if any(gives_original(e, gold) for e in applied):
            outcome = "right applied"
        elif applied:
            outcome = "wrong applied"
        elif any(gives_original(e, gold) for e in reported):
            outcome = "right reported"
        elif reported:
            outcome = "wrong reported"
        else:
            outcome = "no edit"
        rows.append((where, outcome))
    return rows


def threshold_curve(golds: dict, explains: list[dict], thresholds) -> list[dict]:
    """Right and wrong model edits that a model threshold ``t`` would apply."""
    props = [(e["confidence"], gives_original(e, golds[x["id"]])) for x in explains for e in x["edits"]
             if e["source"] == "model"]
    out = []
    for t in thresholds:
        right = sum(ok for c, ok in props if c >= t)
        wrong = sum(not ok for c, ok in props if c >= t)
        out.append({"threshold": t, "right": right, "wrong": wrong,
                    "precision": round(right / (right + wrong), 3) if right + wrong else None})
    return out


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
