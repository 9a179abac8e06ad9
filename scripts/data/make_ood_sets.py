#!/usr/bin/env python3
"""Out-of-domain evaluation sets: clean English the models never saw, spun the way the in-domain
sets are, to measure how detection and restoration generalize beyond the training corpus.

    python3 scripts/data/make_ood_sets.py --out data/eval/ood [--lee DIR]

Two sources, each written as ``SOURCE.jsonl`` ({id, text, source}) and spun into gold sets as
scripts/data/spin.py spins them (the shared scorer's format; restore_dev.ood_sets does the work):

- ``pydoc``: paragraphs of 40 or more words of plain prose from Python's reference documentation
  (``pydoc_data.topics``, shipped with every CPython): technical English, far from news.
- ``lee`` (with ``--lee``): the Lee corpus (Lee, Pincombe and Welsh 2005): 350 Australian news
  articles from 2001 (``lee_background.cor``, ``lee.cor``), a news source absent from the shared
  corpus. It ships inside gensim's wheel; nothing here downloads it:

      pip download gensim==4.4.0 --no-deps -d /tmp/gensim
      unzip -j /tmp/gensim/gensim-4.4.0-*.whl 'gensim/test/test_data/lee*.cor' -d ../lee

Gold sets per source: ``SOURCE_clean`` (all clean: false alarms and damage), ``SOURCE_clean_mixed``
(mixture preset, 40% left clean: document AUROC), ``SOURCE_mixture`` and ``SOURCE_light``. Then
``SOURCE_long.jsonl``: LONG_DOCS long texts, each 4 to 12 random documents of the source joined
by blank lines (1,000-2,500 words for Lee), spun into ``SOURCE_long_light`` and
``SOURCE_long_mixture`` with half of them left clean: the document score on texts longer than
most of what calibration saw.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from restore_dev.ood_sets import write_sets


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("data/eval/ood"))
    ap.add_argument("--lee", type=Path, default=None, help="a directory holding lee_background.cor and lee.cor")
    ap.add_argument("--max-docs", type=int, default=None, help="the first N documents of each source only")
    args = ap.parse_args(argv)
    write_sets(args.out, args.lee, args.max_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
