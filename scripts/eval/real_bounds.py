#!/usr/bin/env python3
"""What the inverse channel lets any restorer give back on the real spinner pairs: oracle ceilings.

    python3 scripts/eval/real_bounds.py [--real DIR] [--scorer PATH] [--json]

For each thesaurus-spinner pair of ``pairs.jsonl`` the shared scorer's gold edits (its alignment of
the spun words to the original's) are applied by an oracle that knows where every spun wording is
and which original to choose, but may only put back an original that the restorer's inverse channel
(``restore.fix.channel.candidates``, the table every model proposal is drawn from) offers for that
spun wording among its first K; every other gold edit is left spun. The oracle's output is scored by
the shared scorer like any system's. Its error reduction is the most that perfect detection and a
perfect choice among K candidates can reach with today's channel, at edit precision 1.0: a bound for
issue #31's aim (error reduction 0.4 at edit precision 0.9), as ``bench_triage.py --bounds`` is for
the triage.

Rows: every gold edit (the scorer's sanity: error reduction 1); the gold edits that replace 1-4
words with 1-4 words (the others insert or delete words, which no table entry does); and those
whose original is among the channel's first K candidates for K = 1, 5, 20, 50 and all it has. Then
every source the pipeline has: the channel, the phrase dictionaries (an entry for the spun wording
whose wording is the original), the filler table (the spun wording an expansion of the original)
and, unless --no-model, the restorer's own beam when it is given the gold edit's span in its
sentence (what it could propose with perfect detection). Matching is case-insensitive (the oracle
writes the original's own case); a wording the channel does not list is composed from its words'
candidates (one or two words undone), as the restorer does. Tables go to stdout (--json: one JSON
object), progress to stderr. Exit 2 when the data or the scorer is missing.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import sys
from pathlib import Path

from restore_dev import shared_scorer

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REAL = ROOT.parent / "shared" / "data" / "real"
KS = (1, 5, 20, 50, None)  # None: every candidate the channel has


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


def _same(a: str, b: str) -> bool:
    return a.lower().replace("’", "'").split() == b.lower().replace("’", "'").split()


def in_channel(edit, k: int | None, candidates) -> bool:
    """Whether the edit's original is among the channel's first ``k`` candidates for its spun wording,
    or (as many words on both sides) each of its changed words among its spun word's first ``k``: the
    scorer joins neighbouring changes into one edit, which the restorer may undo word by word, so the
    ceiling counts it too."""
    _a, _b, old, new = edit
    if any(_same(c, new) for c, _w in candidates(old, k)):
        return True
    ow, nw = old.split(), new.split()
    return len(ow) == len(nw) > 1 and all(_same(o, n) or any(_same(c, n) for c, _w in candidates(o, k))
                                          for o, n in zip(ow, nw))


def in_tables(edit, lexicon, fillers) -> bool:
    """Whether a phrase dictionary entry for the spun wording gives the original, or the filler
    table has the spun wording as an expansion of it."""
    from restore.fix.dictionary import wording

    _a, _b, old, new = edit
    entry = lexicon.lookup(old) if lexicon is not None else None
    if entry is not None and _same(wording(entry.canonical), new):
        return True
    return fillers is not None and any(_same(" ".join(f.expansion), old) and _same(" ".join(f.head), new)
                                       for f in fillers.rows)


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
    return {(pid, e[0]) for (pid, e), r in zip(keys, got) if any(_same(c, e[3]) for c in r["beam"])}


def bounds(sc, pairs: dict, candidates, lexicon=None, fillers=None, restorer=None) -> list[dict]:
    """The oracle's rows (see the module's doc) on ``pairs`` ({id: gold record}), each the scorer's
    figures of its outputs plus how many gold edits it applied."""
    per = {k: gold_edits(sc, g["spun"], g["original"]) for k, g in pairs.items()}
    rows = [("every gold edit", lambda p, e: True),
            ("replacing 1-4 words with 1-4 words", lambda p, e: replaces_words(e))]
    for k in KS:
        name = f"... and among the channel's first {k}" if k else "... and anywhere in the channel"
        rows.append((name, lambda p, e, k=k: replaces_words(e) and in_channel(e, k, candidates)))
    chan = lambda p, e: replaces_words(e) and in_channel(e, None, candidates)  # noqa: E731
    tables = lambda p, e: chan(p, e) or (replaces_words(e) and in_tables(e, lexicon, fillers))  # noqa: E731
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

    t = {}
    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        key, _, rest = line.partition("\t")
        if line and not line.startswith("#") and rest:
            t[key] = rest
    saved = channel._table, dict(channel._parsed)
    channel._table = t
    channel._parsed.clear()
    try:
        yield
    finally:
        channel._table = saved[0]
        channel._parsed.clear()
        channel._parsed.update(saved[1])


def render(res: dict) -> str:
    head = ["oracle applies", "gold edits", "WER in -> out", "error reduction", "edit P / R", "damage/1k"]
    body = [[r["row"], f"{r['gold_edits_applied']} of {r['gold_edits']}", f"{r['wer_in']:.3f} -> {r['wer_out']:.3f}",
             f"{r['error_reduction']:.3f}", f"{r['edit_p']:.3f} / {r['edit_r']:.3f}", f"{r['damage_per_1k']:.2f}"]
            for r in res["rows"]]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([f"Oracle ceilings on the {res['pages']} thesaurus-spinner pairs of {res['real']} "
                      f"(channel: {res['channel_size']:,} spun wordings{', ' + res['channel'] if res['channel'] else ''})",
                      line(head), line(["-" * w for w in widths]), *map(line, body)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--real", default=str(DEFAULT_REAL))
    shared_scorer.add_argument(ap)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-model", action="store_true", help="leave out the row of the restorer's beam")
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
               "rows": bounds(sc, pairs, channel.candidates, load_lexicon(), fillers.load(), restorer)}
    print(json.dumps(res, indent=1) if args.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
