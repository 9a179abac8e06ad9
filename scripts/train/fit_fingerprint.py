#!/usr/bin/env python3
"""Fit the spinner-family fingerprint that `restore detect` reports (restore.detect.fingerprint).

    python3 scripts/train/fit_fingerprint.py [--docs 600] [--seed 5] [--out-dir restore/data]

1. Writes restore/data/spinner_families.tsv.gz: every wording a family's table writes (lower
   case), with the families that write it.
2. Spins dev documents (data/splits/dev.jsonl) with each family (presets light/medium/heavy
   drawn per document) and counts, per family, the pattern of every gold spun span (which families
   could have written its wording); and, for ``other``, the patterns of 1-3-word runs of the
   documents' untouched words (what a detector's false alarms and unknown spinners look like).
   Add-one smoothing over the patterns -> restore/data/spinner_families.json.
3. Measures the guess on test documents (data/splits/test.jsonl) spun by each family and on clean
   ones, from the gold spans: a confusion table on stderr and in the JSON's ``check``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from restore.detect import fingerprint as fp  # noqa: E402
from restore_dev.families import FAMILIES, FamilySpinner  # noqa: E402

LEVELS = ("light", "medium", "heavy")


def load_docs(path: str, n: int, seed: int) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        docs = [json.loads(line)["text"] for line in fh if line.strip()]
    random.Random(seed).shuffle(docs)
    return [d[:4000] for d in docs[:n]]


def wordings(table_path: str) -> set[str]:
    with gzip.open(table_path, "rt", encoding="utf-8") as fh:
        t = json.load(fh)
    v = t["vocab"]
    used = {i for rows in list(t["words"].values()) + list(t["phrases"].values()) for i, _ in rows}
    return {" ".join(fp.words(v[i])) for i in used} - {""}


def spans_of(spinner, family: str, doc: str, rng: random.Random, seed: int) -> list[str]:
    """The spun wordings of ``doc`` spun by ``family`` (a preset drawn per document)."""
    r = spinner.spinners[family].spin(doc, rng.choice(LEVELS), seed)
    return [r.spun[e.spun_start:e.spun_end] for e in r.edits]


def clean_runs(text: str, rng: random.Random, k: int) -> list[str]:
    words = text.split()
    out = []
    for _ in range(k):
        if not words:
            break
        n = rng.choice((1, 1, 1, 2, 3))
        i = rng.randrange(max(1, len(words) - n + 1))
        out.append(" ".join(words[i:i + n]))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=600, help="dev documents per family")
    ap.add_argument("--check-docs", type=int, default=200, help="test documents per family for the check")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "restore", "data"))
    ap.add_argument("--splits", default=os.path.join(ROOT, "data", "splits"))
    args = ap.parse_args(argv)
    t0 = time.time()
    names = list(FAMILIES)
    spinner = FamilySpinner([(n, 1.0) for n in names])
    from restore_dev.families import family_table

    # 1. the wordings table
    by_wording: dict[str, list[str]] = {}
    for n in names:
        for w in wordings(family_table(n)):
            by_wording.setdefault(w, []).append(n)
    tsv = os.path.join(args.out_dir, fp.TABLE)
    tmp = tsv + ".tmp"
    with gzip.GzipFile(tmp, "wb", mtime=0) as raw:
        raw.write(("# spinner family wordings: built by scripts/train/fit_fingerprint.py from the tables "
                   "of restore_dev.families (" + ", ".join(names) + ")\n").encode())
        for w in sorted(by_wording):
            raw.write(f"{w}\t{','.join(by_wording[w])}\n".encode())
    os.replace(tmp, tsv)
    masks = {w: sum(1 << names.index(f) for f in fs) for w, fs in by_wording.items()}
    pattern = fp.Fingerprint(tuple(names), masks, {}).pattern
    print(f"{len(masks)} wordings -> {tsv}", file=sys.stderr)

    # 2. pattern counts
    n_pat = 1 << len(names)
    counts = {f: Counter() for f in names + [fp.OTHER]}
    dev = load_docs(os.path.join(args.splits, "dev.jsonl"), args.docs, args.seed)
    rng = random.Random(args.seed)
    for fam in names:
        for i, doc in enumerate(dev):
            counts[fam].update(pattern(s) for s in spans_of(spinner, fam, doc, rng, args.seed * 100_003 + i))
            if fam == names[0]:
                counts[fp.OTHER].update(pattern(s) for s in clean_runs(doc, rng, 40))
    model = {
        "families": names,
        "other": fp.OTHER,
        "pattern_probability": {f: [(counts[f][p] + 1) / (sum(counts[f].values()) + n_pat) for p in range(n_pat)]
                                for f in counts},
        "fitted_on": {"docs_per_family": len(dev), "split": "dev", "seed": args.seed,
                      "spans": {f: sum(c.values()) for f, c in counts.items()}},
    }
    path = os.path.join(args.out_dir, fp.MODEL)

    # 3. the check, with this model
    guess = fp.Fingerprint.from_model(model, masks).guess

    test = load_docs(os.path.join(args.splits, "test.jsonl"), args.check_docs, args.seed + 1)
    confusion: dict[str, Counter] = {}
    rng = random.Random(args.seed + 2)
    for fam in names + ["clean"]:
        c = Counter()
        for i, doc in enumerate(test):
            if fam == "clean":
                spans = clean_runs(doc, rng, rng.randint(0, 8))
            else:
                spans = spans_of(spinner, fam, doc, rng, 7_000_003 + i)
            c[guess(spans).family] += 1
        confusion[fam] = c
    model["check"] = {"split": "test", "docs_per_family": len(test), "spans": "gold spun spans (clean: 0-8 "
                      "random word runs, like a detector's false alarms)",
                      "guessed": {f: dict(c) for f, c in confusion.items()}}
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(model, fh, indent=1)
        fh.write("\n")
    os.replace(tmp, path)
    print(f"model -> {path} ({time.time() - t0:.0f} s)", file=sys.stderr)
    cols = names + [fp.UNKNOWN]
    print("spun by \\ guessed  " + "  ".join(f"{c:>10}" for c in cols), file=sys.stderr)
    for fam, c in confusion.items():
        tot = sum(c.values()) or 1
        print(f"{fam:>17}  " + "  ".join(f"{c.get(x, 0) / tot:>10.2f}" for x in cols), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
