"""The one JSON record schema: what every writer (``--format json``/``jsonl``, ``Result.to_dict``,
``Detection.to_dict``, the diff command) puts in a record, written once here.

Offsets are code points into the input, half-open. An edit also says where its replacement sits in
the output (``out_start``/``out_end``; None for an edit that was reported, not applied).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from restore.edits.apply import output_offsets

if TYPE_CHECKING:
    from restore.errors import InputError
    from restore.edits.diff import Segment
    from restore.io.read import Document
    from restore.types import Detection, Edit, Result, Span


def not_checked_fields(r: Any) -> dict[str, Any]:
    """The fields of what a Result or Detection did not check, present only when there is some:
    ``triage`` ("cleared": the triage found it clearly clean, no model read it), ``skipped`` (the
    whole text, why) and ``unchecked`` (paragraphs: start, end, reason)."""
    d: dict[str, Any] = {}
    if r.cleared:
        d["triage"] = "cleared"
    if r.skipped is not None:
        d["skipped"] = r.skipped
    if r.unchecked:
        d["unchecked"] = [{"start": a, "end": b, "reason": why} for a, b, why in r.unchecked]
    return d


def edit_record(edit: "Edit", out_span: tuple[int, int] | None) -> dict[str, Any]:
    """Every Edit field plus ``out_start``/``out_end``: where the replacement sits in the output
    (both None for an edit that was reported but not applied)."""
    d = edit.to_dict()
    d["out_start"], d["out_end"] = out_span if out_span is not None else (None, None)
    return d


def span_record(span: "Span") -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text, "confidence": span.confidence,
            "suggestion": span.suggestion, "source": span.source}


def result_record(result: "Result", include_input: bool = False) -> dict[str, Any]:
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
    if result.referenced:
        d["reference"] = result.reference
    d.update(not_checked_fields(result))
    if include_input:
        d["input"] = result.input
    return d


def detection_record(detection: "Detection", include_text: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "spans": [span_record(s) for s in detection.spans],
        "spun_score": detection.spun_score,
        "spinner": detection.spinner.to_dict() if detection.spinner is not None else None,
        "signature": detection.signature,
    }
    if detection.referenced:
        d["reference"] = detection.reference
    d.update(not_checked_fields(detection))
    if include_text:
        d["text"] = detection.text
    return d


def diff_record(segments: "Sequence[Segment]") -> dict[str, Any]:
    return {"segments": [s.to_dict() for s in segments]}


def document_record(doc: "Document", fields: dict) -> dict:
    """The input record (JSONL) or ``id`` and ``path`` (text input), with ``fields`` set in order.
    A PDF's record also carries the text extracted from it (``text``: every offset points into it)
    and ``pages``, the offset where each page starts (page N starts at ``pages[N-1]``)."""
    rec: dict = dict(doc.record) if doc.record is not None else {"id": doc.id, "path": doc.path}
    if doc.kind == "pdf":
        rec["text"] = doc.text
        rec["pages"] = list(doc.pages or ())
    rec.update(fields)
    return rec


def fix_record(doc: "Document", result: "Result", output_field: str = "restored") -> dict:
    """The JSON record of one restored document: for JSONL input, the input record with
    ``restored`` (or ``output_field``), ``edits``, ``unrestored_spans``, ``spun_score``,
    ``signature`` added; for text input ``id``, ``path`` and the same fields. Edit offsets
    ``start``/``end`` point into the input text (``rec[field][start:end] == original``),
    ``out_start``/``out_end`` into the restored text."""
    rr = result_record(result)
    del rr["changed"]
    return document_record(doc, {output_field: rr.pop("restored"), **rr})


def detect_record(doc: "Document", detection: "Detection") -> dict:
    """The JSON record of one detected document: the input record (or ``id``, ``path``) with
    ``spans``, ``spun_score``, ``spinner`` (the family guess, null when the document is not called
    spun) and ``signature``."""
    return document_record(doc, detection_record(detection))


def error_record(err: "InputError") -> dict:
    """What takes the place of a record that could not be made (a malformed JSONL line, a file that
    cannot be read): ``{"error": {"path", "line", "message", "hint"}}``; ``line`` is null for a
    whole file, ``hint`` when there is none."""
    return {"error": {"path": err.path, "line": err.line, "message": err.message, "hint": err.hint}}


def record_json(obj: Any, indent: int | None = None) -> str:
    """JSON that keeps the key order of input records (new fields come after the input's own)."""
    return json.dumps(obj, ensure_ascii=False, indent=indent)


def dumps(obj: Any, indent: int | None = None) -> str:
    """JSON text: UTF-8 kept as is (ensure_ascii=False), keys sorted; one line unless ``indent``."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=indent)
