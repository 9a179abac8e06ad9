#!/usr/bin/env python3
"""Real spinners' vocabulary (issue #31): the wordings real spinners write far more often than clean
English does, each with the originals it most likely stands for, mined from real spun pages that
have no original.

    python3 scripts/data/build_spinner_vocab.py [--pages data/real_more/harvest_A.jsonl,...]
        [--corpus ../shared/data/corpus] [--out restore/data/spinner_vocab.tsv]

A real spinner applies a fixed database to every page it spins: its head words ("year", "said",
"trading") almost vanish from its pages and its wordings ("12 months", "mentioned", "buying and
selling") surge. Over the spun pages' words and runs of 2-3 words, against the clean corpus:

- ``rho``: how many times more often a wording occurs in the spun pages than in clean text (the
  corpus, add-0.5 smoothing; for a single word the larger of its rate there and in ``wordfreq``);
  kept at ``--min-rho`` or more, on ``--min-sites`` sites and as many stories (pages that share a
  run of 8 words, or the collector's ``group``, are one story: two spins of one article count
  once), ``--min-count`` times or more, and not mostly capitalised inside sentences (a name). At
  rho 10, at most a tenth of its occurrences can be a writer's own words. Each spinner family with
  ``--family-pages`` pages or more (the pages' ``family`` field) is also mined alone, and a wording
  keeps its highest rho: pooling the families dilutes one family's wordings.
- originals: the inverse channel's candidates for the wording (``restore.fix.channel``: thesauri,
  composed word by word; in its order) and the wording with words left out ("software program" ->
  "software"), at most ``--originals``, leaving out those as frequent in the spun pages as in clean
  text (``--max-vanish``: their count there over what clean text would give, when that is 2 or
  more; a head word the spinner replaces everywhere is near 0). A wording is kept only when one of
  its originals is significantly scarce there (``--replaced``: the Poisson probability of so few
  occurrences where clean text would give the expected number), and is among the channel's first
  ``--close`` candidates or the wording's own words: a spinner swaps close synonyms, and a wording
  that surges on the pages' topics alone ("upgraded" in stock lists, "income") has no close head
  word that vanished. The restorer chooses among them
  and its own wordings (``restore.fix.spinner_vocab``); what the table asserts is rho.

The pages are read from git-ignored files (``data/real_more/``: found with the stored-pages search,
never committed); only the wordings, originals and counts are written. Pages of the sites and
stories kept aside for judging (``../shared/data/real/EXCLUDED.txt``) are refused, and so are the
development set's own sites (``../shared/data/real/*.jsonl``), which measure the result.
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from restore_dev.corpus import iter_corpus_texts  # noqa: E402
from restore_dev.real_pages import development_hosts, excluded_rules, host, kept_aside  # noqa: E402

WORD = re.compile(r"[a-z0-9]+(?:[.'\-][a-z0-9]+)*|%")
STOP = set("the a an of to in and or is was be for on at by with as it its that this from".split())


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def ngrams(ws: list[str], n_max: int = 3):
    for i in range(len(ws)):
        for n in range(1, n_max + 1):
            if i + n <= len(ws):
                yield i, n, " ".join(ws[i:i + n])


def corpus_counts(corpus: str) -> tuple[int, collections.Counter]:
    counts: collections.Counter = collections.Counter()
    total = 0
    for text in iter_corpus_texts(corpus):
        for para in text.split("\n"):
            ws = words(para)
            total += len(ws)
            counts.update(g for _i, _n, g in ngrams(ws))
    return total, counts


def capitalised(para: str) -> list[bool]:
    """For each word of ``para`` (as ``words`` finds them): written with a capital, not first in
    its sentence."""
    out, start = [], True
    for m in re.finditer(r"[A-Za-z0-9]+(?:[.'\u2019\-][A-Za-z0-9]+)*|%|([.!?:])", para):
        if m.group(1):
            start = True
            continue
        out.append(m.group()[0].isupper() and not start)
        start = False
    return out


def stories_of(pages: list[dict], n: int = 8) -> list[int]:
    """A story number for each page: pages that share a run of ``n`` words are spins (or copies) of
    one article, whatever group the collector gave them."""
    parent = list(range(len(pages)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    first: dict[tuple, int] = {}
    for k, r in enumerate(pages):
        ws = words(r["text"])
        for i in range(len(ws) - n + 1):
            j = first.setdefault(tuple(ws[i:i + n]), k)
            parent[find(k)] = find(j)
    by_group: dict[str, int] = {}
    for k, r in enumerate(pages):  # the collector's groups join too
        g = r.get("group")
        if g:
            parent[find(k)] = find(by_group.setdefault(g, k))
    return [find(k) for k in range(len(pages))]


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    term = total = math.exp(-mean)
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return min(1.0, total)


def subsequences(ws: list[str]) -> set[str]:
    n = len(ws)
    return {" ".join(ws[k] for k in range(n) if m >> k & 1) for m in range(1, (1 << n) - 1)}


def mine(pages: list[dict], members: list[int], story: list[int], clean: collections.Counter, n_clean: int,
         args) -> dict[str, tuple]:
    """The wordings of the pages ``members`` (indices into ``pages``) that pass the filters:
    wording -> (originals, count, sites, rho)."""
    from wordfreq import word_frequency

    from restore.fix import channel

    spun: collections.Counter = collections.Counter()
    sites: dict[str, set] = collections.defaultdict(set)
    stories: dict[str, set] = collections.defaultdict(set)
    capital: collections.Counter = collections.Counter()  # occurrences inside a sentence written with a capital
    n_spun = 0
    for k in members:
        r = pages[k]
        for para in r["text"].split("\n"):
            ws = words(para)
            n_spun += len(ws)
            caps = capitalised(para)
            for i, n, g in ngrams(ws):
                spun[g] += 1
                sites[g].add(host(r["url"]))
                stories[g].add(story[k])
                capital[g] += i < len(caps) and caps[i]

    def rho(g: str) -> float:
        """The spun pages' rate of ``g`` over clean English's: the corpus's, or for one word the
        larger of the corpus's and wordfreq's (modern web English: the corpus is news of 1987-2006,
        where "trump" and "app" are rare)."""
        rate = (clean.get(g, 0) + 0.5) / n_clean
        if " " not in g:
            rate = max(rate, word_frequency(g, "en"))
        return ((spun.get(g, 0) + 0.5) / n_spun) / rate

    out = {}
    for g, count in spun.items():
        ws = g.split()
        if (count < args.min_count or len(sites[g]) < args.min_sites or len(stories[g]) < args.min_sites
                or all(w in STOP for w in ws)):
            continue
        if any(ch.isdigit() for ch in g) and len(ws) == 1 or capital[g] * 2 > count:
            continue  # a number; a name (mostly capitalised inside sentences: "Republicans", "Carnival")
        r_g = rho(g)
        if r_g < args.min_rho:
            continue
        subs = sorted(subsequences(ws), key=lambda o: -len(o)) if len(ws) == 2 else []
        found, replaced = [], False
        close = [c for c, _ in channel.candidates(g, 50)]
        close_set = set(close[:args.close]) | set(subs)
        for o in close + subs:
            if not o.strip() or o == g or o in found or all(w in STOP for w in o.split()):
                continue
            expected = clean.get(o, 0) * n_spun / n_clean
            inside = count if o in subs else 0
            seen = max(spun.get(o, 0) - inside, 0)
            if expected >= 2 and seen / expected > args.max_vanish:
                continue  # as frequent in the spun pages as in clean text: not what the spinner replaces
            replaced = replaced or (o in close_set and expected >= 2 and poisson_cdf(seen, expected) <= args.replaced)
            found.append(o)
        if found and replaced:
            out[g] = (found[:args.originals], count, len(sites[g]), r_g)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default=",".join(sorted(str(p) for p in (ROOT / "data" / "real_more").glob("harvest_*.jsonl"))),
                    help="comma-separated JSONL files of pages (default: data/real_more/harvest_*.jsonl)")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "corpus"))
    ap.add_argument("--real", default=str(ROOT.parent / "shared" / "data" / "real"))
    ap.add_argument("--min-rho", type=float, default=10.0)
    ap.add_argument("--min-sites", type=int, default=2)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--max-vanish", type=float, default=1.0)
    ap.add_argument("--replaced", type=float, default=0.01,
                    help="a wording is kept only when one of its originals is this unlikely to be as scarce "
                         "in the spun pages as it is by chance (Poisson tail)")
    ap.add_argument("--close", type=int, default=5,
                    help="the replaced head word is among the channel's first N candidates (or the wording's own words)")
    ap.add_argument("--originals", type=int, default=5)
    ap.add_argument("--family-pages", type=int, default=10,
                    help="a spinner family (the pages' family field) with this many pages is also mined alone")
    ap.add_argument("--out", default=str(ROOT / "restore" / "data" / "spinner_vocab.tsv"))
    args = ap.parse_args(argv)

    rules, dev = excluded_rules(args.real), development_hosts(args.real)
    pages, seen = [], set()
    for path in [p for p in args.pages.split(",") if p]:
        if not Path(path).exists():
            print(f"no pages at {path}: skipped", file=sys.stderr)
            continue
        for line in open(path, encoding="utf-8"):
            r = json.loads(line)
            if r.get("role", "spun") != "spun" or r["url"] in seen:
                continue
            if kept_aside(r["url"], rules) or host(r["url"]) in dev:
                sys.exit(f"{path}: {r['url']} is kept aside (EXCLUDED.txt) or a development site: remove it")
            seen.add(r["url"])
            pages.append(r)
    if not pages:
        sys.exit("no spun pages")
    n_clean, clean = corpus_counts(args.corpus)
    story = stories_of(pages)
    families = collections.Counter(r.get("family") or "?" for r in pages)
    groups = [("all", list(range(len(pages))))] + [
        (f, [k for k, r in enumerate(pages) if (r.get("family") or "?") == f])
        for f, n in sorted(families.items()) if n >= args.family_pages and f != "?"]
    merged: dict[str, tuple] = {}
    for name, members in groups:
        for g, row in mine(pages, members, story, clean, n_clean, args).items():
            if g not in merged or row[3] > merged[g][3]:
                merged[g] = row
        print(f"{name}: {len(members)} pages", file=sys.stderr)
    rows = [(g, *row) for g, row in merged.items()]
    n_spun = sum(len(words(r["text"])) for r in pages)
    rows.sort(key=lambda r: (-r[4], r[0]))
    out = Path(args.out)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(f"# real spinners' vocabulary (issue #31), {datetime.date.today()}: "
                 f"scripts/data/build_spinner_vocab.py over {len(pages)} real spun pages "
                 f"({n_spun:,} words, {len({host(r['url']) for r in pages})} sites, found with the stored-pages search; "
                 f"no page text kept) against the shared clean corpus ({n_clean:,} words) and wordfreq; "
                 f"min rho {args.min_rho}, sites and stories {args.min_sites}, count {args.min_count}, "
                 f"vanish {args.max_vanish}, replaced {args.replaced} among the first {args.close}; rho the highest "
                 f"of all pages and of each family of {args.family_pages} or more pages alone ("
                 + ", ".join(f"{name} {len(members)}" for name, members in groups) + ")\n")
        fh.write("# spun<TAB>originals (best first, |-separated)<TAB>count<TAB>sites<TAB>rho\n")
        for g, origs, count, n_sites, r_g in rows:
            fh.write(f"{g}\t{'|'.join(origs)}\t{count}\t{n_sites}\t{r_g:.1f}\n")
    tmp.replace(out)
    print(f"{len(pages)} pages, {n_spun:,} words -> {len(rows)} wordings -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
