#!/usr/bin/env python3
"""Check and write the starter news-spinner dictionary, restore/data/news.tsv.

The input is a hand-written TSV (spun, canonical) of what article spinners make of common news
phrases. An entry whose spun side occurs in clean English is wrong: each is counted in the shared
clean corpus (and two-word entries in symspellpy's web bigram counts); such entries are dropped and
listed, the rest are written with a confidence.

    python3 scripts/data/build_news_lexicon.py --src scripts/data/news_starter_src.tsv --corpus ../shared/data/corpus
"""
from __future__ import annotations

import argparse
from pathlib import Path

from restore_dev.corpus import bigram_counts, count_phrases, iter_corpus_texts

HEADER = """# Starter news-spinner dictionary: spun phrase -> canonical phrase (hand-written, restore project).
# Every spun side was checked absent from a clean news corpus (4.4M words) and rare in web bigram counts
# by scripts/data/build_news_lexicon.py."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default="scripts/data/news_starter_src.tsv")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", default="restore/data/news.tsv")
    args = ap.parse_args()
    rows = [l.split("\t")[:2] for l in Path(args.src).read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")]
    hits = count_phrases([s for s, _ in rows], iter_corpus_texts(args.corpus))
    web = bigram_counts()
    out = [HEADER, "spun\tcanonical\tsource\tconfidence"]
    dropped = []
    for spun, canon in rows:
        w = web.get(spun.lower(), 0)
        if hits.get(spun, 0) or w >= 50_000:
            dropped.append(f"{spun!r}: corpus={hits.get(spun, 0)} web={w}")
            continue
        out.append(f"{spun}\t{canon.strip()}\tstarter\t{0.9 if w else 0.97}")
    Path(args.out).write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out) - 2} entries -> {args.out}; dropped {len(dropped)} found in clean English:")
    for d in dropped:
        print("  " + d)


if __name__ == "__main__":
    main()
