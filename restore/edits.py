"""Apply edits to text, check them, and map offsets from the input to the output."""
from __future__ import annotations

from typing import Iterable, Sequence

from .types import Edit


def check_edits(text: str, edits: Sequence[Edit]) -> None:
    """Raise ValueError unless edits are sorted, non-overlapping and match ``text``."""
    prev_end = 0
    for e in edits:
        if e.start < prev_end:
            raise ValueError(f"edits overlap or are unsorted at {e.start}")
        if e.end > len(text):
            raise ValueError(f"edit [{e.start}, {e.end}) runs past the text ({len(text)})")
        if text[e.start:e.end] != e.original:
            raise ValueError(f"edit [{e.start}, {e.end}) says {e.original!r}, text has {text[e.start:e.end]!r}")
        prev_end = e.end


def apply_edits(text: str, edits: Iterable[Edit], only_applied: bool = True) -> str:
    """Rebuild the output: ``text`` with every (applied) edit put in. Edits must be sorted and disjoint."""
    chosen = [e for e in edits if e.applied or not only_applied]
    check_edits(text, chosen)
    out: list[str] = []
    pos = 0
    for e in chosen:
        out.append(text[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def output_offsets(edits: Iterable[Edit]) -> list[tuple[int, int] | None]:
    """For each edit, its [start, end) in the output text (None for an edit that was not applied)."""
    shift = 0
    res: list[tuple[int, int] | None] = []
    for e in edits:
        if not e.applied:
            res.append(None)
            continue
        start = e.start + shift
        res.append((start, start + len(e.replacement)))
        shift += len(e.replacement) - (e.end - e.start)
    return res
