#!/usr/bin/env python3
"""Spin a JSONL file of clean documents into gold records for training and evaluation.

    python3 scripts/data/spin.py --input data/splits/dev.jsonl --preset mixture --seed 1 \\
        --out data/eval/dev_mixture.jsonl [--max-docs N] [--max-words-per-doc W] \\
        [--clean-share 0.0] [--spins-per-doc K] [--snippets]

Input records: {id, text, ...}. Output records (the shared scorer's gold format):
    {"id", "spun", "original", "preset", "edits": [[spun_start, spun_end, orig_start, orig_end], ...]}
A clean document (chosen with probability --clean-share) has spun == original, edits [] and
preset "clean". With --spins-per-doc K > 1 each document is spun K times with different seeds,
ids get a "#k" suffix. --max-words-per-doc truncates at a paragraph boundary (the first paragraph
is kept whole even when it alone is longer). The work is restore_dev.gold_sets.spin_file.
"""
from __future__ import annotations

import argparse
import sys

from restore_dev.gold_sets import spin_file
from restore_dev.spin import PRESETS


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--preset", default="mixture", choices=sorted(PRESETS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-docs", type=int, default=0, help="leave out the first N documents of the input")
    ap.add_argument("--max-docs", type=int, default=None)
    ap.add_argument("--max-words-per-doc", type=int, default=None)
    ap.add_argument("--clean-share", type=float, default=0.0)
    ap.add_argument("--spins-per-doc", type=int, default=1)
    ap.add_argument("--table", default=None, help="compiled spin table (default: the packaged one)")
    ap.add_argument("--snippets", action="store_true",
                    help="replace each document by a short excerpt of it (1-3 sentences, or their first words)")
    args = ap.parse_args(argv)
    spin_file(args.input, args.out, args.preset, args.seed, args.skip_docs, args.max_docs, args.max_words_per_doc,
              args.clean_share, args.spins_per_doc, args.table, args.snippets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
