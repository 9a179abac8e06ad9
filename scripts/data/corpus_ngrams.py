#!/usr/bin/env python3
"""How often phrases occur in a clean corpus (and in web bigram counts): the check every dictionary
builder applies before it trusts a spun phrase.

    python3 scripts/data/corpus_ngrams.py --corpus ../shared/data/corpus "white dwelling" "human rights"
    python3 scripts/data/corpus_ngrams.py --corpus ../shared/data/corpus --file phrases.txt [--json]

Counts each phrase as the dictionary builders do (restore_dev.corpus.count_phrases: lower-cased
token sequences on word boundaries, over every document of ``--corpus``, a directory of
.jsonl/.jsonl.gz files or one file) and, for two-word phrases, symspellpy's web bigram count. A
spun side found in clean English is no safe dictionary entry.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from restore_dev.corpus import bigram_counts, count_phrases, iter_corpus_texts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("phrases", nargs="*", help="phrases to count")
    ap.add_argument("--corpus", required=True, help="a directory of .jsonl/.jsonl.gz files, or one file")
    ap.add_argument("--file", type=Path, help="also count the phrases of this file, one a line (# comments)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args(argv)
    phrases = list(args.phrases)
    if args.file:
        phrases += [ln.strip() for ln in args.file.read_text(encoding="utf-8").splitlines()
                    if ln.strip() and not ln.startswith("#")]
    if not phrases:
        ap.error("give phrases or --file")
    hits = count_phrases(phrases, iter_corpus_texts(args.corpus))
    web = bigram_counts()
    rows = {p: {"corpus": hits.get(p, 0), "web": web.get(p.lower(), 0)} for p in phrases}
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
    else:
        for p, r in rows.items():
            print(f"{r['corpus']:8d} {r['web']:10d}  {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
