#!/usr/bin/env python3
"""Score a system file against a gold file with the shared scorer, as every evaluation script does.

    python3 scripts/eval/shared_scorer.py restore data/eval/dev_mixture.jsonl runs/NAME/restore.jsonl
    python3 scripts/eval/shared_scorer.py detect data/eval/test_mixture.jsonl runs/NAME/detect.jsonl [--scorer PATH]

Runs ``../shared/eval/score.py KIND GOLD SYSTEM --json`` (the copy beside the checkout, or
``--scorer``) through restore_dev.shared_scorer, the one call the evaluation scripts share, and
prints its figures as JSON: a saved run scored again the way its script scored it.
"""
from __future__ import annotations

import argparse
import json
import sys

from restore_dev import shared_scorer


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=("restore", "detect"))
    ap.add_argument("gold", help="gold JSONL (the shared scorer's format)")
    ap.add_argument("system", help="system JSONL ({id, restored} or {id, spans})")
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)
    print(json.dumps(shared_scorer.score(args.kind, args.gold, args.system, args.scorer), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
