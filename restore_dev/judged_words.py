"""A reader's judgement of the real spun sample's words, for detection
(samples/spun_news_tiandy.words_judged.tsv; scripts/eval/judge_spans.py): "spun", "not" or "unsure"
per word (the shared scorer's words), every word up to ``portion_end`` and beyond it the words of
earlier detector spans; flagged words counted by judgement as the shared scorer counts tokens.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from restore_dev.judgements import judged_rows

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
