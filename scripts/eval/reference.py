#!/usr/bin/env python3
"""Restoring against the source, on the real pages: ``restore fix --reference`` scored by the shared scorer.

    python3 scripts/eval/reference.py [--real DIR] [--corpus DIR] [--models-dir DIR] [--no-model]
                                      [--json] [--out-dir DIR] [--scorer PATH]

1. Index A: the whole shared corpus (``../shared/data/corpus/*.jsonl.gz``) plus the 20 originals of
   ``pairs.jsonl`` (ids ``orig:<pair id>``). Each pair's spun page is matched: its top match must be
   its original (or an original with the same text: several pairs share one).
2. ``restore fix --reference A`` (the default pipeline otherwise) on every spun page, scored per
   channel (spinner, mt, llm, mt+llm, all): error reduction, edit P/R/F0.5, damage, and the edits of
   source ``reference`` applied and reported. Clean news through the same run: pages changed.
3. Index B: the corpus alone (the originals left out): reference edits on every pair and on the
   clean news (must be 0), and pages called copies.
4. Leave one out: for each pair, an index of the *other* pairs' originals (those with another
   text), so that the nearest document is an article on a similar or the same story (three NBA
   finals stories, two of them the same AFP story in different write-throughs; bank earnings):
   pages called copies and reference edits applied.

Tables to stdout (``--json``: one object), progress to stderr. Exit 2 when the data is missing.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from restore_dev import shared_scorer

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
CHANNELS = {"spinner": ("spinner",), "mt": ("mt",), "llm": ("llm",), "mt+llm": ("mt", "llm"),
            "all": ("spinner", "mt", "llm")}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def corpus_docs(corpus: Path):
    for f in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                r = json.loads(line)
                yield str(r.get("id") or f"{f.name}:{i + 1}"), r["text"]


def build(path: Path, docs) -> tuple[object, float]:
    from restore.reference import ReferenceIndex

    t = time.perf_counter()
    idx = ReferenceIndex.create(path)
    idx.add(docs)
    return idx, time.perf_counter() - t


def run(texts: list[str], cfg) -> list:
    from restore.pipeline import restore_batch

    return restore_batch(texts, cfg)


def ref_edits(res) -> tuple[int, int]:
    applied = sum(1 for e in res.edits if e.source == "reference" and e.applied)
    return applied, sum(1 for e in res.edits if e.source == "reference") - applied


def evaluate(args) -> dict:
    from restore.config import Config
    from restore.reference import ReferenceIndex, find_source

    real, corpus = Path(args.real), Path(args.corpus)
    if not (real / "pairs.jsonl").is_file() or not corpus.is_dir():
        raise SystemExit(2)
    sc = shared_scorer.module(args.scorer)
    pairs = [json.loads(x) for x in (real / "pairs.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    clean = [json.loads(x) for x in (real / "clean_news.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    work = Path(tempfile.mkdtemp(prefix="restore-ref-eval-"))
    out_dir = Path(args.out_dir) if args.out_dir else work
    out_dir.mkdir(parents=True, exist_ok=True)
    base = dict(use_model=not args.no_model, models_dir=args.models_dir)
    res: dict = {"date": datetime.date.today().isoformat(), "machine": platform.processor() or platform.machine()}

    # 1. index A and matching
    log("building index A (corpus + originals) ...")
    idx_a, secs = build(work / "a.idx", [*corpus_docs(corpus), *((f"orig:{p['id']}", p["original"]) for p in pairs)])
    res["index_a"] = {"documents": len(idx_a), "words": idx_a.words, "seconds": round(secs, 2),
                      "mb": round(idx_a.size_bytes() / 1e6, 2)}
    top = []
    for p in pairs:
        f = find_source(p["spun"], idx_a)
        best = f.best.id if f.sure else None  # type: ignore[union-attr]
        text = idx_a.get(best) if best else None
        top.append({"id": p["id"], "channel": p["channel"], "best": best, "right": text == p["original"],
                    "score": f.best.score if f.best else None, "coverage": f.best.coverage if f.best else None})
    res["matching"] = top

    # 2. restoration with the originals in the index
    log("restoring the pairs and the clean news against index A ...")
    cfg_a = Config(reference=str(work / "a.idx"), **base)
    got = run([p["spun"] for p in pairs], cfg_a)
    got_clean = run([c["text"] for c in clean], cfg_a)
    with open(out_dir / "fix_pairs_reference.jsonl", "w", encoding="utf-8") as fh:
        for p, r in zip(pairs, got):
            fh.write(json.dumps({"id": p["id"], "restored": r.text, "reference": r.reference,
                                 "edits": [e.to_dict() for e in r.edits]}) + "\n")
    system = {p["id"]: {"id": p["id"], "restored": r.text, "edits": [e.to_dict() for e in r.edits]}
              for p, r in zip(pairs, got)}
    gold = {p["id"]: {"id": p["id"], "spun": p["spun"], "original": p["original"], "channel": p["channel"]}
            for p in pairs}
    rows = {}
    for name, chans in CHANNELS.items():
        g = {k: v for k, v in gold.items() if v["channel"] in chans}
        fig = sc.score_restore(g, system)
        picked = [r for p, r in zip(pairs, got) if p["channel"] in chans]
        fig["reference_applied"] = sum(ref_edits(r)[0] for r in picked)
        fig["reference_reported"] = sum(ref_edits(r)[1] for r in picked)
        fig["pages"] = len(g)
        rows[name] = fig
    res["restoration"] = rows
    res["clean_with_a"] = {"pages": len(clean), "changed": sum(r.changed for r in got_clean),
                           "reference_edits": sum(sum(ref_edits(r)) for r in got_clean),
                           "copies": sum(r.reference is not None for r in got_clean)}

    # 3. the originals left out
    log("index B (corpus alone) ...")
    idx_b, _ = build(work / "b.idx", corpus_docs(corpus))
    cfg_b = Config(reference=str(work / "b.idx"), **base)
    got_b = run([p["spun"] for p in pairs] + [c["text"] for c in clean], cfg_b)
    res["originals_out"] = {"pairs": len(pairs), "clean": len(clean),
                            "reference_edits_pairs": sum(sum(ref_edits(r)) for r in got_b[:len(pairs)]),
                            "reference_edits_clean": sum(sum(ref_edits(r)) for r in got_b[len(pairs):]),
                            "copies": sum(r.reference is not None for r in got_b)}

    # 4. leave one out: the nearest documents are the other pairs' originals
    log("leave one out ...")
    loo = []
    for k, p in enumerate(pairs):
        path = work / f"loo-{k}.idx"
        idx = ReferenceIndex.create(path)
        idx.add((f"orig:{q['id']}", q["original"]) for q in pairs if q["original"] != p["original"])
        f = find_source(p["spun"], idx)
        applied = sum(1 for e in (f.alignment.edits if f.sure and f.alignment else ()) if e.applied)
        loo.append({"id": p["id"], "copy_of": f.best.id if f.sure else None,  # type: ignore[union-attr]
                    "score": f.best.score if f.best else None, "reference_applied": applied})
        idx.close()
    res["leave_one_out"] = loo
    idx_a.close()
    idx_b.close()
    return res


def f3(v) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def render(res: dict) -> str:
    out = [f"restore fix --reference on ../shared/data/real ({res['date']}, {res['machine']})", ""]
    a = res["index_a"]
    out.append(f"Index A: shared corpus + 20 originals: {a['documents']} documents, {a['words']:,} words, "
               f"{a['mb']} MB, built in {a['seconds']} s")
    m = res["matching"]
    out.append(f"Top match is the page's original: {sum(r['right'] for r in m)} of {len(m)}")
    for r in m:
        if not r["right"]:
            out.append(f"  {r['id']}: best {r['best']} (score {f3(r['score'])}, coverage {f3(r['coverage'])})")
    out += ["", "| channel | pages | wer in | wer out | error reduction | edit P | edit R | F0.5 | damage/1k "
                "| reference edits applied | reported |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, f in res["restoration"].items():
        out.append(f"| {name} | {f['pages']} | {f3(f['wer_in'])} | {f3(f['wer_out'])} | {f3(f['error_reduction'])} | "
                   f"{f3(f['edit_p'])} | {f3(f['edit_r'])} | {f3(f['edit_f05'])} | {f3(f['damage_per_1k'])} | "
                   f"{f['reference_applied']} | {f['reference_reported']} |")
    c = res["clean_with_a"]
    out.append(f"\nClean news against index A: {c['changed']} of {c['pages']} pages changed, "
               f"{c['reference_edits']} reference edits, {c['copies']} called copies")
    b = res["originals_out"]
    out.append(f"Originals left out (index B, corpus alone): reference edits {b['reference_edits_pairs']} on "
               f"{b['pairs']} pairs, {b['reference_edits_clean']} on {b['clean']} clean pages; "
               f"{b['copies']} pages called copies")
    loo = res["leave_one_out"]
    called = [r for r in loo if r["copy_of"]]
    out.append(f"Leave one out (index of the other pairs' originals): {len(called)} of {len(loo)} pages called "
               f"copies, {sum(r['reference_applied'] for r in loo)} reference edits applied")
    for r in called:
        out.append(f"  {r['id']}: copy of {r['copy_of']} (score {f3(r['score'])}), "
                   f"{r['reference_applied']} edits applied")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default=str(SHARED / "real"))
    ap.add_argument("--corpus", default=str(SHARED / "corpus"))
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--no-model", action="store_true", help="the dictionary and detector only for what the "
                                                             "source does not cover")
    ap.add_argument("--out-dir", default=None, help="keep the restored records here")
    ap.add_argument("--json", action="store_true")
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)
    if not (Path(args.real) / "pairs.jsonl").is_file() or not Path(args.corpus).is_dir():
        log(f"restore: the real pages or the corpus are missing ({args.real}, {args.corpus}): "
            "this needs ../shared beside the checkout")
        return 2
    t = time.perf_counter()
    res = evaluate(args)
    res["seconds"] = round(time.perf_counter() - t, 1)
    print(json.dumps(res, indent=1) if args.json else render(res), end="" if not args.json else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
