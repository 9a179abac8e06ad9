#!/usr/bin/env python3
"""Average the weights of two model directories of the same architecture (a "model soup").

    python3 scripts/train/average_weights.py restore/models/restorer runs/restorer8/ship \\
        --out runs/soup/restorer [--weight 0.5]

Writes ``--out/model.safetensors`` = (1 - w) * A + w * B, element by element, in A's dtype, and
copies A's other files (config, tokenizer, calibration) beside it; ``training.json`` records both
parents and the weight. Fine-tuning runs that start from the same weights (``train_restorer.py
--init-from``) stay in one basin, where the mean of two runs can beat both: the restorer shipped
this way (restore/models/restorer/README.md). An ``evidence.json`` is not copied: it belongs to the pair of
models it was fitted for, so refit it (scripts/train/fit_evidence.py) for the new weights.
The work is restore_dev.weight_average's.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from restore_dev.weight_average import average, short_hash


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", type=Path, help="model directory (its config, tokenizer and calibration are kept)")
    ap.add_argument("b", type=Path, help="model directory of the same architecture")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--weight", type=float, default=0.5, help="weight of B (default 0.5: the mean)")
    args = ap.parse_args(argv)
    try:
        path = average(args.a, args.b, args.out, args.weight)
    except (OSError, ValueError) as exc:
        print(f"average_weights: {exc}", file=sys.stderr)
        return 2
    print(f"{path} ({short_hash(path)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
