#!/usr/bin/env python3
"""Mine real spinner substitutions (original -> spun) from stored real spun web pages (issue #31).

Input: data/real_more/pages.jsonl (gitignored; never committed), one stored page a line:
{group, role: spun|original, url, site, text}. A group is one story: its spun copies and, where
found, the article they were made from.

Two ways to a pair:
  aligned  a spun page and its original are aligned word by word (difflib, as in
           shared/eval/channel_coverage.py): each replaced run of 1-3 words inside well-matched
           text (at least 10 of the 16 surrounding original words matched) is a substitution; a
           run of equal length on both sides also gives its word-by-word pairs.
  context  spun pages without an original: a spun word s between neighbours l and r is matched to
           a synonym x (shared synset group in restore_dev/data/families/synset.json.gz) when the
           clean corpus has "l x r" at least twice and never "l s r", and the web bigram counts of
           (l x), (x r) are both 5,000 or more while (l s), (s r) are unseen. Only one candidate
           may pass, and a context pair needs two such hits.
Inflection changes (shared stem), typos (close spellings), number rewrites and casing are dropped.

    python3 scripts/data/mine_spinner_vocab.py [--pages data/real_more/pages.jsonl]
        [--corpus ../shared/data/corpus] [--out restore_dev/data/families/mined.tsv]
"""
from __future__ import annotations

import argparse
import collections
import datetime
import difflib
import gzip
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from restore_dev.corpus import bigram_counts, iter_corpus_texts  # noqa: E402
from restore_dev.real_pages import kept_aside as excluded, read_rules  # noqa: E402
from restore_dev.thesauri import MYTHES, mythes_senses  # noqa: E402

WORD = re.compile(r"[a-z0-9]+(?:[.'\-][a-z0-9]+)*|%")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def trivial(o: tuple[str, ...], s: tuple[str, ...]) -> bool:
    """Inflection change, typo, number rewrite or a pure reordering: no spinner vocabulary."""
    if any(any(c.isdigit() for c in w) for w in o + s) or "%" in o + s:
        return True
    if sorted(o) == sorted(s) or re.sub(r"[^a-z]", "", "".join(o)) == re.sub(r"[^a-z]", "", "".join(s)):
        return True
    a, b = " ".join(o), " ".join(s)
    if len(o) == len(s) == 1:
        n = len(os.path.commonprefix([a, b]))
        if n >= 4 and n >= min(len(a), len(b)) - 3:  # revenue/revenues, decline/declined
            return True
    if difflib.SequenceMatcher(None, a, b).ratio() >= 0.85:  # typo or spelling variant
        return True
    return False


def aligned_pairs(original: list[str], spun: list[str]):
    sm = difflib.SequenceMatcher(None, original, spun, autojunk=False)
    ops = sm.get_opcodes()
    matched = [False] * len(original)
    for tag, i1, i2, _, _ in ops:
        if tag == "equal":
            for i in range(i1, i2):
                matched[i] = True
    for tag, i1, i2, j1, j2 in ops:
        if tag != "replace" or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        window = matched[max(0, i1 - 8):i1] + matched[i2:i2 + 8]
        if sum(window) < 10:
            continue
        o, s = tuple(original[i1:i2]), tuple(spun[j1:j2])
        yield o, s
        if 1 < len(o) == len(s):  # "share on revenue" -> "stock connected gross": also word by word
            for a, b in zip(o, s):
                if a != b:
                    yield (a,), (b,)


def load_mythes(path: str) -> dict[str, set[int]]:
    """word -> ids of the MyThes entries it is listed in (head included): x may become s when
    both share an id, as a blind thesaurus spinner does."""
    out: dict[str, set[int]] = collections.defaultdict(set)
    for entry, (head, senses) in enumerate(mythes_senses(path), 1):
        head = head.lower()
        if " " not in head:
            out[head].add(entry)
        for _pos, entries in senses:
            for w in entries:
                w = re.sub(r"\s*\(.*?\)", "", w).lower().strip()
                if w and " " not in w:
                    out[w].add(entry)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", default=str(ROOT / "data/real_more/pages.jsonl"))
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/data/corpus"))
    ap.add_argument("--excluded", default=str(ROOT.parent / "shared/data/real/EXCLUDED.txt"))
    ap.add_argument("--mythes", default=MYTHES, help="thesaurus for context candidates")
    ap.add_argument("--out", default=str(ROOT / "restore_dev/data/families/mined.tsv"))
    args = ap.parse_args()
    rules = read_rules(args.excluded)
    groups: dict[str, dict[str, list[dict]]] = collections.defaultdict(lambda: {"spun": [], "original": []})
    for line in open(args.pages, encoding="utf-8"):
        rec = json.loads(line)
        if excluded(rec["url"], rules):
            sys.exit(f"excluded source in pages: {rec['url']}")
        groups[rec["group"]][rec["role"]].append(rec)

    counts: collections.Counter = collections.Counter()
    sites: dict[tuple, set[str]] = collections.defaultdict(set)
    how: dict[tuple, str] = {}
    n_aligned = 0
    for g in groups.values():
        if not g["original"]:
            continue
        original = words("\n\n".join(r["text"] for r in g["original"]))
        for rec in g["spun"]:
            n_aligned += 1
            for o, s in aligned_pairs(original, words(rec["text"])):
                if not trivial(o, s):
                    counts[(o, s)] += 1
                    sites[(o, s)].add(rec["site"])
                    how[(o, s)] = "aligned"
    syn_data = json.load(gzip.open(ROOT / "restore_dev/data/families/synset.json.gz"))
    syn = load_mythes(args.mythes)
    unaligned = [r for g in groups.values() if not g["original"] for r in g["spun"]]
    site_of = []
    texts = []
    for r in unaligned:
        texts.append(words(r["text"]))
        site_of.append(r["site"])
    # one corpus pass for all unaligned pages, keeping the page of each hit
    for idx, (o, s) in context_pairs(texts, args.corpus, syn, set(syn_data["stop"])):
        counts[(o, s)] += 1
        sites[(o, s)].add(site_of[idx])
        how.setdefault((o, s), "context")

    for key in [k for k, v in how.items() if v == "context" and counts[k] < 2]:
        del counts[key], how[key]  # one context hit is no confident match
    all_sites = sorted({r["site"] for g in groups.values() for role in g.values() for r in role})
    spun_pages = sum(len(g["spun"]) for g in groups.values())
    orig_pages = sum(len(g["original"]) for g in groups.values())
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(f"# mined spinner substitutions (issue #31), {datetime.date.today()}: scripts/data/mine_spinner_vocab.py over "
                 f"{spun_pages} real spun pages ({n_aligned} aligned with their original, {len(unaligned)} by context) "
                 f"and {orig_pages} original pages, {len(all_sites)} sites, found with the stored-pages search; "
                 "no page text kept here\n")
        fh.write("# original<TAB>spun<TAB>count<TAB>n_sites<TAB>how (aligned|context)\n")
        for (o, s), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            fh.write(f"{' '.join(o)}\t{' '.join(s)}\t{n}\t{len(sites[(o, s)])}\t{how[(o, s)]}\n")
    print(f"{len(counts)} pairs ({sum(1 for v in how.values() if v == 'aligned')} aligned) from {spun_pages} spun pages, "
          f"{n_aligned} aligned, {len(all_sites)} sites -> {args.out}")
    return 0


def context_pairs(texts, corpus, syn, stop):
    """(page index, (orig, spun)) for every confident context match, with one corpus pass."""
    pages = dict(enumerate(texts))
    by_group: dict[int, set[str]] = collections.defaultdict(set)
    for w, gs in syn.items():
        if " " not in w and w.isalpha():
            for g in gs:
                by_group[g].add(w)
    web = bigram_counts()

    def web_of(a: str, b: str) -> int:
        return web.get(f"{a} {b}", 0)

    cand_sites = []
    for idx, toks in pages.items():
        for k in range(1, len(toks) - 1):
            l, s, r = toks[k - 1], toks[k], toks[k + 1]
            if not s.isalpha() or len(s) < 3 or s in stop or s not in syn:
                continue
            spun_web = max(web.get(f"{l} {s}", 0), web.get(f"{s} {r}", 0))
            cands = {x for g in syn[s] for x in by_group[g] if x != s and not trivial((x,), (s,))}
            cands = [x for x in cands
                     if min(web.get(f"{l} {x}", 0), web.get(f"{x} {r}", 0)) >= 20 * (spun_web + 100)]
            if cands:
                cand_sites.append((idx, s, l, r, cands))
    want = {(l, x, r) for _, s, l, r, cands in cand_sites for x in cands + [s]}
    tri: collections.Counter = collections.Counter()
    for text in iter_corpus_texts(corpus):
        t = words(text)
        for k in range(len(t) - 2):
            key = (t[k], t[k + 1], t[k + 2])
            if key in want:
                tri[key] += 1
    for idx, s, l, r, cands in cand_sites:
        if tri[(l, s, r)]:
            continue
        ok = [x for x in cands if tri[(l, x, r)] >= 2
              and web_of(l, s) == web_of(s, r) == 0 and min(web_of(l, x), web_of(x, r)) >= 5000]
        if len(ok) == 1:
            yield idx, ((ok[0],), (s,))


if __name__ == "__main__":
    sys.exit(main())
