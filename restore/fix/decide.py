"""Choosing among proposals: at most one edit per stretch of text (``decide``), the document
score without a calibrated detector, and how detector spans and model edits relate (the sub-runs
``--refine-threshold`` asks about again; the spans ``detect --suggest`` narrows). No torch."""
from __future__ import annotations

import math
from typing import Sequence

from restore.edits.diff import changed_parts
from restore.types import Edit, Span


RANK = {"user": 0, "dictionary": 1, "lm": 2, "model": 3}


def _rank(e: Edit) -> float:
    """Which source wins a stretch of text: a scientific term (``--domain science``) applied comes
    right after the dictionary, one only reported after the model."""
    if e.source == "terms":
        return 1.5 if e.applied else 3.5
    return RANK.get(e.source, 9)


def decide(candidates: list[Edit]) -> list[Edit]:
    """At most one edit per stretch of text: dictionary before model, then higher confidence."""
    chosen: list[Edit] = []
    for e in sorted(candidates, key=lambda e: (_rank(e), not e.applied, -e.confidence, e.start)):
        if any(c.start < e.end and e.start < c.end or (c.start == e.start == c.end == e.end) for c in chosen):
            continue
        chosen.append(e)
    return sorted(chosen, key=lambda e: (e.start, e.end))


def density_score(edits: Sequence[Edit], spans: Sequence[Span], words: int) -> float:
    """Without a calibrated detector: saturating density of evidence per 1,000 words."""
    ev = sum(e.confidence for e in edits) + sum(s.confidence for s in spans)
    if not words or not ev:
        return 0.0
    return round(1.0 - math.exp(-1000.0 * ev / words / 4.0), 4)


def sub_runs(spans: Sequence[Span], finer: Sequence[Span]) -> list[Span]:
    """The detector's spans at a higher threshold (``finer``) that lie strictly inside one of
    ``spans``: the narrower runs of its surest words (``Config.refine_threshold``)."""
    return [f for f in finer if f.source == "detector" and any(
        s.start <= f.start and f.end <= s.end and (s.start, s.end) != (f.start, f.end) for s in spans)]


def unresolved(subs: Sequence[Span], edits: Sequence[Edit]) -> list[Span]:
    """The sub-runs that no applied edit already covers."""
    done = [(e.start, e.end) for e in edits if e.applied]
    return [f for f in subs if not any(a <= f.start and f.end <= b for a, b in done)]


def suggested_spans(spans: Sequence[Span], edits: Sequence[Edit]) -> list[Span]:
    """``Config.detect_suggest``: a detector span that a model edit (applied or only reported)
    overlaps becomes the words that edit changes, with the model's wording as its suggestion
    (source "model", the detector's probability as confidence): "video clip" with the model's
    "video" gives "clip" -> "". Other spans stay as they are."""
    model = [e for e in edits if e.source == "model" and e.end > e.start]
    out: dict[tuple[int, int], Span] = {}
    for s in spans:
        hits = [e for e in model if e.start < s.end and s.start < e.end] if s.source == "detector" else []
        if not hits:
            out.setdefault((s.start, s.end), s)
            continue
        for e in hits:
            for a, b, rep in changed_parts(e.original, e.replacement) or [(0, e.end - e.start, e.replacement)]:
                key = (e.start + a, e.start + b)
                conf = max(s.confidence, out[key].confidence) if key in out else s.confidence
                out[key] = Span(key[0], key[1], e.original[a:b], conf, rep, source="model")
    return sorted(out.values(), key=lambda x: (x.start, x.end))
