#!/usr/bin/env python3
"""Throughput of restore on corpus documents: words per second of restoration and of detection.

    python3 scripts/eval/bench.py --corpus ../shared/data/corpus [--docs 200] [--no-model] [--spin medium]

``--corpus`` takes JSONL(.gz) files or directories of them ({text: ...} per line); documents are
taken evenly from each file (the first ones). Prints the machine (nproc, CPU model, load) and, per
configuration, documents, words, seconds and words/s. Nothing is written unless ``--json FILE``.
The first call (dictionary loading) is timed apart as "warm-up". One process, one thread (see --threads).
With the models, restoration and detection are timed one document per call and, with ``--batch N``
(default 16, as the CLI does for several inputs), with ``restore_batch``/``detect_batch`` on
windows of N documents. ``--threads N`` gives torch N threads in this process (default 1);
``--jobs N`` also times ``restore fix --jobs N`` / ``restore detect --jobs N``: the same windows in N
one-thread worker processes (``restore.batch``), worker start-up and model loading included.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from restore import Config, detect, detect_batch, restore_and_explain, restore_batch
from restore.batch import map_windows
from restore.io.read import Document, iter_inputs
from restore.text.tokenize import count_words
from restore_dev.machine import machine_info


def corpus_files(paths: list[str]) -> list[str]:
    files: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files += sorted(str(f) for f in path.iterdir() if f.name.endswith((".jsonl", ".jsonl.gz")))
        elif path.exists():
            files.append(str(path))
        else:
            sys.exit(f"bench: {p}: no such file or directory")
    if not files:
        sys.exit("bench: no .jsonl/.jsonl.gz files found")
    return files


def load_docs(files: list[str], n: int, field: str, max_words: int | None) -> list[Document]:
    per = max(1, -(-n // len(files)))
    docs: list[Document] = []
    for f in files:
        taken = 0
        for item in iter_inputs([f], field=field):
            if not isinstance(item, Document) or not item.text.strip():
                continue
            text = item.text
            if max_words:
                text = " ".join(text.split(" ")[:max_words])
            docs.append(Document(item.id, text, item.path, item.line))
            taken += 1
            if taken >= per or len(docs) >= n:
                break
        if len(docs) >= n:
            break
    return docs


def maybe_spin(docs: list[Document], preset: str | None, seed: int) -> list[Document]:
    if not preset:
        return docs
    try:
        from restore_dev.spin import Spinner
    except ImportError:
        sys.exit("bench: --spin needs restore_dev.spin (not available)")
    sp = Spinner()
    return [Document(d.id, sp.spin(d.text, preset, seed + i).spun, d.path, d.line) for i, d in enumerate(docs)]


def _found(outs) -> int:
    """Applied edits (restore) or spans (detect) in a run's results."""
    return sum(len(getattr(o, "applied", getattr(o, "spans", ()))) for o in outs)


def _record(name: str, docs: list[Document], cfg: Config, times: list[float], found: int, warm: float = 0.0) -> dict:
    """One row of figures: the best of ``times`` (seconds per pass over ``docs``)."""
    words = sum(count_words(d.text) for d in docs)
    best = min(times)
    return {"name": name, "docs": len(docs), "words": words, "warmup_s": round(warm, 3),
            "seconds": round(best, 3), "seconds_median": round(statistics.median(times), 3),
            "words_per_s": round(words / best) if best > 0 else None,
            "docs_per_s": round(len(docs) / best, 1) if best > 0 else None,
            "changes_per_run": found, "signature": __import__("restore").signature_of(cfg)}


def run(name: str, fn, docs: list[Document], cfg: Config, repeat: int, batch: int = 0, batch_fn=None) -> dict:
    """Time ``fn(text, cfg)`` per document, or with ``batch`` ``batch_fn(texts, cfg)`` on windows of
    that many documents (what ``restore fix`` and ``restore detect`` do with several inputs)."""
    t0 = time.perf_counter()
    fn(docs[0].text, cfg)  # loads dictionaries / models once
    warm = time.perf_counter() - t0
    times = []
    found = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        if batch:
            outs = [o for i in range(0, len(docs), batch)
                    for o in batch_fn([d.text for d in docs[i:i + batch]], cfg)]
        else:
            outs = [fn(d.text, cfg) for d in docs]
        found += _found(outs)
        times.append(time.perf_counter() - t0)
    return _record(name, docs, cfg, times, found // repeat, warm)


def run_jobs(name: str, batch_fn, docs: list[Document], cfg: Config, batch: int, jobs: int) -> dict:
    """``batch_fn`` on windows of ``batch`` documents in ``jobs`` worker processes, timed from the
    start of the workers (their start-up and model loading included) to the last result."""
    windows = [[d.text for d in docs[i:i + batch]] for i in range(0, len(docs), batch)]
    t0 = time.perf_counter()
    outs = [o for _, res in map_windows(batch_fn, windows, cfg, jobs) for o in res]
    return _record(name, docs, cfg, [time.perf_counter() - t0], _found(outs))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", nargs="+", required=True, help="JSONL(.gz) files or directories")
    ap.add_argument("--docs", type=int, default=200, help="documents in all (taken evenly per file)")
    ap.add_argument("--field", default="text")
    ap.add_argument("--max-words", type=int, default=None, help="cut each document to this many words")
    ap.add_argument("--no-model", action="store_true", help="skip the full (model) configuration")
    ap.add_argument("--no-spinner-vocab", action="store_true", help="the full configuration without Config.spinner_vocab")
    ap.add_argument("--spin", default=None, metavar="PRESET", help="spin the documents first (restore_dev.spin)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="timed passes (the best one is reported)")
    ap.add_argument("--json", default=None, metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--batch", type=int, default=16,
                    help="also time restore_batch/detect_batch on windows of N documents (the CLI's default; 0: skip)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads in this process (default 1)")
    ap.add_argument("--jobs", type=int, default=0, metavar="N",
                    help="also time N one-thread worker processes (restore fix/detect --jobs N; 0: skip)")
    args = ap.parse_args(argv)

    if not args.no_model:
        try:
            import torch  # only to choose this process's threads (two shared cores)

            torch.set_num_threads(max(1, args.threads))
        except ImportError:
            pass

    info = machine_info()
    docs = maybe_spin(load_docs(corpus_files(args.corpus), args.docs, args.field, args.max_words),
                      args.spin, args.seed)
    if not docs:
        sys.exit("bench: no documents read")
    dict_cfg = Config(use_model=False, use_detector=False)
    results = [run("restore (dictionary only)", restore_and_explain, docs, dict_cfg, args.repeat),
               run("detect (dictionary only)", detect, docs, dict_cfg, args.repeat)]
    if not args.no_model:
        full = Config(spinner_vocab=not args.no_spinner_vocab)
        results.append(run("restore (default config)", restore_and_explain, docs, full, args.repeat))
        if args.batch > 1:
            results.append(run(f"restore (default config, batches of {args.batch})", restore_and_explain, docs,
                               full, args.repeat, args.batch, restore_batch))
        results.append(run("detect (default config)", detect, docs, full, args.repeat))
        if args.batch > 1:
            results.append(run(f"detect (default config, batches of {args.batch})", detect, docs, full,
                               args.repeat, args.batch, detect_batch))
            results.append(run(f"detect --suggest (batches of {args.batch})", detect, docs,
                               full.replace(detect_suggest=True), args.repeat, args.batch, detect_batch))
        if args.jobs > 1:
            results.append(run_jobs(f"restore (default config, {args.jobs} jobs)", restore_batch, docs, full,
                                    args.batch or 16, args.jobs))
            results.append(run_jobs(f"detect (default config, {args.jobs} jobs)", detect_batch, docs, full,
                                    args.batch or 16, args.jobs))

    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(f"documents: {len(docs)} from {len({d.path for d in docs})} file(s)"
          + (f", spun with preset {args.spin!r}" if args.spin else "")
          + ("" if args.no_model else f"; torch threads in this process: {args.threads}"))
    w = max(len(r["name"]) for r in results)
    print(f"{'run':<{w}}  {'docs':>5}  {'words':>8}  {'warm-up s':>9}  {'seconds':>8}  {'words/s':>9}  {'found':>7}")
    for r in results:
        print(f"{r['name']:<{w}}  {r['docs']:>5}  {r['words']:>8}  {r['warmup_s']:>9.3f}  {r['seconds']:>8.3f}  "
              f"{r['words_per_s'] or 0:>9,}  {r['changes_per_run']:>7}")
    for r in results:
        print(f"  {r['name']}: {r['signature']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"machine": info, "args": vars(args), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
