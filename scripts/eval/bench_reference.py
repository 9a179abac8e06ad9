#!/usr/bin/env python3
"""Speed and size of the reference archive (restore.reference): index builds, match latency, top-1.

    python3 scripts/eval/bench_reference.py [--shared DIR] [--synthetic-docs N] [--seed S]
                                            [--work-dir DIR] [--keep] [--json]

1. Index build on the shared corpus (every ``corpus/*.jsonl.gz``, fields id and text) plus the 20
   originals of ``real/pairs.jsonl`` (ids ``orig:<pair id>``): one shard in one process, then two
   shards written by two processes (``add(jobs=2)``). Words/s of each build (wall time of
   ``ReferenceIndex.add``, the documents already in memory; words as the index counts them, ``\\w+``
   runs), index size in bytes and MB per million words.
2. Match latency per page on each of those indexes, over the 20 spun pages of pairs.jsonl and the
   25 pages of clean_news.jsonl: ``find_source(page, idx)`` (retrieval and alignment), the
   retrieval step alone (``idx.candidates(page, 5)``) and, inside it, the document-frequency look-up
   (``idx.document_frequency``); mean, p50, p95 and max in ms, after one warm-up page. Top-1: a
   pair is right when its best match is ``orig:<its id>`` or another original with the same text
   (several pairs share one original); also how many originals retrieval proposes at all (in the 5
   candidates), how many best matches are sure, and how many clean pages get a sure match (none
   should: their sources are not in the archive).
3. A synthetic archive of ``--synthetic-docs`` documents (default 1,000,000; 0 skips it): each
   ``syn-<n>`` is 5 to 15 sentences drawn at random (``--seed``) from all the corpus's sentences
   (``restore.text.tokenize.sentences``), in paragraphs of three, plus the 20 pair originals;
   generated one by one while the index is built (``--synthetic-shards`` 4, ``--synthetic-jobs``
   2). Build words/s (generation time included in the wall time, and given apart), size, MB per
   million words, and the match latency and top-1 of 2.

The indexes are built in a temporary directory (under ``--work-dir``, default /tmp), deleted at
the end unless ``--keep``. Tables go to stdout (--json: one JSON object instead), progress to
stderr. Exit 2 when ../shared (the corpus, the real pages) is missing.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import itertools
import json
import math
import os
import random
import resource
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, Iterator

from restore.reference import ReferenceIndex, find_source
from restore.text.tokenize import sentences
from restore_dev.machine import machine_info

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = ROOT.parent / "shared"
K = 5  # candidates, as find_source asks for


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def peak_rss_mb() -> dict:
    """Peak resident memory of this process and of its largest finished child (a writer)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": round(own), "children_mb": round(kids)}


# ------------------------------------------------------------------ data
def check_shared(shared: Path) -> tuple[list[Path], Path, Path]:
    corpus = sorted((shared / "data" / "corpus").glob("*.jsonl.gz"))
    pairs = shared / "data" / "real" / "pairs.jsonl"
    clean = shared / "data" / "real" / "clean_news.jsonl"
    missing = [str(p) for p in (pairs, clean) if not p.is_file()]
    if not corpus:
        missing.insert(0, str(shared / "data" / "corpus" / "*.jsonl.gz"))
    if missing:
        print(f"bench_reference: the shared data is missing: {', '.join(missing)}\n"
              f"  (expected the shared checkout at {shared}; give another with --shared DIR)", file=sys.stderr)
        raise SystemExit(2)
    return corpus, pairs, clean


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_corpus(files: list[Path]) -> list[tuple[str, str]]:
    docs = []
    for f in files:
        for row in read_jsonl(f):
            if row.get("text", "").strip():
                docs.append((str(row["id"]), row["text"]))
    return docs


def corpus_sentences(docs: list[tuple[str, str]]) -> list[str]:
    out = []
    for _, text in docs:
        for a, b in sentences(text):
            s = " ".join(text[a:b].split())
            if s:
                out.append(s)
    return out


def synthetic_docs(pool: list[str], n: int, seed: int, timer: dict) -> Iterator[tuple[str, str]]:
    """``syn-0`` ... ``syn-<n-1>``: 5-15 sentences of ``pool`` each, in paragraphs of three; the time
    spent making them is added up in ``timer["seconds"]`` (and progress logged)."""
    rng = random.Random(seed)
    t_start = time.perf_counter()
    step = max(1, min(50_000, n // 20))
    for i in range(n):
        t0 = time.perf_counter()
        k = rng.randint(5, 15)
        sents = [pool[rng.randrange(len(pool))] for _ in range(k)]
        text = "\n\n".join(" ".join(sents[j:j + 3]) for j in range(0, k, 3))
        timer["seconds"] += time.perf_counter() - t0
        yield f"syn-{i}", text
        if (i + 1) % step == 0:
            el = time.perf_counter() - t_start
            log(f"  synthetic: {i + 1:,} of {n:,} documents generated and handed to the index, {el:.0f} s "
                f"({(i + 1) / el:,.0f} docs/s), load {loadavg()}, peak rss {peak_rss_mb()}")


# ------------------------------------------------------------------ measuring
def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(q * len(s)) - 1))]


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "mean_ms": round(statistics.fmean(ms), 2), "p50_ms": round(pct(ms, 0.5), 2),
            "p95_ms": round(pct(ms, 0.95), 2), "max_ms": round(max(ms), 2)}


def build(path: Path, docs: Iterable[tuple[str, str]], shards: int, jobs: int, name: str,
          timer: dict | None = None) -> dict:
    log(f"{name}: building {path} (shards {shards}, jobs {jobs}) ...")
    idx = ReferenceIndex.create(path, shards=shards)
    load0 = loadavg()
    t0 = time.perf_counter()
    rep = idx.add(docs, jobs=jobs)
    seconds = time.perf_counter() - t0
    idx.close()
    size = idx.size_bytes()
    gen = timer["seconds"] if timer else 0.0
    row = {"name": name, "shards": shards, "jobs": jobs, "docs": rep.added, "duplicates": rep.duplicates,
           "words": rep.words, "seconds": round(seconds, 2), "words_per_s": round(rep.words / seconds),
           "docs_per_s": round(rep.added / seconds, 1), "size_bytes": size,
           "mb_per_m_words": round(size / 1e6 / (rep.words / 1e6), 1) if rep.words else None,
           "load_before": load0, "load_after": loadavg()}
    if timer is not None:
        row["generation_s"] = round(gen, 2)
        row["words_per_s_without_generation"] = round(rep.words / max(1e-9, seconds - gen))
    log(f"{name}: {rep.added:,} docs, {rep.words:,} words in {seconds:.1f} s "
        f"({row['words_per_s']:,} words/s), {size / 1e6:,.1f} MB")
    return row


def match(path: Path, name: str, pairs: list[dict], clean: list[dict]) -> dict:
    """Latency of find_source, candidates and document_frequency per page; top-1 of the pairs."""
    from restore.reference import index_terms

    originals = {f"orig:{p['id']}": p["original"] for p in pairs}
    idx = ReferenceIndex.open(path)
    pages = [("spun", p["id"], p["spun"]) for p in pairs] + [("clean", c["id"], c["text"]) for c in clean]
    log(f"{name}: matching {len(pages)} pages ...")
    t0 = time.perf_counter()
    find_source(pages[0][2], idx)  # opens the shards
    warm_ms = (time.perf_counter() - t0) * 1000
    times: dict[tuple[str, str], list[float]] = {}
    rows = []
    for kind, pid, text in pages:
        t0 = time.perf_counter()
        idx.document_frequency(index_terms(text))
        t1 = time.perf_counter()
        cands = idx.candidates(text, K)
        t2 = time.perf_counter()
        found = find_source(text, idx)
        t3 = time.perf_counter()
        for step, dt in (("df", t1 - t0), ("candidates", t2 - t1), ("find_source", t3 - t2)):
            times.setdefault((kind, step), []).append(dt * 1000)
        best = found.best
        row = {"kind": kind, "id": pid, "best": best.id if best else None,
               "score": best.score if best else None, "sure": bool(best and best.sure),
               "find_ms": round((t3 - t2) * 1000, 1), "candidates_ms": round((t2 - t1) * 1000, 1)}
        if kind == "spun":
            want = next(p["original"] for p in pairs if p["id"] == pid)
            row["correct"] = bool(best and (best.id == f"orig:{pid}" or originals.get(best.id) == want))
            row["retrieved"] = any(c.id == f"orig:{pid}" or originals.get(c.id) == want for c in cands)
        rows.append(row)
        log(f"  {kind} {pid}: best {row['best']} score {row['score']} sure {row['sure']} "
            f"({row['find_ms']} ms, retrieval {row['candidates_ms']} ms)")
    idx.close()
    spun = [r for r in rows if r["kind"] == "spun"]
    cl = [r for r in rows if r["kind"] == "clean"]
    lat = []
    for step in ("find_source", "candidates", "df"):
        for kind in ("spun", "clean", "all"):
            ms = (times[("spun", step)] + times[("clean", step)]) if kind == "all" else times[(kind, step)]
            lat.append({"step": step, "pages": kind, **summary(ms)})
    return {"name": name, "warmup_ms": round(warm_ms, 1), "latency": lat,
            "top1_correct": sum(r["correct"] for r in spun), "retrieved": sum(r["retrieved"] for r in spun),
            "sure_correct": sum(r["correct"] and r["sure"] for r in spun), "pairs": len(spun),
            "clean_sure": sum(r["sure"] for r in cl), "clean": len(cl),
            "wrong": [f"{r['id']} -> {r['best']}" for r in spun if not r["correct"]],
            "clean_sure_ids": [f"{r['id']} -> {r['best']}" for r in cl if r["sure"]], "pages": rows}


# ------------------------------------------------------------------ tables
def table(head: list[str], body: list[list]) -> str:
    widths = [max(len(str(r[i])) for r in [head] + body) for i in range(len(head))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return "\n".join([fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in body])


def render(res: dict) -> str:
    m = res["machine"]
    out = [f"restore reference archive benchmark, {res['date']}",
           f"command: {res['command']}",
           f"machine: {m.get('cpu')}, {m.get('nproc')} cores ({m.get('nproc_usable', '?')} usable), "
           f"{m.get('mem_total_gb', '?')} GB; python {m['python']}, sqlite {m['sqlite']}; {m['platform']}",
           f"shared data: {res['shared']}; corpus {res['corpus']['docs']:,} docs from {res['corpus']['files']} files "
           f"(read in {res['corpus']['read_s']} s) + {res['corpus']['originals']} pair originals; "
           f"{res['seconds']} s in all; peak rss {res['peak_rss']['self_mb']} MB (this process), "
           f"{res['peak_rss']['children_mb']} MB (largest writer process)", ""]
    body = [[b["name"], b["shards"], b["jobs"], f"{b['docs']:,}", b["duplicates"], f"{b['words']:,}",
             f"{b['seconds']:.1f}", f"{b['words_per_s']:,}", f"{b['docs_per_s']:,.0f}",
             f"{b['size_bytes']:,}", f"{b['size_bytes'] / 1e6:,.1f}", b["mb_per_m_words"],
             " / ".join(str(x) for x in (b["load_before"] or [])[:1] + (b["load_after"] or [])[:1])]
            for b in res["builds"]]
    out += ["Index builds (wall time of ReferenceIndex.add; words = \\w+ runs, as the index counts them)",
            table(["index", "shards", "jobs", "docs", "dup", "words", "seconds", "words/s", "docs/s", "bytes", "MB",
                   "MB/M words", "load 1m before/after"], body)]
    for b in res["builds"]:
        if "generation_s" in b:
            out.append(f"{b['name']}: of the {b['seconds']:.1f} s, {b['generation_s']:.1f} s went to generating the "
                       f"documents (in the same process): {b['words_per_s_without_generation']:,} words/s without it")
    out.append("")
    for mt in res["matches"]:
        body = [[r["step"], r["pages"], r["n"], f"{r['mean_ms']:.1f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}",
                 f"{r['max_ms']:.1f}"] for r in mt["latency"]]
        out += [f"Match latency per page on {mt['name']} (ms; warm-up page {mt['warmup_ms']:.0f} ms, not counted)",
                table(["step", "pages", "n", "mean", "p50", "p95", "max"], body),
                f"top-1 correct: {mt['top1_correct']} of {mt['pairs']} pairs (sure and correct: {mt['sure_correct']}); "
                f"original among the {K} candidates: {mt['retrieved']} of {mt['pairs']}; "
                f"clean pages with a sure match: {mt['clean_sure']} of {mt['clean']}"]
        if mt["wrong"]:
            out.append(f"wrong top-1: {', '.join(mt['wrong'])}")
        if mt["clean_sure_ids"]:
            out.append(f"clean pages matched sure: {', '.join(mt['clean_sure_ids'])}")
        out.append("")
    out.append("steps: find_source = candidates + alignment of each candidate; candidates = retrieval "
               "(document frequencies, then one FTS5 query per rare term per shard); df = the document-frequency "
               "look-up alone (its df table)")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(DEFAULT_SHARED), help=f"the shared checkout (default {DEFAULT_SHARED})")
    ap.add_argument("--synthetic-docs", type=int, default=1_000_000, metavar="N",
                    help="documents of the synthetic archive (default 1,000,000; 0: skip it)")
    ap.add_argument("--synthetic-shards", type=int, default=4)
    ap.add_argument("--synthetic-jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="seed of the synthetic documents")
    ap.add_argument("--work-dir", default=None, help="where the indexes are built (default: the system's temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the indexes (their directory is printed)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = ap.parse_args(argv)
    if args.synthetic_docs < 0:
        ap.error("--synthetic-docs must be 0 or more")

    shared = Path(args.shared)
    files, pairs_path, clean_path = check_shared(shared)
    t_all = time.perf_counter()
    t0 = time.perf_counter()
    corpus = load_corpus(files)
    read_s = round(time.perf_counter() - t0, 2)
    n_corpus = len(corpus)
    pairs = read_jsonl(pairs_path)
    clean = read_jsonl(clean_path)
    originals = [(f"orig:{p['id']}", p["original"]) for p in pairs]
    log(f"corpus: {len(corpus):,} docs from {len(files)} files in {read_s} s; {len(pairs)} pairs, "
        f"{len(clean)} clean pages")

    if args.work_dir:
        Path(args.work_dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench_reference-", dir=args.work_dir))
    log(f"work dir: {work}")
    builds, matches = [], []
    try:
        docs = corpus + originals
        builds.append(build(work / "corpus-1", docs, 1, 1, "corpus, 1 shard"))
        matches.append(match(work / "corpus-1", "corpus, 1 shard", pairs, clean))
        builds.append(build(work / "corpus-2", docs, 2, 2, "corpus, 2 shards"))
        matches.append(match(work / "corpus-2", "corpus, 2 shards", pairs, clean))
        if not args.keep:
            shutil.rmtree(work / "corpus-1")
            shutil.rmtree(work / "corpus-2")
        if args.synthetic_docs:
            t0 = time.perf_counter()
            pool = corpus_sentences(corpus)
            log(f"synthetic: {len(pool):,} corpus sentences in {time.perf_counter() - t0:.1f} s")
            del corpus, docs
            timer = {"seconds": 0.0}
            name = f"synthetic {args.synthetic_docs:,}"
            gen = itertools.chain(synthetic_docs(pool, args.synthetic_docs, args.seed, timer), originals)
            b = build(work / "synthetic", gen, args.synthetic_shards, args.synthetic_jobs, name, timer)
            b["sentence_pool"] = len(pool)
            builds.append(b)
            del pool
            matches.append(match(work / "synthetic", name, pairs, clean))
    finally:
        if args.keep:
            log(f"indexes kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    res = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
           "command": "python3 " + " ".join(shlex.quote(a) for a in [sys.argv[0]] + (argv if argv is not None
                                                                                      else sys.argv[1:])),
           "machine": machine_info(), "shared": str(shared),
           "corpus": {"docs": n_corpus, "files": len(files), "read_s": read_s,
                      "originals": len(originals)},
           "seconds": round(time.perf_counter() - t_all, 1), "peak_rss": peak_rss_mb(),
           "synthetic": {"docs": args.synthetic_docs, "seed": args.seed, "shards": args.synthetic_shards,
                         "jobs": args.synthetic_jobs},
           "work_dir": str(work) if args.keep else None, "builds": builds, "matches": matches}
    sys.stdout.write(json.dumps(res, indent=1) + "\n" if args.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
