#!/usr/bin/env python3
"""How often the inverse channel proposes the true original of a real spinner substitution.

    python scripts/channel_coverage.py --tortured ../shared/data/tortured/tortured_phrases.tsv
        [--no-ablation]

Substitutions are mined word by word (scripts/build_channel.align_pair, replaced runs only) from
the HELD-OUT 20% of the tortured pairs (build_channel.split_of), which the shipped table never saw.
For each, is the original among the top-k candidates of the spun side (k = 1, 5, 20)?
Rows: the shipped table (restore.fix.channel), and ablations rebuilt in memory with the same pruning:
without the mined pairs (thesauri + the spinner's idioms), and thesauri only.
"""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import build_channel as bc  # noqa: E402

KS = (1, 5, 20)


def heldout_items(path: str) -> list[tuple[str, str]]:
    items = []
    for tort, exp, _ in bc.read_tortured(path):
        if bc.split_of(exp) != "heldout":
            continue
        for kind, s, o in bc.align_pair(tort, exp):
            if kind == "sub" and s != o:
                items.append((s, o))
    return items


def coverage(items, lookup) -> dict:
    hit = {k: 0 for k in KS}
    known = 0
    for s, o in items:
        c = [x for x, _ in lookup(s)]
        known += bool(c)
        for k in KS:
            hit[k] += o in c[:k]
    n = max(1, len(items))
    return {"n": len(items), "known": known / n, **{f"top{k}": hit[k] / n for k in KS}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tortured", default=bc.DEFAULT_TORTURED)
    ap.add_argument("--no-ablation", action="store_true", help="only the shipped table (fast)")
    args = ap.parse_args(argv)

    items = heldout_items(args.tortured)
    one = [(s, o) for s, o in items if " " not in s and " " not in o]
    print(f"held-out substitutions: {len(items)} ({len(one)} one word -> one word)")

    from restore.fix.channel import candidates

    rows = [("shipped table (thesauri + idioms + mined train pairs)", candidates)]
    if not args.no_ablation:
        quiet = lambda m: None  # noqa: E731
        for label, kw in (("no mined pairs (thesauri + spinner idioms)", dict(use_mined=False)),
                          ("thesauri only", dict(use_mined=False, use_hand=False))):
            table = bc.build(args.tortured, log=quiet, **kw)
            rows.append((label, lambda s, t=table: t.get(" ".join(s.lower().split()), [])))
    print()
    print("| table | subset | n | has candidates | top-1 | top-5 | top-20 |")
    print("|---|---|---|---|---|---|---|")
    for label, fn in rows:
        for sub, its in (("all", items), ("1->1 word", one)):
            r = coverage(its, fn)
            print(f"| {label} | {sub} | {r['n']} | {100 * r['known']:.1f} | {100 * r['top1']:.1f} | "
                  f"{100 * r['top5']:.1f} | {100 * r['top20']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
