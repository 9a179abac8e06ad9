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
from typing import Iterator

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

JUDGEMENTS = ("right", "wrong", "unsure")


def judged_rows(path: Path, columns: tuple[str, ...], judgements: tuple[str, ...],
                meta: dict[str, str] | None = None) -> Iterator[list[str]]:
    """The rows of a judgements TSV (tab-separated ``columns``, the last one a judgement from
    ``judgements``), checked; ``# key<TAB>value`` lines go into ``meta``, other ``#`` lines are comments."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            kv = line[1:].strip().split("\t")
            if meta is not None and len(kv) == 2:
                meta[kv[0]] = kv[1]
            continue
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != len(columns) or parts[-1] not in judgements:
            raise SystemExit(f"{path}:{n}: expected {', '.join(columns)} ({'/'.join(judgements)}), tab-separated")
        yield parts


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


def sample_parser(doc: str, judged: str, result_help: str) -> argparse.ArgumentParser:
    """The arguments of a judge of the real sample: the text, the judgements, a saved result to read
    instead of running the pipeline, and ``--list-unjudged``."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", type=Path, default=ROOT / "samples" / "spun_news_tiandy.txt")
    ap.add_argument("--judged", type=Path, default=ROOT / "samples" / judged)
    ap.add_argument("--result", type=Path, help=result_help)
    ap.add_argument("--list-unjudged", action="store_true")
    return ap


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
