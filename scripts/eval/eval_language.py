#!/usr/bin/env python3
"""The language check (restore.text.language): how often it calls English text not English, how often
it catches other languages, and what the models did to those texts before it existed.

    python3 scripts/eval/eval_language.py --english ../shared/data/corpus/*.jsonl.gz data/eval/*.jsonl \\
        --labelled tests/fixtures/not_english.jsonl tests/fixtures/languages_heldout.jsonl \\
        [--models] [--json FILE]

``--english``: JSONL files of English documents (text in ``text``, else ``spun``); every one the
check calls not English is a false alarm, and the first few are printed; so is every paragraph of
the others that ``foreign_paragraphs`` leaves unchecked (with the spinner's edits in it, for gold
records). ``--labelled``: JSONL
records with ``text`` and ``english`` (true/false; missing means false); per file, how many of each
kind the check gets right, with the misses. ``--models``: also run ``restore detect`` and
``restore fix`` (the shipped models) over the labelled texts that are not English, with the check
off (as before it existed) and on, and print their spans, documents at or over the spun gate and
applied edits. Figures only; nothing is tuned here.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from restore.text.language import check_language, foreign_paragraphs


def records(path: str):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def text_of(rec: dict) -> str:
    return rec.get("text") or rec.get("spun") or ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--english", nargs="*", default=[], help="JSONL files of English documents")
    ap.add_argument("--labelled", nargs="*", default=[], help="JSONL files with text and english: true/false")
    ap.add_argument("--models", action="store_true", help="also run the models on the texts that are not English")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args(argv)
    out: dict = {"english": {}, "labelled": {}}
    for path in args.english:
        n, bad, paras, gold_in = 0, [], [], 0
        for rec in records(path):
            n += 1
            text = text_of(rec)
            c = check_language(text)
            if not c.english:
                bad.append({"id": rec.get("id"), "reason": c.reason, "text": text[:80]})
                continue
            for a, b, why in foreign_paragraphs(text):
                paras.append({"id": rec.get("id"), "reason": why, "text": text[a:b][:80]})
                gold_in += sum(1 for e in rec.get("edits", ()) if a <= e[0] < b)  # spinner edits left alone
        out["english"][path] = {"documents": n, "called_not_english": len(bad), "examples": bad[:5],
                                "paragraphs_not_checked": len(paras), "gold_edits_in_them": gold_in,
                                "paragraph_examples": paras[:5]}
        print(f"{path}: {len(bad)} of {n} English documents called not English; {len(paras)} paragraphs "
              f"of the others not checked ({gold_in} spinner edits in them)")
        for b in bad[:5] + paras[:3]:
            print(f"    {b['id']}: {b['reason']}: {b['text']!r}")
    others: list[str] = []
    for path in args.labelled:
        counts = {True: [0, 0], False: [0, 0]}
        misses = []
        for rec in records(path):
            want = bool(rec.get("english", False))
            c = check_language(text_of(rec))
            counts[want][0] += 1
            counts[want][1] += c.english == want
            if c.english != want:
                misses.append(rec.get("id"))
            if not want:
                others.append(text_of(rec))
        out["labelled"][path] = {"english": counts[True], "not_english": counts[False], "misses": misses}
        print(f"{path}: English kept {counts[True][1]}/{counts[True][0]}, "
              f"not English caught {counts[False][1]}/{counts[False][0]}; misses: {', '.join(misses) or 'none'}")
    if args.models and others:
        from restore.config import Config
        from restore.pipeline import detect_batch, doc_threshold_of, restore_batch

        out["models"] = {}
        for label, on in (("check off", False), ("check on", True)):
            cfg = Config(check_language=on)
            gate = doc_threshold_of(cfg)
            dets = detect_batch(others, cfg.replace(use_model=False))
            res = restore_batch(others, cfg)
            row = {"texts": len(others), "spans": sum(len(d.spans) for d in dets),
                   "called_spun": sum(d.spun_score >= gate for d in dets),
                   "changed": sum(r.changed for r in res), "applied_edits": sum(len(r.applied) for r in res),
                   "edits": [[e.original, e.replacement] for r in res for e in r.applied]}
            out["models"][label] = row
            print(f"not-English texts, {label}: {row['spans']} detector spans, {row['called_spun']} of "
                  f"{row['texts']} at or over the spun gate ({gate:.2f}), {row['changed']} changed by fix "
                  f"({row['applied_edits']} edits: {row['edits']})")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
