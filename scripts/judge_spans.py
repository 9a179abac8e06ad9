#!/usr/bin/env python3
"""Detection on the real spun sample, scored against a reader's judgement of its words.

    python3 scripts/judge_spans.py [--text samples/spun_news_tiandy.txt]
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
output, not a benchmark.
"""
from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from judge_sample import judged_rows, read_judged as read_judged_edits, sample_parser  # noqa: E402

JUDGEMENTS = ("spun", "not", "unsure")
WORD = re.compile(r"\w+|[^\w\s]")  # the shared scorer's words


def read_judged(path: Path) -> tuple[dict[tuple[int, int], str], int]:
    """(start, end) -> judgement, and the offset up to which every word was judged, from a TSV of
    start, end, word, judgement with a ``# portion_end<TAB>N`` line (other ``#`` lines are comments)."""
    meta: dict[str, str] = {}
    rows = judged_rows(path, ("start", "end", "word", "judgement"), JUDGEMENTS, meta)
    out = {(int(p[0]), int(p[1])): p[3] for p in rows}
    return out, int(meta.get("portion_end", 0))


def flagged_words(text: str, spans: list[dict]) -> set[tuple[int, int]]:
    """(start, end) of the words of ``text`` that a span overlaps, as the shared scorer counts them."""
    return {m.span() for m in WORD.finditer(text)
            if any(int(s["start"]) < m.end() and m.start() < int(s["end"]) for s in spans)}


def tally(text: str, spans: list[dict], judged: dict[tuple[int, int], str], portion: int) -> dict[str, Counter]:
    """Judgements of the flagged words ("unjudged" for words not in ``judged``), over the whole text
    and over the read portion, and the portion's spun words that no span touches ("missed")."""
    out = {"flagged": Counter(), "portion": Counter()}
    flagged = flagged_words(text, spans)
    for m in WORD.finditer(text):
        a, b = m.span()
        hit = (a, b) in flagged
        j = judged.get((a, b), "unjudged")
        if hit:
            out["flagged"][j] += 1
        if b <= portion:
            out["portion"][j if hit else ("missed" if j == "spun" else "clear")] += 1
    return out


def figures(c: dict[str, Counter]) -> dict[str, float | None]:
    f, q = c["flagged"], c["portion"]
    p = f["spun"] / (f["spun"] + f["not"]) if f["spun"] + f["not"] else None
    pp = q["spun"] / (q["spun"] + q["not"]) if q["spun"] + q["not"] else None
    r = q["spun"] / (q["spun"] + q["missed"]) if q["spun"] + q["missed"] else None
    f1 = 2 * pp * r / (pp + r) if pp and r else None
    return {"precision": p, "portion_precision": pp, "portion_recall": r, "portion_f1": f1}


def restored_words(judged: dict[tuple[int, int], str], portion: int, edits: list[tuple[int, int]]) -> tuple[int, int]:
    """Spun words of the read portion, and how many of them lie inside one of ``edits`` (start, end)."""
    spun = [k for k, v in judged.items() if v == "spun" and k[1] <= portion]
    return len(spun), sum(1 for a, b in spun if any(s <= a and b <= e for s, e in edits))


def main(argv: list[str] | None = None) -> int:
    ap = sample_parser(__doc__, "spun_news_tiandy.words_judged.tsv",
                       "the JSON of `restore detect -f json` on --text (else detect it here)")
    ap.add_argument("--restoration", action="store_true",
                    help="also restore the text (default pipeline) and count the read portion's spun words that "
                         "applied edits judged right (samples/spun_news_tiandy.judged.tsv, scripts/judge_sample.py) cover")
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

        right = read_judged_edits(ROOT / "samples" / "spun_news_tiandy.judged.tsv")
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
