#!/usr/bin/env python3
"""Edits on the real spun sample, scored against a reader's judgements of them.

    python3 scripts/judge_sample.py [--text samples/spun_news_tiandy.txt]
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
benchmark.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

JUDGEMENTS = ("right", "wrong", "unsure")


def read_judged(path: Path) -> dict[tuple[int, int, str], str]:
    """(start, end, replacement) -> judgement, from a TSV of start, end, original, replacement,
    judgement (``#`` lines are comments)."""
    out: dict[tuple[int, int, str], str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5 or parts[4] not in JUDGEMENTS:
            raise SystemExit(f"judge_sample: {path}:{n}: expected start, end, original, replacement, "
                             f"judgement ({'/'.join(JUDGEMENTS)}), tab-separated")
        out[(int(parts[0]), int(parts[1]), parts[3])] = parts[4]
    return out


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", type=Path, default=ROOT / "samples" / "spun_news_tiandy.txt")
    ap.add_argument("--judged", type=Path, default=ROOT / "samples" / "spun_news_tiandy.judged.tsv")
    ap.add_argument("--result", type=Path, help="the JSON of `restore fix -f json` on --text (else restore it here)")
    ap.add_argument("--list-unjudged", action="store_true")
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
