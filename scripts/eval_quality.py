#!/usr/bin/env python3
"""Restore a gold set with quality=fast or best and score it with the shared scorer.

    python3 scripts/eval_quality.py --gold data/eval/dev_mixture.jsonl --out runs/quality/NAME.jsonl \
        [--quality fast|best] [--max-spans N] [--max-candidates K] [--margin M] [--limit N] [--offset N]
        [--sample N --seed S] [--set lm_prior_weight=0.3 ...] [--text FILE]

Writes ``{id, restored}`` per document to ``--out`` (plus ``NAME.edits.jsonl`` with the edits and
``NAME.score.json`` with the scorer's figures, seconds and words), runs
``../shared/eval/score.py restore GOLD OUT --json`` (scripts/shared_scorer.py) on the documents restored, and prints
the figures and the seconds per 1,000 words. ``--text FILE``: restore one plain-text file instead
(e.g. a clean article that must stay unchanged) and say whether it changed.
Progress goes to stderr, one line per document.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shared_scorer  # noqa: E402  (scripts/shared_scorer.py)
from restore.metrics import read_jsonl  # noqa: E402  (names the file and line of a bad record)
from restore.fix.rerank import option_scores  # noqa: E402  (the stage's own scoring rule)


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
        from eval_restore import exclude_tortured_phrases

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


# ---------------------------------------------------------------- offline tuning of the decision
def gold_edits(g: dict) -> list[tuple[int, int, str]]:
    """(spun start, spun end, original wording) of every gold edit (aligned when the record has none)."""
    if g.get("edits"):
        return [(ss, se, g["original"][os_:oe]) for ss, se, os_, oe in g["edits"]]
    if g["spun"] == g["original"]:
        return []
    from restore.edits.diff import edits_from_diff

    return [(e.start, e.end, e.replacement) for e in edits_from_diff(g["spun"], g["original"])]


def _gold_option(unit: dict, spun: str, gedits) -> str | None:
    """The original wording of the unit's stretch, or None when a gold edit crosses its edges."""
    a, b = unit["start"], unit["end"]
    pieces, pos = [], a
    for ss, se, orig in sorted(gedits):
        if se <= a or ss >= b:
            continue
        if ss < a or se > b:
            return None
        pieces.append(spun[pos:ss])
        pieces.append(orig)
        pos = se
    pieces.append(spun[pos:b])
    return "".join(pieces)


def _choose(u: dict, cfg: dict) -> tuple[int, float]:
    """The option the decision rule picks (0 = the spun wording) and its margin, from a trace."""
    lp = u["lp"]
    if cfg.get("k") is not None:  # --max-candidates: the fast proposal and the top k others
        keep = [0] + [i for i in range(1, len(lp)) if u["fast"][i]] + \
            [i for i in range(1, len(lp)) if not u["fast"][i]][: cfg["k"]]
        u = {**u, **{f: [u[f][i] for i in keep] for f in ("lp", "n", "weight", "fast", "tok_lp", "options")
                     if u.get(f) is not None}}
        lp = u["lp"]
    if cfg.get("right") is not None and u.get("tok_lp"):
        keep = [u["n"][i] + cfg["right"] for i in range(len(lp))]
        lp = [sum(t[:k]) for t, k in zip(u["tok_lp"], keep)]
    if cfg["norm"] != "tok":  # the other normalisations were tried and dropped (see the grid below)
        raise ValueError(f"norm {cfg['norm']!r}: only 'tok' is the stage's rule")
    best_i, best, scores = option_scores(lp, u["n"], u["weight"], u["fast"], u["fast_conf"], cfg["prior"], cfg["fast"])
    fast = u["fast"]
    if best < cfg["margin"] or not best_i:
        return 0, best
    runner = max((v for i, v in enumerate(scores) if i and i != best_i), default=None)
    if runner is not None and best - runner < cfg.get("sep", 0.0):
        return 0, best  # two candidates nearly tie: reported, not applied
    if fast[best_i] and u.get("fast_applied") is False and not cfg.get("promote", 1):
        return 0, best  # a fast edit the fast stage held back stays held back
    return best_i, best


def _choose_text(u: dict, cfg: dict, i: int) -> str:
    keep = [0] + [j for j in range(1, len(u["lp"])) if u["fast"][j]] + \
        [j for j in range(1, len(u["lp"])) if not u["fast"][j]][: cfg["k"]]
    return u["options"][keep[i]]


def _surprise_of(p: float) -> float:
    return -10.0 * math.log(max(1e-9, 1.0 - 2.0 * p))


def tune(trace_path: str, gold_path: str, out: str) -> int:
    """Grid-search the decision rule on traced LM scores (each unit decided on its own, in the
    spun context): counts of right changes (the gold original chosen) and wrong ones."""
    import itertools

    gold = {d["id"]: d for d in read_jsonl(gold_path)}
    docs = []
    for path in trace_path.split(","):
        for rec in read_jsonl(path):
            g = gold.get(rec["id"])
            if g is None:
                continue
            gedits = gold_edits(g)
            for u in rec["units"]:
                u["want"] = _gold_option(u, g["spun"], gedits)
                u["spun"] = u["options"][0]
                u["sur"] = _surprise_of(u["priority"]) if u["kind"] == "surprise" else None
            docs.append((rec["units"], sum(1 for _ in gedits)))
    units = [u for us, _ in docs for u in us]
    n_gold = sum(n for _, n in docs)
    n_spun = sum(1 for u in units if u["want"] is not None and u["want"] != u["spun"])
    reach = sum(1 for u in units if u["want"] is not None and u["want"] != u["spun"] and u["want"] in u["options"])
    print(f"{len(docs)} docs, {n_gold} gold edits, {len(units)} units, {n_spun} of them spun, "
          f"the original among the options for {reach}", file=sys.stderr)
    rows = []
    grid = itertools.product(("tok",), (1.0, 1.5, 2.0, 3.0), (1.0,), (2.0, 3.0, 4.0, 5.0, 6.0),
                             (None,), (10.0,), (20, 40), (1,), (0.1,), (4, 10), (0.0, 1.0, 2.0, 3.0), (0, 1))
    for norm, prior, fast, margin, right, min_sur, max_spans, gate_n, gate_rate, k, sep, promote in grid:
        cfg = {"norm": norm, "prior": prior, "fast": fast, "margin": margin, "right": right,
               "min_sur": min_sur, "max_spans": max_spans, "gate_n": gate_n, "gate_rate": gate_rate, "k": k,
               "sep": sep, "promote": promote}
        good = bad = bad_clean = changed = scored = docs_changed_clean = 0
        for us, n_g in docs:
            cand = [u for u in us if u["sur"] is None or u["sur"] >= min_sur]
            cand = sorted(cand, key=lambda u: -u["priority"])[:max_spans]
            picks = []
            for u in cand:
                scored += min(len(u["options"]), 1 + cfg["k"])
                i, _m = _choose(u, cfg)
                if i:
                    picks.append((u, _m, _choose_text(u, cfg, i)))
            if len(picks) < gate_n or len(picks) < gate_rate * len(cand):
                picks = []  # the document does not look spun: report only
            if n_g == 0 and picks:
                docs_changed_clean += 1
            for u, _m, txt in picks:
                changed += 1
                if u["want"] is not None and txt == u["want"]:
                    good += 1
                else:
                    bad += 1
                    bad_clean += u["want"] == u["spun"]
        p = good / changed if changed else 0.0
        r = good / n_gold if n_gold else 0.0
        f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        rows.append({**cfg, "rows": scored, "changed": changed, "good": good, "bad": bad,
                     "bad_clean": bad_clean, "clean_docs_changed": docs_changed_clean,
                     "p": round(p, 3), "r": round(r, 3), "f05": round(f05, 3), "net": good - bad})
    rows.sort(key=lambda x: -x["f05"])
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    for r in rows[:12]:
        print(r)
    print("best net:", max(rows, key=lambda x: (x["net"], -x["rows"])))
    for floor in (0.85, 0.9):
        ok = [r for r in rows if r["p"] >= floor]
        if ok:
            print(f"most right changes at precision >= {floor}:", max(ok, key=lambda x: (x["good"], -x["rows"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
