#!/usr/bin/env python3
"""The filler expansions clean news seldom writes (``restore/data/fillers.tsv``; ``restore.fix.fillers``).

    python3 scripts/data/build_fillers.py [--corpus ../shared/data/corpus] [--max-ratio 0.02]
        [--out restore/data/fillers.tsv]

For every function word of the spinner families' hand list (``restore_dev.spin_idioms.FUNCTION_SWAPS``:
"and" -> "as well as", "and also", ...), counts in the shared news corpus (4.4 M words, lower case,
whole words) how often each substitute is written and how often the head word stands alone (not
inside one of its substitutes); keeps the substitutes written at most ``--max-ratio`` times per
occurrence of their head ("as well as": 0.0085 per "and"; "however" for "but", 0.12, is left out: a
page that writes it often is not unusual). A substitute that is itself a head of the list keeps
only the heads it is rarer than. Counts only, no text.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "data")


def count_phrases(texts, phrases) -> Counter:
    """Occurrences of each phrase (a tuple of lower-case words) as whole words, over the texts: the
    words of ``restore.fix.fillers.words``, as the page test counts them at run time."""
    from restore.fix.fillers import words

    by_first: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        by_first.setdefault(p[0], []).append(p)
    out: Counter = Counter()
    for text in texts:
        ws = words(text)
        for i, w in enumerate(ws):
            for p in by_first.get(w, ()):
                if tuple(ws[i:i + len(p)]) == p:
                    out[p] += 1
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(SHARED, "corpus"))
    ap.add_argument("--max-ratio", type=float, default=0.02)
    ap.add_argument("--out", default=os.path.join(ROOT, "restore", "data", "fillers.tsv"))
    args = ap.parse_args(argv)

    from restore.fix.fillers import words
    from restore_dev.spin_idioms import FUNCTION_SWAPS

    paths = sorted(glob.glob(os.path.join(args.corpus, "*.jsonl.gz")))
    if not paths:
        sys.exit(f"build_fillers: no *.jsonl.gz under {args.corpus}")

    def texts():
        for path in paths:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line).get("text", "")

    pairs = [(words(h), words(e)) for h, es in FUNCTION_SWAPS.items() for e in es if e != h]
    phrases = {p for pair in pairs for p in pair}
    counts = count_phrases(texts(), phrases)
    # a head standing alone: its count less the times it is inside one of its own substitutes
    inside: Counter = Counter()
    for h, e in pairs:
        for i in range(len(e) - len(h) + 1):
            if e[i:i + len(h)] == h:
                inside[h] += counts[e]
    rows = []
    for h, e in pairs:
        bare = counts[h] - inside[h]
        ratio = counts[e] / max(1, bare)
        if ratio > args.max_ratio:
            continue
        if e in {p for p, _ in pairs} and counts[e] >= bare:
            continue
        rows.append((" ".join(e), " ".join(h), counts[e], bare, ratio))
    rows.sort(key=lambda r: (r[1], r[4], r[0]))
    names = ", ".join(os.path.basename(p) for p in paths)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(f"# built by scripts/data/build_fillers.py --max-ratio {args.max_ratio}: substitutes of "
                 f"restore_dev.spin_idioms.FUNCTION_SWAPS counted in the shared news corpus ({names}); counts only\n")
        fh.write("expansion\thead\texpansion_count\thead_count\tratio\n")
        for e, h, ce, ch, r in rows:
            fh.write(f"{e}\t{h}\t{ce}\t{ch}\t{r:.5f}\n")
    print(f"{len(rows)} expansions of {len({r[1] for r in rows})} head words -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
