#!/usr/bin/env python3
"""What the sources of the pipeline let any restorer give back on the real spinner pairs: oracle ceilings.

    python3 scripts/eval/real_bounds.py [--real DIR] [--scorer PATH] [--no-model] [--rewrite]
                                        [--channel TABLE] [--json]

Two oracles over the thesaurus-spinner pairs of ``pairs.jsonl``. Both know the original and are
limited to what a source of the pipeline offers for a spun wording; the shared scorer scores their
texts like any system's output. Each row is what perfect detection and a perfect choice among those
offers could reach: a ceiling for issue #31's aim (error reduction 0.4 at edit precision 0.9), as
``bench_triage.py --bounds`` is for the triage.

1. **Whole gold edits** (the aim's own count: an edit is right only when it is a gold edit
   exactly). The scorer's gold edits (its alignment of the spun words to the original's) are put
   back where a source offers the original for the spun wording, every other one left spun, so edit
   precision is 1.0. Rows: every gold edit (the scorer's sanity); those replacing 1-4 words with
   1-4 words (the others insert or delete words, which no entry does); those whose original is
   among the inverse channel's first K candidates (``restore.fix.channel.candidates``, from which
   the restorer's proposals are drawn; K = 1, 5, 20, 50, all), or, for as many words on both
   sides, each of whose changed words is (the scorer joins neighbouring changes; a restorer may
   undo them word by word); then also the phrase dictionaries (an entry for the wording) and the
   filler table (the wording an expansion of the original); then, unless --no-model, also the
   restorer's own beam given the gold span in its sentence.
2. **The closest rewrite** (``--rewrite``, about 6 minutes): any mix of offered replacements of spun
   wordings of 1-4 words, anywhere, the one with the fewest word edits against the original, with
   no precision asked (partial repairs inside a joined change count). Exact and cheap enough: the
   spun and original words are aligned (the scorer's own ``difflib`` alignment); every changed
   stretch with up to 3 unchanged words on each side (so that a wording taking in a neighbour,
   "and also" -> "and", is tried) is a region, touching regions are joined, and a dynamic program
   over (spun words used, original words matched) finds each region's best rewrite (an offered
   original compared ignoring case and written in the original's case; a kept word exactly). Rows:
   the channel's first 1, 5, all; then also the dictionaries and fillers (not the beam).

Matching is case-insensitive; a wording the channel does not list is composed from its words'
candidates (one or two words undone), as the restorer does. ``--channel`` measures another table
(what ``scripts/data/build_channel.py --out`` writes). Tables go to stdout (--json: one JSON
object), progress to stderr. Exit 2 when the data or the scorer is missing.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import sys
from functools import lru_cache
from pathlib import Path

from restore.metrics import edit_distance  # the shared scorer's word edit distance, in the package
from restore_dev import shared_scorer

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REAL = ROOT.parent / "shared" / "data" / "real"
KS = (1, 5, 20, 50, None)  # None: every candidate the channel has
REWRITE_KS = (1, 5, None)
PAD = 3  # unchanged words taken into a rewriting region on each side (a wording is at most 4 words)
MOST = 4  # words in a spun wording the rewriting oracle may replace


def gold_edits(sc, spun: str, original: str) -> list[tuple[int, int, str, str]]:
    """The scorer's gold edits as (start, end, spun wording, original wording): character offsets into
    ``spun`` (an insertion: start == end, before the word it precedes), wordings joined by spaces."""
    sw = sc.words(spun)
    ow = [w for w, _, _ in sc.words(original)]
    out = []
    for i, j, repl in sorted(sc.edits([w for w, _, _ in sw], ow)):
        if i < j:
            a, b = sw[i][1], sw[j - 1][2]
        else:
            a = b = sw[i][1] if i < len(sw) else len(spun)
        out.append((a, b, " ".join(w for w, _, _ in sw[i:j]), " ".join(repl)))
    return out


def oracle_text(spun: str, edits) -> str:
    """``spun`` with ``edits`` ((start, end, spun wording, original wording)) put in; an insertion
    gets a space after it (the scorer reads words, not spacing)."""
    text = spun
    for a, b, _old, new in sorted(edits, key=lambda e: -e[0]):
        text = text[:a] + (new + " " if a == b and new else new) + text[b:]
    return text


def replaces_words(edit, most: int = 4) -> bool:
    """Whether a gold edit replaces 1 to ``most`` words with 1 to ``most`` words."""
    _a, _b, old, new = edit
    return 1 <= len(old.split()) <= most and 1 <= len(new.split()) <= most


def _norm(words) -> tuple[str, ...]:
    return tuple(w.lower().replace("’", "'") for w in words)


def offered(edit, offers) -> bool:
    """Whether a source offers the gold edit's original for its spun wording (``offers``, see
    ``source_offers``), or (as many words on both sides) each of its changed words for its spun word:
    the scorer joins neighbouring changes into one edit, which a restorer may undo word by word, so
    the ceiling counts it too."""
    _a, _b, old, new = edit
    if _norm(new.split()) in {_norm(w) for w in offers(old)}:
        return True
    ow, nw = old.split(), new.split()
    return len(ow) == len(nw) > 1 and all(_norm([o]) == _norm([n]) or _norm([n]) in {_norm(w) for w in offers(o)}
                                          for o, n in zip(ow, nw))


def beams(restorer, pairs: dict, per: dict) -> set[tuple[str, int]]:
    """(page id, edit start) of the gold edits replacing 1-4 words whose original the restorer's
    beam (or greedy output) holds when it reads the gold span in its sentence."""
    from restore.fix.encoding import context_of
    from restore.text.tokenize import nfc, sentences

    keys, items = [], []
    for pid, es in per.items():
        text = pairs[pid]["spun"]
        sents = sentences(text)
        for e in es:
            if replaces_words(e):
                left, right = context_of(text, e[0], e[1], sents)
                keys.append((pid, e))
                items.append((nfc(left), nfc(text[e[0]:e[1]]), nfc(right)))
    got = restorer.infill(items)
    return {(pid, e[0]) for (pid, e), r in zip(keys, got) if any(_norm(c.split()) == _norm(e[3].split())
                                                                 for c in r["beam"])}


def regions(sc, spun: str, original: str, pad: int = PAD) -> list[tuple[int, int, int, int]]:
    """The changed stretches of ``spun`` against ``original`` as (i1, i2, j1, j2) word ranges (spun,
    original), each widened by up to ``pad`` unchanged words on each side; overlapping or touching
    ones joined."""
    sp = [w for w, _, _ in sc.words(spun)]
    og = [w for w, _, _ in sc.words(original)]
    ops = difflib.SequenceMatcher(None, sp, og, autojunk=False).get_opcodes()
    out: list[list[int]] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        before = ops[k - 1][2] - ops[k - 1][1] if k and ops[k - 1][0] == "equal" else 0
        after = ops[k + 1][2] - ops[k + 1][1] if k + 1 < len(ops) and ops[k + 1][0] == "equal" else 0
        a, b = min(pad, before), min(pad, after)
        r = [i1 - a, i2 + b, j1 - a, j2 + b]
        if out and r[0] <= out[-1][1]:
            out[-1][1], out[-1][3] = r[1], r[3]
        else:
            out.append(r)
    return [tuple(r) for r in out]


def _dist(a: list[str], b: list[str], fold: bool) -> int:
    return edit_distance([x.lower() for x in a], [x.lower() for x in b]) if fold else edit_distance(a, b)


def best_rewrite(S: list[str], O: list[str], offers) -> tuple[int, list[str]]:
    """The rewrite of the spun words ``S`` closest to the original words ``O``: each word kept as it
    is, or a run of 1-``MOST`` words replaced by one of ``offers(run text)`` (word lists, compared
    ignoring case and written in the original's case where they match one of its words). Returns
    (word edits left, the rewrite's words)."""
    n, m = len(S), len(O)
    INF = 10 ** 9
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for a in range(n + 1):
        for b in range(m + 1):
            c = cost[a][b]
            if c >= INF:
                continue
            if b < m and c + 1 < cost[a][b + 1]:  # an original word the rewrite lacks
                cost[a][b + 1], back[a][b + 1] = c + 1, (a, b, None)
            if a == n:
                continue
            moves = [(1, [S[a]], False)]
            for p in range(1, min(MOST, n - a) + 1):
                moves += [(p, w, True) for w in offers(" ".join(S[a:a + p]))]
            for p, w, fold in moves:
                for q in range(0, min(m - b, len(w) + 1) + 1):
                    v = c + _dist(w, O[b:b + q], fold)
                    if v < cost[a + p][b + q]:
                        cost[a + p][b + q], back[a + p][b + q] = v, (a, b, (w, fold))
    words: list[str] = []
    a, b = n, m
    while (a, b) != (0, 0):
        pa, pb, put = back[a][b]
        if put is not None:
            w, fold = put
            near = {o.lower(): o for o in O[pb:b]} if fold else {}
            words[:0] = [near.get(x.lower(), x) for x in w]
        a, b = pa, pb
    return cost[n][m], words


def rewrite(sc, spun: str, original: str, offers) -> tuple[str, int, int]:
    """The rewriting oracle's text for ``spun`` (each region's best rewrite in place of its words), how many
    regions it restores whole and how many there are."""
    sw = sc.words(spun)
    og = [w for w, _, _ in sc.words(original)]
    text, whole = spun, 0
    rs = regions(sc, spun, original)
    for i1, i2, j1, j2 in reversed(rs):
        left, words = best_rewrite([w for w, _, _ in sw[i1:i2]], og[j1:j2], offers)
        whole += left == 0
        a = sw[i1][1] if i1 < len(sw) else len(spun)
        b = sw[i2 - 1][2] if i2 > i1 else a
        new = " ".join(words)
        text = text[:a] + (new + " " if i2 == i1 and new else new) + text[b:]
    return text, whole, len(rs)


def source_offers(sc, candidates, k, lexicon=None, fillers=None):
    """``offers(wording)``: the originals (word lists, the scorer's words) the sources give for a spun
    wording: the channel's first ``k`` candidates, a dictionary entry's wording, the head words the
    filler table expands into it."""
    from restore.fix.dictionary import wording as entry_wording

    heads: dict[str, list[str]] = {}
    for f in (fillers.rows if fillers is not None else ()):
        heads.setdefault(" ".join(f.expansion), []).append(" ".join(f.head))

    @lru_cache(maxsize=None)
    def offers(spun: str) -> tuple[tuple[str, ...], ...]:
        key = spun.lower().replace("’", "'")
        got = [c for c, _w in candidates(spun, k)]
        entry = lexicon.lookup(spun) if lexicon is not None else None
        if entry is not None:
            got.append(entry_wording(entry.canonical))
        got += heads.get(key, [])
        out = {tuple(w for w, _, _ in sc.words(g)) for g in got}
        return tuple(sorted(w for w in out if w and [x.lower() for x in w] != key.split()))

    return offers


def rewrites(sc, pairs: dict, candidates, lexicon=None, fillers=None) -> list[dict]:
    """The rewriting oracle's rows (``--rewrite``, see the module's doc): the scorer's figures of its
    texts plus how many changed regions it restores whole."""
    rows = [(f"the channel's first {k}" if k else "the whole channel", source_offers(sc, candidates, k))
            for k in REWRITE_KS]
    rows.append(("... or a dictionary or filler entry", source_offers(sc, candidates, None, lexicon, fillers)))
    out = []
    for name, offers in rows:
        system, whole, n = {}, 0, 0
        for key, g in pairs.items():
            text, w, m = rewrite(sc, g["spun"], g["original"], offers)
            system[key] = {"id": key, "restored": text}
            whole, n = whole + w, n + m
        out.append({"row": name, "regions_whole": whole, "regions": n, **sc.score_restore(pairs, system)})
    return out


def bounds(sc, pairs: dict, candidates, lexicon=None, fillers=None, restorer=None) -> list[dict]:
    """The oracle's rows (see the module's doc) on ``pairs`` ({id: gold record}), each the scorer's
    figures of its outputs plus how many gold edits it applied."""
    per = {k: gold_edits(sc, g["spun"], g["original"]) for k, g in pairs.items()}
    rows = [("every gold edit", lambda p, e: True),
            ("replacing 1-4 words with 1-4 words", lambda p, e: replaces_words(e))]
    for k in KS:
        name = f"... and among the channel's first {k}" if k else "... and anywhere in the channel"
        offers = source_offers(sc, candidates, k)
        rows.append((name, lambda p, e, offers=offers: replaces_words(e) and offered(e, offers)))
    offers = source_offers(sc, candidates, None, lexicon, fillers)
    tables = lambda p, e: replaces_words(e) and offered(e, offers)  # noqa: E731
    rows.append(("... or a dictionary or filler entry", tables))
    if restorer is not None:
        beam = beams(restorer, pairs, per)
        rows.append(("... or the restorer's beam on the gold span", lambda p, e: tables(p, e) or (p, e[0]) in beam))
    out = []
    for name, keep in rows:
        system = {key: {"id": key, "restored": oracle_text(pairs[key]["spun"], [e for e in es if keep(key, e)])}
                  for key, es in per.items()}
        fig = sc.score_restore(pairs, system)
        fig["gold_edits_applied"] = sum(1 for key, es in per.items() for e in es if keep(key, e))
        fig["gold_edits"] = sum(len(es) for es in per.values())
        out.append({"row": name, **fig})
    return out


@contextlib.contextmanager
def table_in_use(path: Path):
    """``restore.fix.channel`` reads the table at ``path`` (what ``scripts/data/build_channel.py
    --out`` writes) instead of the shipped one inside the block, and the shipped one again after."""
    from restore.fix import channel

    saved = channel._table, dict(channel._parsed)
    channel._table = channel.read_table(path.read_bytes())
    channel._parsed.clear()
    try:
        yield
    finally:
        channel._table = saved[0]
        channel._parsed.clear()
        channel._parsed.update(saved[1])


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return [line(head), line(["-" * w for w in widths]), *map(line, body)]


def render(res: dict) -> str:
    fig = lambda r: [f"{r['wer_in']:.3f} -> {r['wer_out']:.3f}", f"{r['error_reduction']:.3f}",  # noqa: E731
                     f"{r['edit_p']:.3f} / {r['edit_r']:.3f}", f"{r['damage_per_1k']:.2f}"]
    tail = ["WER in -> out", "error reduction", "edit P / R", "damage/1k"]
    table = f", {res['channel']}" if res["channel"] else ""
    out = [f"Oracle ceilings on the {res['pages']} thesaurus-spinner pairs of {res['real']} "
           f"(channel: {res['channel_size']:,} spun wordings{table})", "",
           "Whole gold edits put back where a source offers the original (strict edit precision 1.0)",
           *_table(["oracle applies", "gold edits", *tail],
                   [[r["row"], f"{r['gold_edits_applied']} of {r['gold_edits']}", *fig(r)] for r in res["rows"]])]
    if res.get("rewrites"):
        out += ["", "The closest rewrite the sources allow, any mix of offered replacements (--rewrite)",
                *_table(["the oracle rewrites with", "regions restored whole", *tail],
                        [[r["row"], f"{r['regions_whole']} of {r['regions']}", *fig(r)] for r in res["rewrites"]])]
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--real", default=str(DEFAULT_REAL))
    shared_scorer.add_argument(ap)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-model", action="store_true", help="leave out the row of the restorer's beam")
    ap.add_argument("--rewrite", action="store_true",
                    help="also the rewriting oracle (any mix of offered replacements, fewest word edits; ~8 min)")
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--channel", default=None,
                    help="another inverse channel table (what scripts/data/build_channel.py --out writes) in place "
                         "of the shipped one: how far a wider table lifts the ceiling")
    args = ap.parse_args(argv)
    path = Path(args.real) / "pairs.jsonl"
    if not path.exists():
        print(f"real_bounds.py: {path} is missing (pass --real DIR)", file=sys.stderr)
        return 2
    if not shared_scorer.available(args.scorer):
        print(f"real_bounds.py: the shared scorer {args.scorer} is missing (pass --scorer PATH)", file=sys.stderr)
        return 2
    sc = shared_scorer.module(args.scorer)
    from restore.fix import channel, fillers
    from restore.fix.dictionary import load_lexicon
    from restore.fix.restorer import load_restorer

    pairs = {k: g for k, g in sc.load(str(path)).items() if g.get("channel") == "spinner"}
    restorer = None if args.no_model else load_restorer(args.models_dir, device="cpu")
    if restorer is None and not args.no_model:
        print("real_bounds.py: no restorer weights; the beam's row is left out", file=sys.stderr)
    with table_in_use(Path(args.channel)) if args.channel else contextlib.nullcontext():
        res = {"real": str(Path(args.real)), "pages": len(pairs), "channel_size": channel.size(),
               "channel": args.channel, "restorer": None if restorer is None else restorer.signature,
               "rows": bounds(sc, pairs, channel.candidates, load_lexicon(), fillers.load(), restorer),
               "rewrites": rewrites(sc, pairs, channel.candidates, load_lexicon(), fillers.load()) if args.rewrite
               else None}
    print(json.dumps(res, indent=1) if args.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
