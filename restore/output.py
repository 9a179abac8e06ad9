"""What the command line writes: records (JSON of a restored or a detected document), the text of
each output format (``Formatter``) and where it goes (``Sink``: stdout, or a file written
atomically). Renderers are imported only for the format that needs them; no torch here."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .io import UTF8_BOM, AtomicWriter, Document

__all__ = ["write_stdout", "record_json", "Sink", "Formatter", "fix_record", "detect_record"]


def write_stdout(s: str) -> None:
    """Write data to stdout as UTF-8 whatever the locale."""
    if not s:
        return
    buf = getattr(sys.stdout, "buffer", None)
    if buf is not None:
        sys.stdout.flush()
        buf.write(s.encode("utf-8"))
        buf.flush()
    else:
        sys.stdout.write(s)
        sys.stdout.flush()


def record_json(obj: Any, indent: int | None = None) -> str:
    """JSON that keeps the key order of input records (new fields come after the input's own)."""
    return json.dumps(obj, ensure_ascii=False, indent=indent)


class Sink:
    """One destination (stdout, a file) that chunks of output go to, written atomically for files."""

    def __init__(self, path: Path | None, dry: bool = False):
        self.path = path
        self.dry = dry
        self._writer: AtomicWriter | None = None
        self._f = None
        self.chunks = 0

    def write(self, s: str) -> None:
        if self.dry or not s:
            return
        self.chunks += 1
        if self.path is None:
            write_stdout(s)
            return
        if self._writer is None:
            self._writer = AtomicWriter(self.path)
            self._f = self._writer.__enter__()
        self._f.write(s.encode("utf-8"))

    def commit(self) -> bool:
        """Finish: a file appears (replacing any old one) only now. True when something was written."""
        if self._writer is not None:
            w, self._writer = self._writer, None
            w.__exit__(None, None, None)
            return True
        return False

    def abort(self) -> None:
        if self._writer is not None:
            w, self._writer = self._writer, None
            w.__exit__(RuntimeError, RuntimeError("aborted"), None)


class Formatter:
    """Turns (document, result) pairs into the text of one output format."""

    def __init__(self, fmt: str, show: str = "text", color: bool = False, several: bool = False,
                 output_field: str = "restored", headers: bool = False):
        self.fmt, self.show, self.color, self.several = fmt, show, color, several
        self.output_field = output_field
        self.headers = headers
        self._json: list[dict] = []
        self._n = 0

    def chunk(self, doc: Document, result) -> str:
        self._n += 1
        if self.fmt == "jsonl":
            return record_json(fix_record(doc, result, self.output_field)) + "\n"
        if self.fmt == "json":
            self._json.append(fix_record(doc, result, self.output_field))
            return ""
        if self.fmt == "html":
            from .align import segments_from_edits
            from .render.html import render_html
            from .types import Span

            meta = {"source": doc.id, "signature": result.signature, "spun_score": round(result.spun_score, 4),
                    "edits applied": len(result.applied), "edits reported (marked)": len(result.reported),
                    "spans unrestored (marked)": len(result.unrestored)}
            reported = [Span(e.start, e.end, e.original, e.confidence, e.replacement, e.source) for e in result.reported]
            return render_html(segments_from_edits(doc.text, result.edits), title=f"restore: {doc.id}", meta=meta,
                               spans=[*result.unrestored, *reported])
        if self.fmt == "diff":
            from .render.unified import render_unified

            name = doc.id if doc.kind == "jsonl" else doc.path
            return render_unified(doc.text, result.text, f"a/{name}", f"b/{name}")
        # text
        if self.show == "diff":
            from .align import segments_from_edits
            from .render.terminal import render_terminal

            body = render_terminal(segments_from_edits(doc.text, result.edits), color=self.color,
                                   spans=result.unrestored)
            if self.color and not body.endswith("\n"):
                body += "\n"
        else:
            body = result.text
            if doc.bom and not self.headers:  # the restored file keeps the input's byte order mark
                body = UTF8_BOM + body
        if self.headers:
            if body and not body.endswith("\n"):
                body += "\n"
            return ("\n" if self._n > 1 else "") + f"==> {doc.id} <==\n" + body
        return body

    def finish(self) -> str:
        if self.fmt != "json":
            return ""
        obj: Any = self._json if self.several else (self._json[0] if self._json else None)
        if obj is None:
            return ""
        return record_json(obj, indent=2) + "\n"


def _document_record(doc: Document, fields: dict) -> dict:
    """The input record (JSONL) or ``id`` and ``path`` (text input), with ``fields`` set in order."""
    rec: dict = dict(doc.record) if doc.record is not None else {"id": doc.id, "path": doc.path}
    rec.update(fields)
    return rec


def _not_checked(record: dict) -> dict:
    """``skipped`` and ``unchecked`` of a text or paragraphs not checked (not English), else nothing."""
    return {k: record[k] for k in ("skipped", "unchecked") if k in record}


def fix_record(doc: Document, result, output_field: str = "restored") -> dict:
    """The JSON record of one restored document: for JSONL input, the input record with
    ``restored`` (or ``output_field``), ``edits``, ``spun_score``, ``signature`` added; for text
    input ``id``, ``path`` and the same fields. Edit offsets ``start``/``end`` point into the input
    text (``rec[field][start:end] == original``), ``out_start``/``out_end`` into the restored text."""
    from .render.jsonout import result_record

    rr = result_record(result)
    return _document_record(doc, {output_field: rr["restored"], "edits": rr["edits"],
                                  "unrestored_spans": rr["unrestored_spans"], "spun_score": rr["spun_score"],
                                  "signature": rr["signature"], **_not_checked(rr)})


def detect_record(doc: Document, detection) -> dict:
    """The JSON record of one detected document: the input record (or ``id``, ``path``) with
    ``spans``, ``spun_score`` and ``signature``."""
    from .render.jsonout import detection_record

    dr = detection_record(detection)
    return _document_record(doc, {"spans": dr["spans"], "spun_score": dr["spun_score"],
                                  "signature": dr["signature"], **_not_checked(dr)})
