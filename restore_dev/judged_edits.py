"""A reader's judgements of the edits made or reported on the real spun sample
(samples/spun_news_tiandy.judged.tsv; scripts/eval/judge_sample.py): "right", "wrong" or "unsure"
per (start, end, replacement), and the counts of a run's edits by judgement.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from restore_dev.judgements import judged_rows

JUDGEMENTS = ("right", "wrong", "unsure")


def read_judged(path: Path) -> dict[tuple[int, int, str], str]:
    """(start, end, replacement) -> judgement, from a TSV of start, end, original, replacement,
    judgement (``#`` lines are comments)."""
    rows = judged_rows(path, ("start", "end", "original", "replacement", "judgement"), JUDGEMENTS)
    return {(int(p[0]), int(p[1]), p[3]): p[4] for p in rows}


def tally(edits: list[dict], judged: dict[tuple[int, int, str], str]) -> dict[str, Counter]:
    """Counts of judgements ("unjudged" for edits not in ``judged``) for applied and reported edits."""
    out = {"applied": Counter(), "reported": Counter()}
    for e in edits:
        key = (e["start"], e["end"], e["replacement"])
        out["applied" if e["applied"] else "reported"][judged.get(key, "unjudged")] += 1
    return out


def precision(c: Counter) -> float | None:
    n = c["right"] + c["wrong"]
    return c["right"] / n if n else None
