"""JSON records for results, detections and diffs (one schema for the CLI's json/jsonl output)."""
from __future__ import annotations

import json
from typing import Any, Sequence

from ..align import Segment
from ..edits import output_offsets
from ..types import Detection, Edit, Result, not_checked_fields


def edit_record(edit: Edit, out_span: tuple[int, int] | None) -> dict[str, Any]:
    """Every Edit field plus ``out_start``/``out_end``: where the replacement sits in the output
    (both None for an edit that was reported but not applied)."""
    d = edit.to_dict()
    d["out_start"], d["out_end"] = out_span if out_span is not None else (None, None)
    return d


def span_record(span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text, "confidence": span.confidence,
            "suggestion": span.suggestion, "source": span.source}


def result_record(result: Result, include_input: bool = False) -> dict[str, Any]:
    """``unrestored_spans``: the spans that still look spun, with no edit (``Result.unrestored``)."""
    spans = output_offsets(result.edits)
    d: dict[str, Any] = {
        "restored": result.text,
        "edits": [edit_record(e, sp) for e, sp in zip(result.edits, spans)],
        "unrestored_spans": [span_record(s) for s in result.unrestored],
        "spun_score": result.spun_score,
        "signature": result.signature,
        "changed": result.changed,
    }
    d.update(not_checked_fields(result))
    if include_input:
        d["input"] = result.input
    return d


def detection_record(detection: Detection) -> dict[str, Any]:
    d: dict[str, Any] = {
        "spans": [span_record(s) for s in detection.spans],
        "spun_score": detection.spun_score,
        "signature": detection.signature,
    }
    d.update(not_checked_fields(detection))
    return d


def diff_record(segments: Sequence[Segment]) -> dict[str, Any]:
    return {"segments": [s.to_dict() for s in segments]}


def dumps(obj: Any, indent: int | None = None) -> str:
    """JSON text: UTF-8 kept as is (ensure_ascii=False), keys sorted; one line unless ``indent``."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=indent)
