"""Apply edits to text, check them, and map offsets from the input to the output."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Sequence

from restore.types import Edit


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


_GAP_RE = re.compile(r"\s+")


def keep_layout(original: str, replacement: str) -> str:
    """``replacement`` spaced as ``original`` was: a span the spinner's words broke across lines
    ("human legal\nrights") is restored across lines too ("human\nrights"), so that a hard-wrapped
    text keeps its lines, and a tab between the words stays a tab.

    The replacement's gaps take the original's separators in order. When it has fewer gaps, the
    separators that are not one space (line breaks first) are the ones kept; a one-word
    replacement has no gap to keep a line break in. When the original's words are one space
    apart, the replacement is returned as it is.
    """
    seps = _GAP_RE.findall(original.strip())
    if all(s == " " for s in seps):
        return replacement
    words = replacement.split(" ")
    gaps = len(words) - 1
    if gaps <= 0:
        return replacement
    if gaps >= len(seps):
        use = seps + [" "] * (gaps - len(seps))
    else:
        keep = sorted(range(len(seps)), key=lambda i: ("\n" not in seps[i], seps[i] == " ", i))[:gaps]
        use = [seps[i] for i in sorted(keep)]
    return words[0] + "".join(s + w for s, w in zip(use, words[1:]))


def with_layout(edits: Iterable[Edit]) -> list[Edit]:
    """``edits`` with :func:`keep_layout` applied to each replacement; an edit that changed only
    the spacing of its words is dropped."""
    out = []
    for e in edits:
        rep = keep_layout(e.original, e.replacement)
        if rep == e.original:
            continue
        out.append(e if rep == e.replacement else replace(e, replacement=rep))
    return out


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
