#!/usr/bin/env python3
"""Tortured phrases no list has seen: restore each sentence of the tortured-in-context set with its
phrase removed from the dictionary, and count the phrases restored exactly.

    python3 scripts/eval/tortured_unlisted.py [--gold ../shared/data/tortured/tortured_in_context_dev.jsonl.gz]
        [--every 10] [--limit N] [--folds 10] [--group phrase|expected] [--domain science] [--quality best]
        [--json runs/tortured/unlisted.json] [--shard I/N]
    python3 scripts/eval/tortured_unlisted.py --merge A.json B.json [--json all.json]

On two cores, ``--shard 0/2`` and ``--shard 1/2`` (each with ``--json``) restore alternate records
of each fold in two processes, each fold with all of its phrases taken out as without shards;
``--merge`` reads their ``--json`` files and prints the figures of all their records.

Leave-one-out in folds: the records are put in ``--folds`` folds by their tortured phrase (hyphens
and case folded, so "0.33 birthday celebration" and "0.33-birthday celebration" share a fold), and
each fold is restored with every tortured phrase of the fold taken out of the built-in list. With
``--group expected`` the folds go by the expected wording instead: every tortured variant of the
fold's terms is taken out, so the list does not even know the term. The inverse channel also
forgets, for each fold, the runs of two or more words that only the fold's own pairs taught it
(``restore_dev.dictionary_variants.channel_without``: terms are composed phrase by phrase too).

Figures, overall and on the "held-out" records (those whose expected wording the inverse channel
never saw: ``scripts/data/build_channel.py`` mines substitutions from the other 80% of the pairs):
- phrase exact: the edits that touch the phrase, applied alone, give the original sentence (also
  on the records whose expected wording adds no parenthesised acronym the spun phrase lacks,
  ``without_added_acronym``: 1,063 of the set's 5,712 records cannot be restored exactly by any
  edit of the phrase);
- sentence exact: the restored sentence is the original;
- phrase found: some applied or reported edit, or span, touches the phrase;
- the shared scorer's restoration figures (``../shared/eval/score.py``: error reduction, edit
  P/R/F0.5, damage per 1,000 words) on the spun sentences, and on the originals restored as
  inputs (``clean_``: damage per 1,000 words, share changed).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter

from restore_dev import shared_scorer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_GOLD = os.path.join(ROOT, "..", "shared", "data", "tortured", "tortured_in_context_dev.jsonl.gz")


def heldout(expected: str) -> bool:
    """The pair's expected wording is in the channel's held-out 20% (``build_channel.split_of``)."""
    h = int(hashlib.md5(expected.strip().lower().encode("utf-8")).hexdigest()[:8], 16)
    return h % 5 == 0


def adds_acronym(g: dict) -> bool:
    """The expected wording carries a parenthesised part the spun phrase lacks ("natural language
    processing (nlp)" for "herbal language processing"): no restoration of the phrase gives it back."""
    return "(" in g["expected"] and "(" not in g["phrase"]


def phrase_span(g: dict) -> tuple[int, int] | None:
    """Where the record's phrase is in its spun sentence, case folded: the set gives phrases in lower
    case, and 145 of its sentences capitalise theirs ("... including cancer and Parkinson's malady")."""
    i = g["spun"].lower().find(g["phrase"].lower())
    return (i, i + len(g["phrase"])) if i >= 0 else None


def phrase_exact(g: dict, touching) -> bool:
    """The edits that touch the phrase (``touching``), applied alone, give the original sentence."""
    from restore.edits.apply import apply_edits

    applied = [e for e in touching if e.applied]
    return bool(applied) and apply_edits(g["spun"], applied) == g["original"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", default=DEFAULT_GOLD)
    ap.add_argument("--every", type=int, default=1, help="take every Nth record (1: all)")
    ap.add_argument("--start", type=int, default=0, help="with --every: the first record taken")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--group", choices=("phrase", "expected"), default="phrase")
    ap.add_argument("--domain", default=None, help="Config.domain (e.g. science)")
    ap.add_argument("--quality", default="fast")
    ap.add_argument("--terms-threshold", type=float, default=None, help="Config.terms_threshold (default: its own)")
    ap.add_argument("--no-clean", action="store_true", help="skip the clean side")
    ap.add_argument("--cv-dir", default=None,
                    help="with --domain science: score each fold with the term model trained without it "
                         "(scripts/train/train_terms.py writes them: runs/terms/cv; with --quality best, "
                         "runs/terms_best/cv, where scripts/train/train_terms_lm.py adds each fold's stack)")
    ap.add_argument("--json", default=None, help="write the figures and each record's outcome here")
    ap.add_argument("--lm-cache", default=None,
                    help="with --quality best: keep the language model's scores in this file and reuse them "
                         "(restore_dev.lm_memo; for comparing settings, not for the figures reported)")
    ap.add_argument("--shard", default=None, metavar="I/N",
                    help="restore only the I-th of every N records of each fold (0-based); the figures are "
                         "this shard's, --merge gives all shards'")
    ap.add_argument("--merge", nargs="+", default=None, metavar="JSON",
                    help="print the figures of the records of these --json files (shards of one run)")
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)

    scorer = shared_scorer.module(args.scorer)
    meta, rows = merge_shards(args.merge) if args.merge else restore_records(args)
    no_clean = args.no_clean or any(r["clean_restored"] is None for r in rows)

    def figures(rs: list[dict]) -> dict:
        n = len(rs) or 1
        out = {"records": len(rs), "phrase_exact": sum(r["phrase_exact"] for r in rs) / n,
               "sentence_exact": sum(r["sentence_exact"] for r in rs) / n,
               "phrase_found": sum(r["found"] for r in rs) / n}
        gold_of = {r["id"]: {"spun": r["spun"], "original": r["original"]} for r in rs}
        fig = scorer.score_restore(gold_of, {r["id"]: {"restored": r["restored"]} for r in rs})
        out.update({k: fig[k] for k in ("error_reduction", "edit_p", "edit_r", "edit_f05", "damage_per_1k")})
        if not no_clean:
            clean = scorer.score_restore({r["id"]: {"spun": r["original"], "original": r["original"]} for r in rs},
                                         {r["id"]: {"restored": r["clean_restored"]} for r in rs})
            out["clean_damage_per_1k"], out["clean_changed"] = clean["damage_per_1k"], clean["clean_changed"]
        return out

    result = {**{k: v for k, v in meta.items() if k != "signature"}, "shard": args.shard, "merged": args.merge,
              "all": figures(rows),
              "heldout": figures([r for r in rows if r["heldout"]]),
              "channel_seen": figures([r for r in rows if not r["heldout"]]),
              "without_added_acronym": figures([r for r in rows if not r["adds_acronym"]]),
              "signature": meta["signature"]}
    print(json.dumps(result, indent=1))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({**result, "rows": rows}, fh, ensure_ascii=False, indent=1)
    print("sources of exact phrases:", Counter(p[3] for r in rows if r["phrase_exact"] for p in r["proposals"]
                                               if p[2]), file=sys.stderr)
    return 0


META = ("gold", "every", "start", "folds", "cv_dir", "group", "domain", "quality", "signature")  # of a run


def restore_records(args) -> tuple[dict, list[dict]]:
    """Restore the records (this ``--shard``'s) fold by fold: the run's settings (``META``, and
    the seconds it took) and each record's outcome."""
    import gzip

    from restore import signature_of
    from restore.config import Config
    from restore.pipeline import restore_batch
    from restore_dev.dictionary_variants import channel_without, tortured_without
    from restore_dev.terms import by_fold

    if args.lm_cache:
        from restore_dev import lm_memo

        lm_stats = lm_memo.install(args.lm_cache)

    opener = gzip.open if args.gold.endswith(".gz") else open
    with opener(args.gold, "rt", encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    gold = gold[args.start::args.every][:args.limit]
    cfg = Config(quality=args.quality, **({"domain": args.domain} if args.domain else {}),
                 **({"terms_threshold": args.terms_threshold} if args.terms_threshold is not None else {}))
    folds = by_fold(gold, args.folds, args.group)

    shard, shards = (int(x) for x in args.shard.split("/")) if args.shard else (0, 1)
    t0 = time.time()
    rows = []
    for k in sorted(folds):
        fold = folds[k]
        drop = [g["phrase"] for g in fold] if args.group == "phrase" else \
            [g["expected"] for g in fold]
        if args.cv_dir:
            os.environ["RESTORE_TERMS_BEST_MODEL" if args.quality == "best" else "RESTORE_TERMS_MODEL"] = \
                os.path.join(args.cv_dir, f"fold{k}.json.gz")
            if args.quality == "best" and os.path.exists(os.path.join(args.cv_dir, f"lm_fold{k}.json.gz")):
                os.environ["RESTORE_TERMS_LM"] = os.path.join(args.cv_dir, f"lm_fold{k}.json.gz")
        with tortured_without(drop, by="spun" if args.group == "phrase" else "expected"), \
                channel_without([(g["phrase"], g["expected"]) for g in fold]):
            fold = fold[shard::shards]  # the whole fold's phrases are out, this shard's records restored
            spun = restore_batch([g["spun"] for g in fold], cfg)
            clean = [None] * len(fold) if args.no_clean else restore_batch([g["original"] for g in fold], cfg)
        for g, r, c in zip(fold, spun, clean):
            span = phrase_span(g)
            touching = [e for e in r.edits if span and e.start < span[1] and span[0] < e.end]
            found = bool(touching) or span is not None and any(s.start < span[1] and span[0] < s.end for s in r.spans)
            rows.append({"id": g["id"], "phrase": g["phrase"], "expected": g["expected"],
                         "heldout": heldout(g["expected"]), "adds_acronym": adds_acronym(g), "found": found,
                         "phrase_exact": phrase_exact(g, touching), "sentence_exact": r.text == g["original"],
                         "proposals": [[e.replacement, round(e.confidence, 3), e.applied, e.source, e.original, e.rule]
                                       for e in touching],
                         "spun": g["spun"], "original": g["original"], "restored": r.text,
                         "clean_restored": None if c is None else c.text,
                         "clean_edits": [] if c is None else [[e.original, e.replacement, e.source, round(e.confidence, 3)]
                                                               for e in c.applied]})
        done = len(rows)
        print(f"fold {k}: {done}/{-(-len(gold) // shards)} records, {time.time() - t0:.0f}s", file=sys.stderr)
    if args.lm_cache:
        print(f"LM cache: {lm_stats['hits']} hits, {lm_stats['misses']} scored", file=sys.stderr)
    meta = {"gold": os.path.basename(args.gold), "every": args.every, "start": args.start, "folds": args.folds,
            "cv_dir": args.cv_dir, "group": args.group, "domain": args.domain, "quality": args.quality,
            "seconds": round(time.time() - t0, 1), "signature": signature_of(cfg)}
    return meta, rows


def merge_shards(paths: list[str]) -> tuple[dict, list[dict]]:
    """The settings (``META``; the shards' seconds summed) and records of ``--json`` files of shards
    of one run; a SystemExit if they are not (settings differ, or a record is in two)."""
    runs = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            runs.append(json.load(fh))
    rows = [r for run in runs for r in run["rows"]]
    if len({r["id"] for r in rows}) < len(rows):
        raise SystemExit("--merge: a record is in two of the files: not shards of one run")
    for key in META:
        if len({json.dumps(run[key]) for run in runs}) > 1:
            raise SystemExit(f"--merge: the files differ in {key}: not shards of one run")
    return {**{key: runs[0][key] for key in META}, "seconds": sum(run["seconds"] for run in runs)}, rows


if __name__ == "__main__":
    sys.exit(main())
