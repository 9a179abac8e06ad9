"""A reader's judgements of the real spun sample (samples/spun_news_tiandy.txt), as TSV files: the
reader shared by both judgement files and the arguments shared by both judges
(scripts/eval/judge_sample.py: edits, restore_dev.judged_edits; scripts/eval/judge_spans.py:
words, restore_dev.judged_words).
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]  # the checkout (restore_dev/ lies in it)
SAMPLES = ROOT / "samples"


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


def sample_parser(doc: str, judged: str, result_help: str) -> argparse.ArgumentParser:
    """The arguments of a judge of the real sample: the text, the judgements, a saved result to read
    instead of running the pipeline, and ``--list-unjudged``."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", type=Path, default=SAMPLES / "spun_news_tiandy.txt")
    ap.add_argument("--judged", type=Path, default=SAMPLES / judged)
    ap.add_argument("--result", type=Path, help=result_help)
    ap.add_argument("--list-unjudged", action="store_true")
    return ap
