#!/usr/bin/env python3
"""Build restore/data/tortured.tsv from the Problematic Paper Screener's tortured-phrase list.

Each entry gets a confidence: phrases that also occur in clean English (the shared clean corpus, or
symspellpy's web bigram counts for two-word phrases) are legitimate somewhere ("information
mining"), so they get a confidence below the default threshold and are reported, not applied.

    python3 scripts/data/build_tortured_lexicon.py --tortured ../shared/data/tortured/tortured_phrases.tsv \
        --corpus ../shared/data/corpus --out restore/data/tortured.tsv
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

from restore_dev.corpus import bigram_counts, count_phrases, iter_corpus_texts

HEADER = """# Tortured phrases -> expected phrases, from the Problematic Paper Screener
# (Cabanac, Labbe & Magazinov, "Tortured phrases: A dubious writing style emerging in science", 2021),
# as normalised by the torturedcheck project. Licence: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
# Confidence: from the number of papers it was found in, lowered when the phrase is also normal English
# (found in a clean news corpus, or frequent in web bigram counts): such entries are reported, not applied.
"""


def confidence(papers: int, corpus_hits: int, web: int) -> float:
    if corpus_hits >= 2 or web >= 200_000:
        return 0.3
    if corpus_hits == 1 or web >= 20_000:
        return 0.5
    base = 0.85 + min(papers, 100) / 100 * 0.12
    return round(base, 3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tortured", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", default="restore/data/tortured.tsv")
    args = ap.parse_args()
    rows = []
    with open(args.tortured, encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            t, e = r["tortured"].strip(), r["expected"].strip()
            if t and e and t != e:
                rows.append((t, e, int(r.get("papers") or 0)))
    hits = count_phrases([t for t, _, _ in rows], iter_corpus_texts(args.corpus))
    web = bigram_counts()
    lines = [HEADER.rstrip("\n"), "spun\tcanonical\tsource\tconfidence"]
    low = 0
    for t, e, papers in rows:
        c = confidence(papers, hits.get(t, 0), web.get(t, 0))
        low += c < 0.6
        note = f"pps papers={papers}" + (f" corpus={hits[t]}" if hits.get(t) else "") + (f" web={web[t]}" if web.get(t) else "")
        lines.append(f"{t}\t{e}\t{note}\t{c}")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} entries, {low} below 0.6 (reported only) -> {args.out}")


if __name__ == "__main__":
    main()
