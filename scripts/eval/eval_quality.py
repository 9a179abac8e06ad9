#!/usr/bin/env python3
"""Restore a gold set with quality=fast or best and score it with the shared scorer.

    python3 scripts/eval/eval_quality.py --gold data/eval/dev_mixture.jsonl --out runs/quality/NAME.jsonl \
        [--quality fast|best] [--max-spans N] [--max-candidates K] [--margin M] [--limit N] [--offset N]
        [--sample N --seed S] [--set lm_prior_weight=0.3 ...] [--text FILE]

Writes ``{id, restored}`` per document to ``--out`` (plus ``NAME.edits.jsonl`` with the edits and
``NAME.score.json`` with the scorer's figures, seconds and words), runs
``../shared/eval/score.py restore GOLD OUT --json`` (restore_dev.shared_scorer) on the documents restored, and prints
the figures and the seconds per 1,000 words. ``--text FILE``: restore one plain-text file instead
(e.g. a clean article that must stay unchanged) and say whether it changed.
Progress goes to stderr, one line per document. ``--tune TRACE``: restore_dev.quality_tuning's grid search.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from restore.metrics import read_jsonl  # names the file and line of a bad record
from restore_dev import shared_scorer
from restore_dev.quality_tuning import tune


class Settings:
    """Config plus the lm_* settings (until Config carries them as fields)."""

    def __init__(self, cfg, extra: dict):
        self._cfg, self._extra = cfg, extra

    def __getattr__(self, name):
        if name in self._extra:
            return self._extra[name]
        return getattr(self._cfg, name)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold")
    ap.add_argument("--text", help="a plain-text file to restore instead of a gold set")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quality", choices=("fast", "best"), default="best")
    ap.add_argument("--max-spans", type=int)
    ap.add_argument("--max-candidates", type=int)
    ap.add_argument("--margin", type=float)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="another lm_* setting")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--sample", type=int, help="a random sample of N documents (after --offset)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models-dir")
    ap.add_argument("--no-detector", action="store_true", help="run without the span detector")
    ap.add_argument("--exclude-tortured-phrases", action="store_true",
                    help="drop the gold set's tortured phrases from the dictionary (the model must generalise)")
    ap.add_argument("--trace", help="also write every unit's LM scores here (JSONL, for --tune)")
    ap.add_argument("--tune", help="grid-search the decision settings on a --trace file against --gold")
    shared_scorer.add_argument(ap)
    a = ap.parse_args(argv)
    if not a.gold and not a.text:
        ap.error("--gold or --text")
    if a.tune:
        return tune(a.tune, a.gold, a.out)

    from restore import Config, restore_and_explain, signature_of
    from restore.text.tokenize import count_words

    extra: dict = {}
    if a.max_spans is not None:
        extra["lm_max_spans"] = a.max_spans
    if a.max_candidates is not None:
        extra["lm_max_candidates"] = a.max_candidates
    if a.margin is not None:
        extra["lm_margin"] = a.margin
    for kv in a.set:
        k, _, v = kv.partition("=")
        extra[k if k.startswith("lm_") else "lm_" + k] = float(v)
    base = Config(quality="fast", models_dir=a.models_dir, use_detector=not a.no_detector)
    if a.text:
        docs = [{"id": Path(a.text).name, "spun": Path(a.text).read_text(encoding="utf-8")}]
        docs[0]["original"] = docs[0]["spun"]
    else:
        docs = list(read_jsonl(a.gold))[a.offset:]
        if a.sample:
            docs = random.Random(a.seed).sample(docs, min(a.sample, len(docs)))
        if a.limit:
            docs = docs[: a.limit]

    if a.exclude_tortured_phrases:
        from restore_dev.dictionary_variants import exclude_tortured_phrases

        exclude_tortured_phrases(docs)
    stats: dict = {}
    scorer = None
    if a.quality == "best":
        from restore.fix import rerank as quality
        from restore.fix.lm import load_scorer

        t = time.time()
        scorer = load_scorer()
        print(f"LM loaded in {time.time() - t:.1f} s ({scorer.dir})", file=sys.stderr)

    restore_and_explain("Warm up: load the detector and the dictionaries before the clock starts.", base)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    edits_path = out.with_suffix(".edits.jsonl")
    words = 0
    t0 = time.time()
    ft = open(a.trace, "w", encoding="utf-8") if a.trace else None
    fast_path = out.with_suffix(".fast.jsonl")
    ffast = open(fast_path, "w", encoding="utf-8") if a.quality == "best" else None
    with open(out, "w", encoding="utf-8") as fo, open(edits_path, "w", encoding="utf-8") as fe:
        for i, d in enumerate(docs):
            text = d["spun"]
            words += count_words(text)
            td = time.time()
            r = restore_and_explain(text, base)
            edits = list(r.edits)
            if ffast:  # the same run's fast-stage output, so that fast and best compare like for like
                ffast.write(json.dumps({"id": d["id"], "restored": r.text}, ensure_ascii=False) + "\n")
            if a.quality == "best":
                tr: list | None = [] if ft else None
                fast_edits = [e.to_dict() for e in edits]
                edits = quality.rerank_edits(text, list(r.spans), edits, Settings(base, extra), scorer, stats=stats,
                                             trace=tr)
                if ft:
                    ft.write(json.dumps({"id": d["id"], "fast": fast_edits, "units": tr}, ensure_ascii=False) + "\n")
                    ft.flush()
            from restore.edits.apply import apply_edits as _apply

            restored = _apply(text, edits)
            fo.write(json.dumps({"id": d["id"], "restored": restored}, ensure_ascii=False) + "\n")
            fe.write(json.dumps({"id": d["id"], "edits": [e.to_dict() for e in edits]}, ensure_ascii=False) + "\n")
            print(f"[{i + 1}/{len(docs)}] {d['id']}: {count_words(text)} words, "
                  f"{sum(e.applied for e in edits)} edits, {time.time() - td:.1f} s", file=sys.stderr, flush=True)
    if ft:
        ft.close()
    if ffast:
        ffast.close()
    secs = time.time() - t0
    per_k = 1000.0 * secs / max(1, words)
    res: dict = {"docs": len(docs), "words": words, "seconds": round(secs, 1),
                 "seconds_per_1k_words": round(per_k, 2), "quality": a.quality, "detector": not a.no_detector, "settings": extra,
                 "signature": signature_of(Settings(dataclasses.replace(base, quality=a.quality), extra)),  # as run
                 "lm_stats": stats}
    if a.text:
        res["changed"] = restored != docs[0]["spun"]
        res["applied_edits"] = sum(e.applied for e in edits)
    elif shared_scorer.available(a.scorer):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as g:
            for d in docs:
                g.write(json.dumps(d, ensure_ascii=False) + "\n")
            gold_sub = g.name
        try:
            res["score"] = shared_scorer.score("restore", gold_sub, out, a.scorer)
            if ffast:
                res["score_fast_same_run"] = shared_scorer.score("restore", gold_sub, fast_path, a.scorer)
        finally:
            os.unlink(gold_sub)
    out.with_suffix(".score.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=1))
    print(f"{per_k:.2f} s per 1,000 words ({words} words, {secs:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
