#!/usr/bin/env python3
"""Speed and memory on one long text against the same words as many documents.

    python3 scripts/eval/long_text.py --mb 20 --docs 1000 --no-model --no-detector
    python3 scripts/eval/long_text.py --mb 0.2 --docs 50            # the whole pipeline

The text is spun test documents (``restore_dev.check_inputs``: the test split, mixture preset)
joined by blank lines, repeated up to ``--mb`` megabytes. ``restore fix`` runs twice in a fresh
process each: on the text as one file, and on the same text cut at paragraph breaks into ``--docs``
JSONL records. Prints words/s of each, their ratio (one text / many documents; 1 is the aim) and
each run's peak memory (max RSS). Options after the known ones go to ``restore fix``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from restore_dev.check_inputs import inputs


def build(mb: float) -> str:
    docs = [r["text"] for r in inputs(("test",), 200)]
    parts, size, i = [], 0, 0
    while size < mb * 1_000_000:
        parts.append(docs[i % len(docs)])
        size += len(parts[-1].encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts)


def run(args: list[str]) -> tuple[float, int, int]:
    """Seconds, exit code and peak memory (KB) of ``restore fix ARGS`` in a fresh process."""
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
               RESTORE_THREADS=os.environ.get("RESTORE_THREADS", "1"))
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "restore", "fix", *args], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t, os.waitstatus_to_exitcode(status), usage.ru_maxrss


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20.0, help="size of the long text, in megabytes (UTF-8)")
    ap.add_argument("--docs", type=int, default=1000, help="how many documents the same text is cut into")
    ap.add_argument("--json", default=None, help="also write the figures here")
    args, extra = ap.parse_known_args(argv)
    text = build(args.mb)
    words = len(text.split())
    paras = text.split("\n\n")
    per = -(-len(paras) // args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp, "one.txt"), Path(tmp, "many.jsonl")
        one.write_text(text, encoding="utf-8")
        with open(many, "w", encoding="utf-8") as f:
            for k in range(0, len(paras), per):
                f.write(json.dumps({"id": str(k), "text": "\n\n".join(paras[k:k + per])}, ensure_ascii=False) + "\n")
        common = ["-q", "--no-progress", "--max-bytes", str(len(text.encode("utf-8")) + 1), *extra]
        t1, rc1, m1 = run([str(one), "-o", str(Path(tmp, "one.out.txt")), *common])
        t2, rc2, m2 = run([str(many), "-o", str(Path(tmp, "many.out.jsonl")), *common])
    figures = {"mb": args.mb, "words": words, "documents": -(-len(paras) // per), "options": extra,
               "one_text_words_per_s": round(words / t1), "many_docs_words_per_s": round(words / t2),
               "ratio": round(t2 / t1, 3), "one_text_peak_mb": round(m1 / 1024), "many_docs_peak_mb": round(m2 / 1024),
               "exit_codes": [rc1, rc2]}
    print(json.dumps(figures, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0 if rc1 in (0, 1) and rc2 in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main())
