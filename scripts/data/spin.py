#!/usr/bin/env python3
"""Spin a JSONL file of clean documents into gold records for training and evaluation.

    python scripts/spin.py --input data/splits/dev.jsonl --preset mixture --seed 1 \\
        --out data/eval/dev_mixture.jsonl [--max-docs N] [--max-words-per-doc W] \\
        [--clean-share 0.0] [--spins-per-doc K] [--snippets]

Input records: {id, text, ...}. Output records (the shared scorer's gold format):
    {"id", "spun", "original", "preset", "edits": [[spun_start, spun_end, orig_start, orig_end], ...]}
A clean document (chosen with probability --clean-share) has spun == original, edits [] and
preset "clean". With --spins-per-doc K > 1 each document is spun K times with different seeds,
ids get a "#k" suffix. --max-words-per-doc truncates at a paragraph boundary (the first paragraph
is kept whole even when it alone is longer).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from restore.text.tokenize import sentences, tokenize  # noqa: E402
from restore_dev.spin import PRESETS, Spinner  # noqa: E402
from restore.metrics import read_jsonl  # noqa: E402  (names the file and line of a bad record)


def truncate_paragraphs(text: str, max_words: int | None) -> str:
    if not max_words:
        return text
    paras = text.split("\n\n")
    kept, n = [], 0
    for p in paras:
        w = len(p.split())
        if kept and n + w > max_words:
            break
        kept.append(p)
        n += w
    return "\n\n".join(kept)


def snippet(text: str, rng: random.Random, max_sentences: int = 3, p_fragment: float = 0.3) -> str:
    """A short excerpt of ``text``, the kind of record a batch holds beside articles (a headline, a
    caption, a lead sentence): 1 to ``max_sentences`` consecutive sentences from a random place,
    and with probability ``p_fragment`` only their first 1 to n words ("The firm said")."""
    sents = sentences(text)
    if not sents:
        return ""
    i = rng.randrange(len(sents))
    j = min(len(sents), i + rng.randint(1, max_sentences))
    a, b = sents[i][0], sents[j - 1][1]
    if rng.random() < p_fragment:
        toks = [t for t in tokenize(text[a:b]) if t.is_word]
        if toks:
            b = a + toks[rng.randrange(len(toks))].end
    return text[a:b].strip()


def doc_seed(seed: int, doc_id: str, k: int) -> int:
    h = hashlib.sha1(f"{seed}:{doc_id}:{k}".encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big")




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

    spinner = Spinner(args.table)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    n_docs = n_recs = n_clean = n_edits = n_words = 0
    with open(tmp, "w", encoding="utf-8") as out:
        for i, rec in enumerate(read_jsonl(args.input)):
            if i < args.skip_docs:
                continue
            if args.max_docs is not None and n_docs >= args.max_docs:
                break
            text = truncate_paragraphs(rec["text"], args.max_words_per_doc)
            if args.snippets:
                text = snippet(text, random.Random(doc_seed(args.seed, f"snippet:{rec['id']}", 0)))
            if not text.strip():
                continue
            n_docs += 1
            doc_id = str(rec["id"])
            for k in range(args.spins_per_doc):
                rng = random.Random(doc_seed(args.seed, doc_id, k))
                rid = doc_id if args.spins_per_doc == 1 else f"{doc_id}#{k}"
                if args.clean_share > 0 and rng.random() < args.clean_share:
                    row = {"id": rid, "spun": text, "original": text, "preset": "clean", "edits": []}
                    n_clean += 1
                else:
                    r = spinner.spin(text, args.preset, rng)
                    row = {"id": rid, "spun": r.spun, "original": r.original, "preset": r.preset,
                           "edits": [e.as_list() for e in r.edits]}
                    n_edits += len(r.edits)
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                n_recs += 1
                n_words += len(text.split())
    os.replace(tmp, args.out)
    print(f"{args.out}: {n_recs} records from {n_docs} docs, {n_clean} clean, {n_words} words, "
          f"{n_edits} edits ({n_edits / max(1, n_words):.3f} per word)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
