"""Reference edits first, the usual pipeline for the rest: what ``Config.reference`` does to a
``restore_batch`` or ``detect_batch`` result."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from restore.config import Config
from restore.edits.apply import apply_edits
from restore.types import Detection, Edit, Result


def _overlaps(e: Edit, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(a < e.end and e.start < b or (e.start == e.end and a <= e.start <= b) for a, b in ranges)


def merged_edits(pipeline: Sequence[Edit], reference: Sequence[Edit], covered: Sequence[tuple[int, int]]) -> list[Edit]:
    """The reference's edits, and the pipeline's where the source confirms nothing (outside the
    sentences it covers, away from the reference's own edits)."""
    taken = list(covered) + [(e.start, e.end) for e in reference]
    kept = [e for e in pipeline if not _overlaps(e, taken)]
    return sorted([*reference, *kept], key=lambda e: (e.start, e.end, e.source != "reference"))


def _sources(items: Sequence[object], kind: type, cfg: Config) -> list:
    """For each Result or Detection (``kind``) that was checked, its ``SourceMatch`` in the archive of
    ``cfg.reference``; None for anything else (an InputError, a text not checked)."""
    from restore.reference.match import find_source, open_index

    idx = open_index(cfg.reference)  # type: ignore[arg-type]
    return [find_source(x.input if kind is Result else x.text, idx, cfg.threshold)  # type: ignore[attr-defined]
            if isinstance(x, kind) and x.skipped is None else None for x in items]


def with_reference(results: Sequence[object], cfg: Config) -> list[object]:
    """Each Result with its source's edits put first (``restore.reference.match.find_source``);
    a page with no sure source keeps the pipeline's result and says so (``reference`` None)."""
    out: list[object] = []
    for r, found in zip(results, _sources(results, Result, cfg)):
        if not isinstance(r, Result):
            out.append(r)
        elif found is None or not found.sure or found.alignment is None:
            out.append(replace(r, reference=None, referenced=True))
        else:
            al = found.alignment
            edits = merged_edits(r.edits, al.edits, al.covered)
            out.append(replace(r, text=apply_edits(r.input, edits), edits=tuple(edits),
                               reference=found.best.to_dict(), referenced=True))
    return out


def detections_with_reference(found: Sequence[object], cfg: Config) -> list[object]:
    """Each Detection with the archive document it is a copy of (``reference``; None: none sure)."""
    return [replace(d, reference=m.best.to_dict() if m is not None and m.sure else None, referenced=True)
            if isinstance(d, Detection) else d for d, m in zip(found, _sources(found, Detection, cfg))]
