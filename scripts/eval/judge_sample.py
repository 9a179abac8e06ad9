#!/usr/bin/env python3
"""Edits on the real spun sample, scored against a reader's judgements of them.

    python3 scripts/eval/judge_sample.py [--text samples/spun_news_tiandy.txt]
        [--judged samples/spun_news_tiandy.judged.tsv] [--result FILE.json] [--list-unjudged]

The evaluation sets are made by this project's spinner; the sample article was spun by a real
one, and nobody has its original. A reader judged each edit that the pipeline made or reported
on it (session 21, the versions in the README): "right" when the replacement is what the original
most likely said (a spinner's "stated" for "said", "Innovative Guards" for "Revolutionary
Guards"), "wrong" when it is not or changes a word the spinner left, "unsure" when the context
does not tell. This restores the text with the default pipeline (or reads ``--result``, the JSON
of ``restore fix -f json``) and counts its applied and its reported edits by judgement, matching an
edit by its span and replacement; edits nobody has judged are counted as such (``--list-unjudged``
prints them, TSV lines to judge and append). Judged precision = right / (right + wrong) over the
judged edits. One reader's judgement of one article: a check on real spinner output, not a
benchmark. The judgements are read and counted by restore_dev.judged_edits.
"""
from __future__ import annotations

import json
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from restore_dev.judged_edits import precision, read_judged, tally
from restore_dev.judgements import sample_parser


def main(argv: list[str] | None = None) -> int:
    ap = sample_parser(__doc__, "spun_news_tiandy.judged.tsv",
                       "the JSON of `restore fix -f json` on --text (else restore it here)")
    args = ap.parse_args(argv)

    text = args.text.read_text(encoding="utf-8")
    if args.result:
        rec = json.loads(args.result.read_text(encoding="utf-8"))
        edits, signature = rec["edits"], rec.get("signature", "?")
    else:
        from restore import Config, restore_and_explain

        res = restore_and_explain(text, Config())
        edits = [e.to_dict() for e in res.edits]
        signature = res.signature
    judged = read_judged(args.judged)
    counts = tally(edits, judged)
    print(f"signature: {signature}")
    for kind in ("applied", "reported"):
        c = counts[kind]
        p = precision(c)
        print(f"{kind:9s} {sum(c.values()):4d}: right {c['right']}, wrong {c['wrong']}, unsure {c['unsure']}, "
              f"unjudged {c['unjudged']}; judged precision {'-' if p is None else f'{p:.3f}'}")
    if args.list_unjudged:
        for e in edits:
            if (e["start"], e["end"], e["replacement"]) not in judged:
                print(f"{e['start']}\t{e['end']}\t{e['original']}\t{e['replacement']}\t"
                      f"{'applied' if e['applied'] else 'reported'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
