#!/usr/bin/env python3
"""The triage stage (restore.detect.triage): what it clears, what it loses, what it saves.

    python3 scripts/eval/bench_triage.py [--sets 'data/eval/test_*.jsonl'] [--real DIR]
                                         [--clean 2000] [--spun-share 0.02] [--mode fix|detect] [--json]

1. Recall. For every set (the synthetic test sets, the real pairs, spun pages and clean news): the
   documents the detector calls spun with the triage off (spun_score at its gate), how many of
   them the triage would clear (lost: the issue allows 1 in 500), and how many clean documents it
   clears. The triage stage alone is timed (words/s, one core).
2. Speed. A clean-dominated corpus: ``--clean`` clean documents (the test split, then the dev
   split) and ``--spun-share`` of that many spun ones (the first spun documents of
   ``data/eval/test_mixture.jsonl``), shuffled (seed 7): ``restore fix`` (or ``detect``) through the CLI's windows with the
   triage on and off, one thread; words/s of each, their ratio, and the spun documents each calls
   spun (spun_score at the gate). Both runs load the models before the clock starts. Then the
   spun documents alone (triage off): the time a perfect triage would leave, which bounds the ratio.
3. Bounds (``--bounds``): the same corpus with two stand-ins for the triage, each free: one that
   clears every text (what the dictionary pass and the spun documents' own work cost when no model
   reads a clean text), and an *oracle* that passes exactly the texts the detector calls spun with
   the triage off (the best any triage could do without losing one). Their ratios bound what a
   better triage model could give on this corpus.

Tables to stdout (``--json``: one object), progress to stderr.
"""
from __future__ import annotations

import argparse
import datetime
import glob
import json
import random
import sys
import time
from pathlib import Path

from restore_dev.machine import machine_info
from restore_dev.triage import triage_as

ROOT = Path(__file__).resolve().parents[2]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rows_of(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def recall(args, cfg_off, tri) -> dict:
    from restore.pipeline import detect_batch, doc_threshold_of

    gate = doc_threshold_of(cfg_off)
    sets: list[tuple[str, list[str], list[bool]]] = []
    for p in sorted(glob.glob(args.sets)):
        rows = rows_of(Path(p))
        sets.append((Path(p).stem, [r["spun"] for r in rows], [r["spun"] != r["original"] for r in rows]))
    real = Path(args.real)
    if (real / "pairs.jsonl").is_file():
        pairs = rows_of(real / "pairs.jsonl")
        sets.append(("real_pairs", [r["spun"] for r in pairs], [True] * len(pairs)))
        pages = rows_of(real / "spun_pages.jsonl")
        sets.append(("real_spun_pages", [r["text"] for r in pages], [True] * len(pages)))
        news = rows_of(real / "clean_news.jsonl")
        sets.append(("real_clean_news", [r["text"] for r in news], [False] * len(news)))
    out = {}
    t_words = t_secs = 0.0
    for name, texts, spun in sets:
        log(f"recall: {name} ...")
        called = [d.spun_score >= gate for d in detect_batch(texts, cfg_off)]
        t = time.perf_counter()
        suspect = [tri.suspect(x) for x in texts]
        t_secs += time.perf_counter() - t
        t_words += sum(len(x.split()) for x in texts)
        out[name] = {"documents": len(texts), "spun": sum(spun), "called": sum(called),
                     "called_cleared": sum(c and not s for c, s in zip(called, suspect)),
                     "clean": sum(not x for x in spun), "clean_cleared": sum(not x and not s for x, s in zip(spun, suspect)),
                     "cleared": sum(not s for s in suspect)}
    tot = {k: sum(v[k] for v in out.values()) for k in ("documents", "called", "called_cleared", "clean", "clean_cleared")}
    return {"gate": gate, "sets": out, "total": tot, "triage_words_per_s": round(t_words / t_secs) if t_secs else None}


def corpus(args) -> list[tuple[str, str, bool]]:

    clean = rows_of(ROOT / "data" / "splits" / "test.jsonl") + rows_of(ROOT / "data" / "splits" / "dev.jsonl")
    clean = clean[:args.clean]
    n_spun = round(args.clean * args.spun_share)
    spun_rows = rows_of(ROOT / "data" / "eval" / "test_mixture.jsonl")
    spun_rows = [r for r in spun_rows if r["spun"] != r["original"]][:n_spun]
    docs = [(str(r["id"]), r["text"], False) for r in clean] + [(f"spun:{r['id']}", r["spun"], True) for r in spun_rows]
    random.Random(7).shuffle(docs)
    return docs


def speed(args, docs, cfg) -> dict:
    from restore.batch import batched
    from restore.io.read import Document
    from restore.pipeline import detect_batch, doc_threshold_of, restore_batch

    fn = restore_batch if args.mode == "fix" else detect_batch
    fn(["Warm-up: the models load before the clock starts, as the stronger word is said."], cfg.replace(triage=False))
    items = [Document(id=i, text=t, path="bench") for i, t, _ in docs]
    t = time.perf_counter()
    results = [r for _, r in batched(items, cfg, fn)]
    secs = time.perf_counter() - t
    gate = doc_threshold_of(cfg)
    words = sum(len(t.split()) for _, t, _ in docs)
    spun_called = [i for (i, _, s), r in zip(docs, results) if s and r.spun_score >= gate]
    return {"seconds": round(secs, 1), "words": words, "words_per_s": round(words / secs),
            "spun": sum(s for _, _, s in docs), "spun_called": len(spun_called),
            "cleared": sum(1 for r in results if getattr(r, "cleared", False)), "called_ids": spun_called}


def bounds(args, docs, tri, off: dict) -> dict:
    from restore.config import Config
    from restore.pipeline import detect_batch, doc_threshold_of

    cfg_off = Config(triage=False)
    gate = doc_threshold_of(cfg_off)
    log("bounds: the detector's own answer on every text ...")
    called = {t for (_, t, _), d in zip(docs, detect_batch([t for _, t, _ in docs], cfg_off)) if d.spun_score >= gate}
    out = {"detector_called": len(called)}
    for name, suspect in (("clear_all", lambda text: False), ("oracle", lambda text: text in called)):
        log(f"bounds: {name} ...")
        with triage_as(tri, suspect):
            r = speed(args, docs, Config())
        out[name] = {"seconds": r["seconds"], "words_per_s": r["words_per_s"], "spun_called": r["spun_called"],
                     "ratio": round(off["seconds"] / r["seconds"], 2) if r["seconds"] else None}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=str(ROOT / "data" / "eval" / "test_*.jsonl"))
    ap.add_argument("--real", default=str(ROOT.parent / "shared" / "data" / "real"))
    ap.add_argument("--clean", type=int, default=2000)
    ap.add_argument("--spun-share", type=float, default=0.02)
    ap.add_argument("--mode", choices=("fix", "detect"), default="fix")
    ap.add_argument("--skip-recall", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--bounds", action="store_true", help="also time a triage that clears every text and an oracle")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from restore.config import Config
    from restore.detect.triage import load_triage

    tri = load_triage()
    if tri is None:
        log("no triage model (restore/data/triage.json.gz)")
        return 2
    res: dict = {"date": datetime.date.today().isoformat(), "machine": machine_info(), "triage": tri.signature,
                 "threshold": tri.threshold}
    if not args.skip_recall:
        res["recall"] = recall(args, Config(triage=False), tri)
    if not args.skip_speed:
        docs = corpus(args)
        log(f"speed: {len(docs)} documents, triage on ...")
        on = speed(args, docs, Config())
        log("speed: triage off ...")
        off = speed(args, docs, Config(triage=False))
        log("speed: the spun documents alone, triage off (a perfect triage's time) ...")
        alone = speed(args, [d for d in docs if d[2]], Config(triage=False))
        res["speed"] = {"mode": args.mode, "documents": len(docs), "on": on, "off": off,
                        "ratio": round(on["words_per_s"] / off["words_per_s"], 2),
                        "lost": sorted(set(off["called_ids"]) - set(on["called_ids"])),
                        "spun_alone_seconds": alone["seconds"],
                        "perfect_ratio": round(off["seconds"] / alone["seconds"], 1) if alone["seconds"] else None}
        if args.bounds:
            res["speed"]["bounds"] = bounds(args, docs, tri, off)
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(f"triage {res['triage']} threshold {res['threshold']}; {res['date']}; {res['machine'].get('cpu')}")
    if "recall" in res:
        r = res["recall"]
        print(f"\ntriage stage alone: {r['triage_words_per_s']:,} words/s (one core)\n")
        print("| set | documents | called spun (triage off) | of them cleared (lost) | clean | clean cleared |")
        print("|---|---|---|---|---|---|")
        for name, v in list(r["sets"].items()) + [("total", r["total"])]:
            print(f"| {name} | {v['documents']} | {v['called']} | {v['called_cleared']} | {v['clean']} | "
                  f"{v['clean_cleared']} |")
    if "speed" in res:
        s = res["speed"]
        print(f"\n{s['mode']} on {s['documents']} documents ({s['on']['words']:,} words, {s['on']['spun']} spun):")
        for k in ("on", "off"):
            v = s[k]
            print(f"  triage {k:3s}: {v['seconds']:7.1f} s  {v['words_per_s']:>7,} words/s  spun called "
                  f"{v['spun_called']}/{v['spun']}  cleared {v['cleared']}")
        print(f"  ratio {s['ratio']}x; spun documents called with the triage off and not on: {len(s['lost'])}")
        print(f"  the spun documents alone: {s['spun_alone_seconds']} s, so a triage that cleared every clean "
              f"document and nothing else would make it at most {s['perfect_ratio']}x faster")
        if "bounds" in s:
            b = s["bounds"]
            print(f"  a free triage that clears every text: {b['clear_all']['seconds']} s, {b['clear_all']['ratio']}x "
                  f"(spun called {b['clear_all']['spun_called']}/{s['on']['spun']})")
            print(f"  a free oracle that passes the {b['detector_called']} texts the detector calls spun: "
                  f"{b['oracle']['seconds']} s, {b['oracle']['ratio']}x (spun called {b['oracle']['spun_called']}/{s['on']['spun']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
