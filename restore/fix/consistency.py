"""One spinner, one substitute: a confident restoration decides the other places of the document
where the model proposed the same wording.

A spinner looks each word up in its own database, so within one document the same original comes
out as the same few substitutes ("year" -> "yr" throughout, "said" -> "stated"); a curated
database with one or two options per word makes this nearly always so. When the pipeline has
restored "yr" -> "year" with confidence at one place, another "yr" where the restorer proposed
"year" too but less surely (0.72 against 0.8) most likely went through the same lookup.

``consistent_edits`` applies a model edit that was only reported (under the threshold) when the
same wording was restored the same way elsewhere in the document by model edits that cleared
``min_confidence`` (all of them the same way), at the lower confidence of those. Only places the
detector flagged and the model proposed that very wording for are touched: carrying a restoration
to every occurrence of the wording was measured and changed correct words ("company" that was
"company" in the original) too often (docs/history.md). Edits inside protected material or
paragraphs that were not checked are left as they were.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from restore.text.protect import protected_ranges
from restore.types import Edit

MAX_WORDS = 3
RULE = "consistency: the same wording was restored elsewhere in this document"


def _overlaps(a: int, b: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in ranges)


def consistent_edits(text: str, edits: Sequence[Edit], min_confidence: float,
                     unchecked: Iterable[tuple[int, int, str]] = ()) -> tuple[Edit, ...]:
    """``edits`` (in their order) with the reported edits that repeat a confident model restoration
    of the document (same wording, same replacement) applied; ``unchecked``: (start, end, reason)
    of paragraphs that were not checked."""
    by_key: dict[str, list[Edit]] = {}
    for e in edits:
        if (e.applied and e.source == "model" and e.confidence >= min_confidence and e.replacement
                and e.original.strip() == e.original and 0 < len(e.original.split()) <= MAX_WORDS
                and any(c.isalpha() for c in e.original)):
            by_key.setdefault(e.original.lower(), []).append(e)
    wording = {k: (g[0].replacement.lower(), min(e.confidence for e in g)) for k, g in by_key.items()
               if len({e.replacement.lower() for e in g}) == 1}  # restored two ways: not carried
    if not wording:
        return tuple(edits)
    applied = [(e.start, e.end) for e in edits if e.applied]
    blocked = list(protected_ranges(text)) + [(a, b) for a, b, *_ in unchecked]
    out = list(edits)
    for i, e in enumerate(edits):
        w = wording.get(e.original.lower())
        if (e.applied or e.source != "model" or w is None or e.replacement.lower() != w[0]
                or _overlaps(e.start, e.end, applied) or _overlaps(e.start, e.end, blocked)):
            continue
        out[i] = replace(e, applied=True, confidence=max(e.confidence, w[1]),
                         rule=f"{RULE} (its own confidence here {e.confidence:.2f})")
        applied.append((e.start, e.end))
    return tuple(out)
