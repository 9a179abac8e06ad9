"""Spinning clean documents into gold records (the shared scorer's format), for training and evaluation.

A record: {"id", "spun", "original", "preset", "edits": [[spun_start, spun_end, orig_start, orig_end], ...]}.
A clean document (chosen with probability ``clean_share``) has spun == original, edits [] and preset
"clean". Used by scripts/data/spin.py, scripts/data/make_ood_sets.py and (``snippet``) the detector's
calibration.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sys

from restore.metrics import read_jsonl  # names the file and line of a bad record
from restore.text.tokenize import sentences, tokenize
from restore_dev.spin import Spinner


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


def spin_file(input_path: str, out_path: str, preset: str = "mixture", seed: int = 1, skip_docs: int = 0,
              max_docs: int | None = None, max_words_per_doc: int | None = None, clean_share: float = 0.0,
              spins_per_doc: int = 1, table: str | None = None, snippets: bool = False) -> None:
    """Spin the {id, text} records of ``input_path`` into gold records in ``out_path`` (written whole
    or not at all) and print what was written to stderr. ``spins_per_doc`` K > 1: each document is
    spun K times with different seeds, ids get a "#k" suffix; ``max_words_per_doc`` truncates at a
    paragraph boundary (the first paragraph is kept whole even when it alone is longer);
    ``snippets``: each document is replaced by a short excerpt of it (:func:`snippet`)."""
    spinner = Spinner(table)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    tmp = out_path + ".tmp"
    n_docs = n_recs = n_clean = n_edits = n_words = 0
    with open(tmp, "w", encoding="utf-8") as out:
        for i, rec in enumerate(read_jsonl(input_path)):
            if i < skip_docs:
                continue
            if max_docs is not None and n_docs >= max_docs:
                break
            text = truncate_paragraphs(rec["text"], max_words_per_doc)
            if snippets:
                text = snippet(text, random.Random(doc_seed(seed, f"snippet:{rec['id']}", 0)))
            if not text.strip():
                continue
            n_docs += 1
            doc_id = str(rec["id"])
            for k in range(spins_per_doc):
                rng = random.Random(doc_seed(seed, doc_id, k))
                rid = doc_id if spins_per_doc == 1 else f"{doc_id}#{k}"
                if clean_share > 0 and rng.random() < clean_share:
                    row = {"id": rid, "spun": text, "original": text, "preset": "clean", "edits": []}
                    n_clean += 1
                else:
                    r = spinner.spin(text, preset, rng)
                    row = {"id": rid, "spun": r.spun, "original": r.original, "preset": r.preset,
                           "edits": [e.as_list() for e in r.edits]}
                    n_edits += len(r.edits)
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                n_recs += 1
                n_words += len(text.split())
    os.replace(tmp, out_path)
    print(f"{out_path}: {n_recs} records from {n_docs} docs, {n_clean} clean, {n_words} words, "
          f"{n_edits} edits ({n_edits / max(1, n_words):.3f} per word)", file=sys.stderr)
