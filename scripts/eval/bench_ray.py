#!/usr/bin/env python3
"""Throughput of ``restore fix`` serially (one process, one thread) against ``--engine ray --actors N``
on the same documents, and a check that the two outputs are the same, byte for byte.

    python3 scripts/eval/bench_ray.py [--docs 200] [--max-words 400] [--actors 2] [--no-model] [--json FILE]

The documents are the first ``--docs`` of ``data/splits/test.jsonl`` (as they are: clean news text),
each cut to ``--max-words`` words. Both runs go through ``restore.batch.processed`` (what the CLI
runs: windows of 16 documents), the serial one in this process with ``RESTORE_THREADS=1``, the Ray one
in ``--actors`` one-thread actors of a local Ray instance (or the cluster at ``RAY_ADDRESS``). The
serial run's model loading is timed apart ("warm-up"); the Ray run is timed from the start of its
actors to the last result, so their start-up and model loading (each actor loads the models) are
included; Ray's own start (``ray.init``) is its warm-up. "start-up" is the time of the same Ray run
on one one-document window: roughly what a run pays before its first window is done. Prints the
machine, a table, and whether the outputs are identical (exit 1 if not).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("RESTORE_THREADS", "1")  # before any model loads: one torch thread, as each actor

from restore import Config, restore_batch, restore_text  # noqa: E402
from restore.batch import processed  # noqa: E402
from restore.io.read import Document, iter_inputs  # noqa: E402
from restore.io.records import fix_record, record_json  # noqa: E402
from restore.text.tokenize import count_words  # noqa: E402
from restore_dev.machine import machine_info  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def load_docs(path: Path, n: int, max_words: int | None) -> list[Document]:
    docs: list[Document] = []
    for item in iter_inputs([str(path)], field="text"):
        if not isinstance(item, Document) or not item.text.strip():
            continue
        text = " ".join(item.text.split(" ")[:max_words]) if max_words else item.text
        docs.append(Document(item.id, text, item.path, item.line, record={"id": item.id, "text": text}))
        if len(docs) >= n:
            break
    return docs


def fix_lines(docs: list[Document], cfg: Config, **engine) -> list[str]:
    """The JSONL lines ``restore fix -f jsonl`` would write for ``docs``."""
    problems: list = []
    lines = [record_json(fix_record(doc, r)) for doc, r in processed(docs, cfg, restore_batch, problems.append,
                                                                     **engine)]
    if problems:
        sys.exit(f"bench_ray: unexpected problems: {problems[:3]}")
    return lines


def row(name: str, words: int, docs: int, warm: float, seconds: float) -> dict:
    return {"name": name, "docs": docs, "words": words, "warmup_s": round(warm, 3), "seconds": round(seconds, 3),
            "words_per_s": round(words / seconds) if seconds > 0 else None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", default=str(ROOT / "data" / "splits" / "test.jsonl"), help="a JSONL file ({text: ...})")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--max-words", type=int, default=400, help="cut each document to this many words (0: whole)")
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--no-model", action="store_true", help="the dictionary alone (no detector, no restorer)")
    ap.add_argument("--json", default=None, metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)

    docs = load_docs(Path(args.input), args.docs, args.max_words or None)
    if not docs:
        sys.exit("bench_ray: no documents read")
    cfg = Config(use_model=False, use_detector=False) if args.no_model else Config()
    words = sum(count_words(d.text) for d in docs)

    t0 = time.perf_counter()
    restore_text(docs[0].text, cfg)  # loads the dictionaries and the models in this process
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    serial = fix_lines(docs, cfg)
    results = [row("serial (1 process, 1 thread)", words, len(docs), warm, time.perf_counter() - t0)]

    from restore.batch import usable_cpus
    from restore.integrations.ray import ensure_ray

    t0 = time.perf_counter()
    ensure_ray(max(args.actors, usable_cpus()))
    ray_warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    fix_lines(docs[:1], cfg, engine="ray", actors=args.actors)
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    on_ray = fix_lines(docs, cfg, engine="ray", actors=args.actors)
    ray_s = time.perf_counter() - t0
    results.append(row(f"ray ({args.actors} actors, start-up included)", words, len(docs), ray_warm, ray_s))
    results.append(row(f"ray ({args.actors} actors), start-up: one 1-document window", count_words(docs[0].text), 1,
                       0.0, startup))
    same = on_ray == serial

    info = machine_info()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(f"documents: {len(docs)} of {args.input}, cut to {args.max_words or 'all'} words; "
          f"{'dictionary only' if args.no_model else 'default config (models)'}; RESTORE_THREADS="
          f"{os.environ['RESTORE_THREADS']}")
    w = max(len(r["name"]) for r in results)
    print(f"{'run':<{w}}  {'docs':>5}  {'words':>7}  {'warm-up s':>9}  {'seconds':>8}  {'words/s':>8}")
    for r in results:
        print(f"{r['name']:<{w}}  {r['docs']:>5}  {r['words']:>7}  {r['warmup_s']:>9.3f}  {r['seconds']:>8.3f}  "
              f"{r['words_per_s'] or 0:>8,}")
    steady = ray_s - startup
    if steady > 0:
        print(f"ray without the start-up (seconds - start-up, a rough estimate): {words / steady:,.0f} words/s, "
              f"{results[0]['seconds'] / steady:.2f}x serial")
    print(f"outputs identical: {'yes' if same else 'NO'} ({len(serial)} records)")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"machine": info, "args": vars(args), "results": results,
                                               "identical": same}, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
