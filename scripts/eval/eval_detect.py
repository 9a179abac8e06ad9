#!/usr/bin/env python3
"""Run the detector over a gold file and score it with the shared scorer.

    python3 scripts/eval/eval_detect.py --gold data/eval/test_mixture.jsonl --out runs/detect/test_mixture.jsonl
    python3 scripts/eval/eval_detect.py --text ../shared/samples/spun_news_tiandy.txt

Writes one {id, spans: [{start, end}], spun_score} line per document (offsets into the gold
"spun" text), then runs `python3 ../shared/eval/score.py detect GOLD SYSTEM --json` and prints
its figures with the speed (words/s of detect, model load excluded) and, as the project's own
measure, how well span confidences are calibrated (``restore.metrics.span_reliability``: by
confidence bin, the share of spans that touch a spinner's edit; spans are written with their
confidence, which the scorer ignores). By default detection goes
through the public API (restore.detect: dictionary + detector) at the detector's calibrated
threshold; --detector-only leaves the dictionary out, --threshold overrides the threshold, --suggest
runs the model as `restore detect --suggest` does. Documents go in windows of --batch, as in the CLI.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from restore.metrics import read_jsonl, span_reliability  # read_jsonl names the file and line of a bad record
from restore_dev import shared_scorer


def make_detect(args):
    import restore
    from restore.detect.detector import load_detector

    det = load_detector(args.models_dir)
    if det is None and not args.allow_no_model:
        sys.exit(f"no detector under {args.models_dir or 'restore/models/'} "
                 "(use --allow-no-model to score the dictionary alone)")
    thr = args.threshold if args.threshold is not None else (det.threshold if det else 0.5)
    if det is not None and args.gate is not None:
        det.gate = args.gate
    cfg = restore.Config(detect_threshold=thr, models_dir=args.models_dir, use_detector=det is not None,
                         use_model=args.suggest, detect_suggest=args.suggest,
                         spinner_vocab=not args.no_spinner_vocab)
    if args.detector_only:
        return det, thr, lambda texts: [det.detect(t, threshold=thr) for t in texts]

    def run(texts):
        got = restore.detect_batch(texts, cfg)
        bad = next((g for g in got if isinstance(g, Exception)), None)
        if bad is not None:
            raise bad
        return got

    return det, thr, run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold")
    ap.add_argument("--out")
    ap.add_argument("--text", nargs="*", help="plain-text files: print their spans and document score")
    ap.add_argument("--models-dir", default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--gate", type=float, default=None, help="override the calibrated doc-score gate (0 = off)")
    ap.add_argument("--detector-only", action="store_true")
    ap.add_argument("--no-spinner-vocab", action="store_true",
                    help="Config.spinner_vocab off (no spans of real spinners' wordings)")
    ap.add_argument("--suggest", action="store_true",
                    help="restore detect --suggest: the model narrows detector spans to the words its wording changes")
    ap.add_argument("--batch", type=int, default=16, help="documents per detect_batch call (the CLI's window)")
    ap.add_argument("--allow-no-model", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--offset", type=int, default=0, help="skip the first N gold documents (then --limit)")
    ap.add_argument("--show", type=int, default=40, help="--text: spans to print per file")
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)
    if not args.text and not (args.gold and args.out):
        ap.error("give --gold and --out, or --text FILE...")
    if "RESTORE_THREADS" not in os.environ:
        import torch

        torch.set_num_threads(1)

    from restore.text.tokenize import count_words

    det, thr, run = make_detect(args)
    if args.text:
        for path in args.text:
            text = Path(path).read_text(encoding="utf-8")
            t0 = time.time()
            (d,) = run([text])
            dt = time.time() - t0
            n = count_words(text)
            by = {}
            for s in d.spans:
                by[s.source] = by.get(s.source, 0) + 1
            print(json.dumps({"file": path, "words": n, "spans": len(d.spans), "by_source": by,
                              "spans_per_1k_words": round(1000 * len(d.spans) / max(1, n), 1),
                              "spun_score": d.spun_score, "threshold": thr, "words_per_s": round(n / dt)}))
            for s in d.spans[: args.show]:
                print(f"   {s.confidence:.2f} {s.source[:4]} {s.text!r}" + (f" -> {s.suggestion!r}" if s.suggestion else ""))
        return 0

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    gold, gold_path = shared_scorer.select(args.gold, list(read_jsonl(args.gold)), args.offset, args.limit,
                                           out.with_suffix(".gold.jsonl"))
    words = 0
    spent = 0.0
    found: dict[str, list[dict]] = {}  # id -> spans with their confidence
    with open(out, "w", encoding="utf-8") as fh:
        for k in range(0, len(gold), max(1, args.batch)):
            window = gold[k:k + max(1, args.batch)]
            texts = [g["spun"] for g in window]
            t0 = time.time()
            got = run(texts)
            spent += time.time() - t0
            words += sum(count_words(t) for t in texts)
            for n, (g, d) in enumerate(zip(window, got), k + 1):
                spans = [{"start": s.start, "end": s.end, "confidence": s.confidence} for s in d.spans]
                fh.write(json.dumps({"id": g.get("id", n), "spans": spans, "spun_score": d.spun_score}) + "\n")
                found[str(g.get("id", n))] = spans
    fig = shared_scorer.score("detect", gold_path, out, args.scorer)
    fig["span_reliability"] = span_reliability({str(g.get("id", n)): g for n, g in enumerate(gold, 1)}, found)
    fig.update({"threshold": thr, "gate": det.gate if det else None, "words": words, "seconds": round(spent, 1),
                "words_per_s": round(words / spent) if spent else None,
                "detector": det.signature if det else "none", "detector_only": args.detector_only,
                "suggest": args.suggest})
    out.with_suffix(".score.json").write_text(json.dumps(fig, indent=1))
    print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
