#!/usr/bin/env python3
"""Compile the spinner families: sparse substitution databases applied the way real spinners
apply theirs (issue #31).

    python3 scripts/data/build_families.py [--out-dir restore_dev/data/families] [--coverage]

Real article spinners do not draw from a thesaurus with ~100 candidates a word: they use a
curated synonym database with a few options per head word, phrase entries, and (some of them)
function-word and filler swaps. Each family here is one such database, compiled into the table
format of restore_dev.spin (so `Spinner(table)` spins with it) and written as pipe lines
`head|alt|alt` for ../shared/eval/channel_coverage.py, which measures how much of real spinners'
work it explains.

Families (all derived from open resources; no page of ../shared/data/real is read here):
- ``synset``: a curated database, one or two options per sense. MyThes' first two synonyms of
  each of a word's first three senses, and WordNet's first other lemma of each of its first three
  synsets, in sense order, at most four options per head word; common two-word heads too.
  Like the spinner of "Applied sciences" for "Technologies", "12 months" for "year".
- ``function``: a phrase spinner that also swaps function words and inserts fillers ("as well as"
  for "and", "or even" for "or", "within" for "in"), with one or two content options per word
  (MyThes' first synonym of its first two senses).
- ``thesaurus``: the project's first spinner (restore_dev/data/spin_table.json.gz): generic
  thesauri, up to ten options a word, hand-written idioms and expansions ("very last 7 days").
- ``mined`` (when restore_dev/data/families/mined.tsv exists): substitutions mined from real spun
  pages (scripts/data/mine_spinner_vocab.py); written for coverage only.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import subprocess
import tempfile
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_spin_table as bst  # noqa: E402  (the thesauri readers, cleaning and inflection)

from restore_dev.spin import DEFAULT_TABLE  # noqa: E402
from restore_dev.spin_idioms import FUNCTION_SWAPS, HAND, PROFANE, STOP  # noqa: E402
from restore_dev.thesauri import mythes_senses, wordnet_senses  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "restore_dev", "data", "families")

# what even the `function` family never swaps (articles, pronouns, auxiliaries)
FUNCTION_STOP = set("""a an the i me my we us our you your he him his she her it its they them their
is am are was were be been being do does did have has had not no this that these those who whom
whose which what to of on at by from as""".split())


# which senses' synonyms an inflected form may take: "filed" is a verb ("file" -> "submit"), never
# the noun's "cabinet"; a plural is a noun or a verb's third person
TAG_POS = {"": None, "s": ("noun", "verb"), "ed": ("verb",), "ing": ("verb",)}


def per_sense(senses, per: int, max_senses: int, head: str, pos=None) -> list[str]:
    out: list[str] = []
    for p, syns in senses[:max_senses]:
        if pos is not None and p not in pos:
            continue
        cs = [c for c in (bst.clean_entry(re.sub(r"\s*\(.*?\)", "", s)) for s in syns) if c and c != head]
        out.extend(cs[:per])
    return list(dict.fromkeys(out))


def usable(head: str, subs: list[str], zp, antonyms, min_sub_zipf: float) -> list[str]:
    return [s for s in subs
            if s != head and not bst._near_form(s, head) and (head, s) not in antonyms
            and not any(x in PROFANE for x in s.split()) and zp(s) >= min_sub_zipf]


def compile_table(lemma_subs: dict[str, list[str]], phrase_subs: dict[str, list[str]], stop: set[str],
                  zp, min_root_zipf: float) -> dict:
    """Inflect lemma -> {tag: substitutes} into surface forms ("" the lemma itself; "s", "ed",
    "ing" its inflections) and write the restore_dev.spin table."""
    words: dict[str, dict[str, int]] = defaultdict(dict)

    def weights(subs):
        return [(s, max(1, 4 - i)) for i, s in enumerate(subs)]

    for lemma, by_tag in lemma_subs.items():
        for s, w in weights(by_tag.get("", [])):
            words[lemma].setdefault(s, w)
        for tag in ("s", "ed", "ing"):
            form = bst.inflect_word(lemma, tag)
            if form == lemma or zp(form) < min_root_zipf or form in lemma_subs:
                continue
            for s, w in weights(by_tag.get(tag, [])):
                f = bst.inflect_phrase(s, tag)
                if zp(f.split(" ")[0]) >= 2.0:
                    words[form].setdefault(f, w)
    phrases = {k: dict(weights(v)) for k, v in phrase_subs.items() if v}
    vocab: list[str] = []
    index: dict[str, int] = {}

    def idx(s: str) -> int:
        if s not in index:
            index[s] = len(vocab)
            vocab.append(s)
        return index[s]
    return {"version": 1, "vocab": vocab,
            "words": {k: [[idx(s), w] for s, w in d.items()] for k, d in sorted(words.items()) if d},
            "phrases": {k: [[idx(s), w] for s, w in d.items()] for k, d in sorted(phrases.items()) if d},
            "stop": sorted(stop)}


def write(table: dict, name: str, out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}.json.gz")
    tmp = path + ".tmp"
    with gzip.GzipFile(tmp, "wb", mtime=0) as raw:
        raw.write(json.dumps(table, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    os.replace(tmp, path)
    print(f"{name}: {len(table['words'])} words, {len(table['phrases'])} phrases -> {path}", file=sys.stderr)


def pipe_lines(table: dict, path: str) -> None:
    v = table["vocab"]
    with open(path, "w", encoding="utf-8") as fh:
        for k, rows in list(table["words"].items()) + list(table["phrases"].items()):
            fh.write(k + "|" + "|".join(v[i] for i, _ in rows) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", default=OUT_DIR)
    ap.add_argument("--min-root-zipf", type=float, default=2.3)
    ap.add_argument("--min-sub-zipf", type=float, default=3.0)
    ap.add_argument("--min-bigram", type=int, default=2_000_000)
    ap.add_argument("--coverage", default=None, metavar="PAIRS",
                    help="also print channel_coverage.py of each family on this pairs file")
    args = ap.parse_args(argv)

    bst.EXC.update(bst.load_exceptions())
    zp = functools.lru_cache(maxsize=None)(bst.phrase_zipf)
    antonyms = bst.load_antonyms()
    print("reading MyThes and WordNet...", file=sys.stderr)
    my = {}
    for w, senses in mythes_senses():
        h = bst.clean_entry(w)
        if h:
            my[h] = [(pos, [x for x in entries if "antonym" not in x and "term)" not in x]) for pos, entries in senses]
    wn: dict[str, list[list[str]]] = defaultdict(list)
    for lemma, _rank, ws in wordnet_senses(3):
        wn[lemma].append(ws)

    def root_ok(w: str, stop: set[str]) -> bool:
        return w not in stop and len(w) >= 3 and zp(w) >= args.min_root_zipf

    # ---- synset: one or two options per sense, at most four per head word
    lemma_subs: dict[str, dict[str, list[str]]] = {}
    for h in sorted(set(my) | set(wn)):
        if " " in h or not root_ok(h, STOP):
            continue
        by_tag = {}
        for tag, pos in TAG_POS.items():
            cands = per_sense(my.get(h, []), 2, 3, h, pos)
            if tag in ("", "s"):      # WordNet's senses carry no part of speech here
                for ws in wn.get(h, []):
                    cands.extend([c for c in (bst.clean_entry(x) for x in ws) if c and c != h][:1])
            subs = usable(h, list(dict.fromkeys(cands)), zp, antonyms, args.min_sub_zipf)[:4]
            if subs:
                by_tag[tag] = subs
        if by_tag:
            lemma_subs[h] = by_tag
    for k, v in HAND.items():      # the generic function-word idioms stay in every family
        if " " not in k and k in STOP:
            lemma_subs.setdefault(k, {"": [s for s, w in sorted(v.items(), key=lambda x: -x[1])
                                           if w > 0 and s != k][:3]})
    bigrams = bst.common_bigrams(args.min_bigram)
    phrase_subs: dict[str, list[str]] = {}
    for h in sorted(bigrams):
        if h in my or h in wn:
            cands = per_sense(my.get(h, []), 2, 3, h)
            for ws in wn.get(h, []):
                cands.extend([c for c in (bst.clean_entry(x) for x in ws) if c and c != h][:1])
            subs = [s for s in usable(h, list(dict.fromkeys(cands)), zp, antonyms, args.min_sub_zipf)
                    if s not in h.split()][:3]
            if subs:
                phrase_subs[h] = subs
    for k, v in HAND.items():
        if " " in k:
            phrase_subs.setdefault(k, [s for s, w in sorted(v.items(), key=lambda x: -x[1]) if w > 0 and s != k][:3])
    synset = compile_table(lemma_subs, phrase_subs, STOP, zp, args.min_root_zipf)
    write(synset, "synset", args.out_dir)

    # ---- function: function words and fillers, one or two content options a word
    stop_f = set(FUNCTION_STOP)
    lemma_f: dict[str, dict[str, list[str]]] = {}
    for h in sorted(my):
        if " " in h or not root_ok(h, STOP):
            continue
        by_tag = {}
        for tag, pos in TAG_POS.items():
            subs = usable(h, per_sense(my[h], 1, 2, h, pos), zp, antonyms, args.min_sub_zipf)[:2]
            if subs:
                by_tag[tag] = subs
        if by_tag:
            lemma_f[h] = by_tag
    phrase_f: dict[str, list[str]] = {}
    for k, subs in FUNCTION_SWAPS.items():
        subs = [s for s in subs if s != k]
        if " " in k:
            phrase_f[k] = subs
        else:
            lemma_f[k] = {"": subs}
    function = compile_table(lemma_f, phrase_f, stop_f, zp, args.min_root_zipf)
    write(function, "function", args.out_dir)

    tables = {"synset": synset, "function": function}
    with gzip.open(DEFAULT_TABLE, "rt", encoding="utf-8") as fh:
        tables["thesaurus"] = json.load(fh)
    if args.coverage:
        tmp = tempfile.mkdtemp(prefix="families-")
        paths = []
        for name, t in tables.items():
            p = os.path.join(tmp, f"{name}.txt")
            pipe_lines(t, p)
            paths.append(p)
        mined = os.path.join(args.out_dir, "mined.tsv")
        if os.path.exists(mined):
            paths.append(mined)
        cov = os.path.join(ROOT, "..", "shared", "eval", "channel_coverage.py")
        for p in paths + [" ".join(paths)]:
            print(f"== {os.path.basename(p) if ' ' not in p else 'all families'}")
            out = subprocess.run([sys.executable, cov, args.coverage, *p.split(" ")],
                                 capture_output=True, text=True)
            print(out.stdout.splitlines()[0] if out.stdout else out.stderr.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
