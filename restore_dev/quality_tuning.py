"""Offline tuning of the --quality best decision rule (scripts/eval/eval_quality.py --tune): a grid
search over the rule's settings on traced LM scores (``--trace``), each unit decided on its own in
the spun context, counting right changes (the gold original chosen) and wrong ones. ``choose``
replays restore.fix.rerank's rule (``option_scores``) on one traced unit.
"""
from __future__ import annotations

import json
import math
import sys

from restore.fix.rerank import option_scores  # the stage's own scoring rule
from restore.metrics import read_jsonl  # names the file and line of a bad record


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


def choose(u: dict, cfg: dict) -> tuple[int, float]:
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


def choose_text(u: dict, cfg: dict, i: int) -> str:
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
                i, _m = choose(u, cfg)
                if i:
                    picks.append((u, _m, choose_text(u, cfg, i)))
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
