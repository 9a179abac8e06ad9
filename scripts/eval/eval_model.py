#!/usr/bin/env python3
"""Evaluate the seq2seq restorer alone, on GOLD spans (the model is told where the spun spans are).

    python3 scripts/eval/eval_model.py --gold data/eval/dev_mixture.jsonl
    python3 scripts/eval/eval_model.py --gold ../shared/data/tortured/tortured_in_context_dev.jsonl.gz
    python3 scripts/eval/eval_model.py --gold data/eval/dev_mixture.jsonl --neg 2   # + untouched spans

Gold: the scorer's format {id, spun, original, edits: [[spun_start, spun_end, orig_start, orig_end], ...]}
or the tortured-phrase format {id, spun, original, phrase, expected} (the span is the phrase).

Prints: exact match of the best candidate against the original wording (case-insensitive), oracle
top-4 (original among the beam), precision / recall of *applied* edits at the default thresholds,
on --neg untouched spans per document the share the model would change (applied), and speed.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
import unicodedata

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'")
    return re.sub(r"\s+", " ", re.sub(r"\s*([-'/])\s*", r"\1", s)).strip()


def load(path: str) -> list[dict]:
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as fh:
        return [json.loads(l) for l in fh if l.strip()]


def gold_spans(d: dict) -> list[tuple[int, int, str]]:
    """(start, end, original wording) in the spun text."""
    if "edits" in d:
        return [(a, b, d["original"][c:e]) for a, b, c, e in d["edits"]]
    if "phrase" in d:
        i = d["spun"].find(d["phrase"])
        return [(i, i + len(d["phrase"]), d["expected"])] if i >= 0 else []
    return []


def neg_spans(text: str, busy, k: int, rng: random.Random):
    from restore.text.protect import protected_ranges
    from restore.text.tokenize import tokenize

    busy = list(busy) + protected_ranges(text)
    words = [t for t in tokenize(text) if t.is_word]
    out, tries = [], 0
    while len(out) < k and words and tries < 50:
        tries += 1
        n = rng.choice((1, 1, 2))
        ws = words[(i := rng.randrange(len(words))):i + n]
        a, b = ws[0].start, ws[-1].end
        if any(x < b and a < y for x, y in busy) or any(text[ws[j].end:ws[j + 1].start] != " "
                                                        for j in range(len(ws) - 1)):
            continue
        out.append((a, b))
        busy.append((a, b))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--limit", type=int, default=0, help="first N documents only")
    ap.add_argument("--neg", type=int, default=0, help="untouched spans per document to test keeping")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--threshold", type=float, default=None, help="applied-edit threshold (default: Config)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print N examples")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from restore.config import Config
    from restore.fix.restorer import load_restorer
    from restore.text.tokenize import count_words
    from restore.types import Span

    cfg = Config(models_dir=args.models_dir)
    need = max(cfg.threshold, cfg.model_threshold) if args.threshold is None else args.threshold
    res = load_restorer(args.models_dir)
    if res is None:
        print(f"no restorer under {args.models_dir or 'restore/models/'}", file=sys.stderr)
        return 2
    docs = load(args.gold)
    if args.limit:
        docs = docs[:args.limit]
    rng = random.Random(0)
    n_gold = em = oracle = applied = applied_right = reported = reported_right = 0
    n_neg = neg_applied = neg_reported = 0
    words = 0
    t_model = 0.0
    shown = 0
    for d in docs:
        spun = d["spun"]
        gs = [g for g in gold_spans(d) if g[0] < g[1]]
        negs = neg_spans(spun, [(a, b) for a, b, _ in gs], args.neg, rng) if args.neg else []
        spans = [Span(a, b, spun[a:b], 1.0) for a, b, _ in gs] + [Span(a, b, spun[a:b], 1.0) for a, b in negs]
        if not spans:
            continue
        words += count_words(spun)
        t0 = time.time()
        # one pass gives both the raw best candidate and the edits the pipeline would get
        edits, details = res.propose_with_details(spun, spans, cfg)
        t_model += time.time() - t0
        rs = [r for _, r in details]
        if len(rs) != len(spans):  # a blank span was skipped: keep the alignment
            got = {(s.start, s.end): r for s, r in details}
            rs = [got.get((s.start, s.end), {"best_text": s.text, "candidates": [], "beam": []}) for s in spans]
        by_start = {(e.start, e.end): e for e in edits}
        for (a, b, orig), r in zip(gs, rs[:len(gs)]):
            n_gold += 1
            hit = norm(r["best_text"]) == norm(orig)
            em += hit
            oracle += any(norm(c) == norm(orig) for c in r["candidates"])
            e = by_start.get((a, b))
            if e is not None:
                ok = norm(e.replacement) == norm(orig)
                reported += 1
                reported_right += ok
                if e.confidence >= need:
                    applied += 1
                    applied_right += ok
            if args.show and shown < args.show:
                shown += 1
                print(f"{'OK ' if hit else 'NO '} {spun[a:b]!r} -> {r['best_text']!r} (gold {orig!r}) "
                      f"conf={e.confidence if e else 0:.2f} beam={r['beam']}")
        for (a, b) in negs:
            n_neg += 1
            e = by_start.get((a, b))
            if e is not None:
                neg_reported += 1
                neg_applied += e.confidence >= need
    out = {
        "gold": args.gold, "docs": len(docs), "gold_spans": n_gold, "signature": res.signature,
        "exact_match": round(em / max(1, n_gold), 4), "oracle_top4": round(oracle / max(1, n_gold), 4),
        "threshold": need,
        "applied": applied, "applied_precision": round(applied_right / max(1, applied), 4),
        "applied_recall": round(applied_right / max(1, n_gold), 4),
        "reported": reported, "reported_precision": round(reported_right / max(1, reported), 4),
        "neg_spans": n_neg, "neg_changed_applied": round(neg_applied / max(1, n_neg), 4),
        "neg_changed_reported": round(neg_reported / max(1, n_neg), 4),
        "spans_per_s": round((n_gold + n_neg) / max(1e-9, t_model) , 2),
        "words_per_s": round(words / max(1e-9, t_model), 1), "model_seconds": round(t_model, 1),
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:22s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
