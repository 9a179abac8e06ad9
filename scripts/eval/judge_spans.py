#!/usr/bin/env python3
"""Detection on the real spun sample, scored against a reader's judgement of its words.

    python3 scripts/eval/judge_spans.py [--text samples/spun_news_tiandy.txt]
        [--judged samples/spun_news_tiandy.words_judged.tsv] [--result FILE.json] [--list-unjudged]
        [--restoration]

The evaluation sets are spun by this project's spinner; the sample article was spun by a real one,
and nobody has its original. A reader judged its words (session 24) as "spun" (a spinner's
substitute or insertion: "stated" for "said", "legal" in "human legal rights"), "not" (most likely
the original's) or "unsure": every word of the first 686 words (up to ``portion_end``), and beyond
them the words of the detector's spans of that session. Words are the shared scorer's (``\\w+`` runs
and single punctuation marks).

This detects with the default pipeline (or reads ``--result``, the JSON of ``restore detect -f
json`` on the text) and counts flagged words by judgement, as the shared scorer counts tokens:
precision = spun / (spun + not) over the judged flagged words of the whole article; recall and F1
over the fully read portion. Flagged words nobody judged are counted as such (``--list-unjudged``
prints them to judge and add). One reader's judgement of one article: a check on real spinner
output, not a benchmark. The judgements are read and counted by restore_dev.judged_words.
"""
from __future__ import annotations

import json
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from restore_dev.judged_edits import read_judged as read_judged_edits
from restore_dev.judged_words import figures, flagged_words, read_judged, restored_words, tally
from restore_dev.judgements import SAMPLES, sample_parser


def main(argv: list[str] | None = None) -> int:
    ap = sample_parser(__doc__, "spun_news_tiandy.words_judged.tsv",
                       "the JSON of `restore detect -f json` on --text (else detect it here)")
    ap.add_argument("--restoration", action="store_true",
                    help="also restore the text (default pipeline) and count the read portion's spun words that "
                         "applied edits judged right (samples/spun_news_tiandy.judged.tsv, scripts/eval/judge_sample.py) cover")
    args = ap.parse_args(argv)

    text = args.text.read_text(encoding="utf-8")
    if args.result:
        rec = json.loads(args.result.read_text(encoding="utf-8"))
        rec = rec[0] if isinstance(rec, list) else rec
        spans, signature = rec["spans"], rec.get("signature", "?")
    else:
        from restore import Config, detect

        d = detect(text, Config())
        spans = [{"start": s.start, "end": s.end} for s in d.spans]
        signature = d.signature
    judged, portion = read_judged(args.judged)
    c = tally(text, spans, judged, portion)
    fig = figures(c)
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    f, q = c["flagged"], c["portion"]
    print(f"signature: {signature}")
    print(f"spans {len(spans)}; flagged words: spun {f['spun']}, not {f['not']}, unsure {f['unsure']}, "
          f"unjudged {f['unjudged']}; judged precision {fmt(fig['precision'])}")
    print(f"first {portion} characters (read in full): flagged spun {q['spun']}, flagged not {q['not']}, "
          f"missed spun {q['missed']}; precision {fmt(fig['portion_precision'])}, recall "
          f"{fmt(fig['portion_recall'])}, F1 {fmt(fig['portion_f1'])}")
    if args.restoration:
        from restore import Config, restore_and_explain

        right = read_judged_edits(SAMPLES / "spun_news_tiandy.judged.tsv")
        edits = [e for e in restore_and_explain(text, Config()).edits
                 if e.applied and right.get((e.start, e.end, e.replacement)) == "right"]
        n, fixed = restored_words(judged, portion, [(e.start, e.end) for e in edits])
        print(f"restoration: of the {n} spun words of the read portion, applied edits judged right cover {fixed} "
              f"({fixed / n:.3f})" if n else "restoration: no spun words in the read portion")
    if args.list_unjudged:
        for a, b in sorted(flagged_words(text, spans) - judged.keys()):
            print(f"{a}\t{b}\t{text[a:b]}\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
