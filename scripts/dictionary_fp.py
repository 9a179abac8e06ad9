#!/usr/bin/env python3
"""False alarms of a dictionary on clean text: entries that fire on documents nobody spun.

    python scripts/dictionary_fp.py --lexicon restore/data/news_mined.tsv --docs data/splits/test.jsonl
        [--docs data/splits/dev.jsonl] [--limit N] [--show 50]

Matches with restore.fix.dictionary's matcher (longest-first, on word boundaries), exactly as the
pipeline's dictionary stage would, over each document's title and text. Prints words, matches,
matches per 1,000 words, and the entries that fired (with counts and an example).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from restore.fix.dictionary import Lexicon, read_lexicon_file  # noqa: E402
from restore.text.tokenize import count_words  # noqa: E402


def iter_texts(path: str, limit: int | None = None):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            if line.strip():
                d = json.loads(line)
                # a gold-format file: its original side is the clean text
                yield d.get("id", str(n)), "\n\n".join(x for x in (d.get("title"), d.get("text") or d.get("original")) if x)


def fire(lex: Lexicon, docs: str, limit: int | None = None):
    words = matches = 0
    fired: Counter = Counter()
    example: dict[str, str] = {}
    for did, text in iter_texts(docs, limit):
        words += count_words(text)
        for m in lex.match(text):
            matches += 1
            key = f"{m.entry.spun} -> {m.entry.canonical}"
            fired[key] += 1
            if key not in example:
                a, b = max(0, m.start - 40), min(len(text), m.end + 40)
                example[key] = f"{did}: ...{text[a:b]}...".replace("\n", " ")
    return words, matches, fired, example


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lexicon", required=True)
    ap.add_argument("--docs", action="append", required=True)
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each file")
    ap.add_argument("--show", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    lex = Lexicon()
    lex.add_tsv(read_lexicon_file(args.lexicon), os.path.splitext(os.path.basename(args.lexicon))[0], args.lexicon)
    out = {}
    for docs in args.docs:
        words, matches, fired, example = fire(lex, docs, args.limit)
        rate = 1000.0 * matches / max(1, words)
        out[docs] = {"words": words, "matches": matches, "per_1000_words": round(rate, 4),
                     "entries_fired": len(fired), "fired": fired.most_common(args.show)}
        if not args.json:
            print(f"{docs}: {len(lex)} entries, {words} words, {matches} matches = {rate:.4f} per 1,000 words, "
                  f"{len(fired)} distinct entries fired")
            for key, n in fired.most_common(args.show):
                print(f"  {n:4d}  {key}    [{example[key]}]")
    if args.json:
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
