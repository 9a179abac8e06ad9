#!/usr/bin/env python3
"""Restore a gold file with the pipeline, write the system file, and score it with the shared scorer.

    python3 scripts/eval/eval_restore.py --gold data/eval/dev_medium.jsonl --out runs/NAME/restore.jsonl
        [--no-model] [--no-detector] [--lexicon FILE ...] [--builtin-extra news_mined]
        [--exclude-tortured-phrases] [--threshold 0.6] [--offset N] [--limit N] [--explain FILE]

Writes ``{id, restored}`` per gold record, then runs
``python3 ../shared/eval/score.py restore GOLD SYSTEM --json`` and prints its figures.

--builtin-extra NAME (repeatable; default: news_mined) inserts restore/data/NAME.tsv among the
built-in dictionaries right after "news", as the lead is asked to do in restore/fix/dictionary.py
(`BUILTIN = ("news", "news_mined", "tortured")`); pass --builtin-extra none for the built-ins as
they are. --lexicon adds user dictionaries (they take precedence over the built-ins).
--exclude-tortured-phrases drops the built-in "tortured" entries whose spun side is any gold
record's "phrase" (tortured_in_context_dev), to measure the dictionary on phrases it has not seen.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from restore.metrics import read_jsonl  # names the file and line of a bad record
from restore_dev import shared_scorer
from restore_dev.dictionary_variants import exclude_tortured_phrases, insert_builtins


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--no-detector", action="store_true")
    ap.add_argument("--lexicon", action="append", default=[])
    ap.add_argument("--builtin-extra", action="append", default=None)
    ap.add_argument("--exclude-tortured-phrases", action="store_true")
    ap.add_argument("--threshold", type=float, default=0.6)
    ap.add_argument("--model-threshold", type=float, default=None, help="(default: Config's)")
    ap.add_argument("--detect-threshold", type=float, default=None,
                    help="span probability a detector span needs (default: the detector's operating point)")
    ap.add_argument("--refine-threshold", type=float, default=None,
                    help="ask the model again about sub-runs of a span at this detector probability")
    ap.add_argument("--passes", type=int, default=None, help="Config.passes (default: Config's)")
    ap.add_argument("--no-spinner-vocab", action="store_true",
                    help="Config.spinner_vocab off (restore fix --no-spinner-vocab)")
    ap.add_argument("--consistent", action="store_true",
                    help="Config.consistent on (restore fix --consistent)")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--offset", type=int, default=0, help="skip the first N gold documents (then --limit)")
    ap.add_argument("--explain", default=None,
                    help="also write each document's edits (applied and reported) and detector spans "
                         "here, for scripts/eval/error_analysis.py")
    shared_scorer.add_argument(ap)
    args = ap.parse_args(argv)

    import restore
    from restore.fix import dictionary as lexmod
    from restore.config import Config

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    gold, gold_path = shared_scorer.select(args.gold, list(read_jsonl(args.gold)), args.offset, args.limit,
                                           os.path.splitext(args.out)[0] + ".gold.jsonl")

    insert_builtins(["news_mined"] if args.builtin_extra is None else [x for x in args.builtin_extra if x != "none"])
    if args.exclude_tortured_phrases:
        exclude_tortured_phrases(gold)

    cfg = Config(threshold=args.threshold, lexicons=tuple(args.lexicon), use_model=not args.no_model,
                 use_detector=not args.no_detector, detect_threshold=args.detect_threshold,
                 refine_threshold=args.refine_threshold,
                 **({"model_threshold": args.model_threshold} if args.model_threshold is not None else {}),
                 consistent=args.consistent, spinner_vocab=not args.no_spinner_vocab,
                 **({"passes": args.passes} if args.passes is not None else {}))
    lex = lexmod.load_lexicon(cfg.lexicons, cfg.builtin)
    print(f"dictionaries: {', '.join(f'{n} ({c})' for n, _, c in lex.sources)}; {len(lex)} entries", file=sys.stderr)

    t0 = time.time()
    n_edits = 0
    explain = open(args.explain, "w", encoding="utf-8") if args.explain else None
    with open(args.out, "w", encoding="utf-8") as fh:
        for g in gold:
            res = restore.restore_and_explain(g["spun"], cfg)
            n_edits += sum(e.applied for e in res.edits)
            fh.write(json.dumps({"id": g["id"], "restored": res.text}, ensure_ascii=False) + "\n")
            if explain:
                explain.write(json.dumps({"id": g["id"], "edits": [e.to_dict() for e in res.edits],
                                          "spans": [s.to_dict() for s in res.spans]}, ensure_ascii=False) + "\n")
    if explain:
        explain.close()
    dt = time.time() - t0
    print(f"restored {len(gold)} documents in {dt:.1f}s ({n_edits} applied edits) -> {args.out}", file=sys.stderr)

    figures = shared_scorer.score("restore", gold_path, args.out, args.scorer)
    figures["signature"] = restore.signature_of(cfg)
    with open(os.path.splitext(args.out)[0] + ".score.json", "w", encoding="utf-8") as fh:
        json.dump(figures, fh, indent=1)
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
