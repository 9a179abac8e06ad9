"""The text of each output format of ``restore fix`` (``Formatter``): jsonl, json, html, unified
diff, text (the restored text, or a word diff). Renderers are imported only for the format that needs them."""
from __future__ import annotations

from typing import Any

from restore.io.read import UTF8_BOM, Document
from restore.io.records import error_record, fix_record, record_json


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
            from restore.edits.diff import segments_from_edits
            from restore.render.html import render_html
            from restore.types import Span

            meta = {"source": doc.id, "signature": result.signature, "spun_score": round(result.spun_score, 4),
                    "edits applied": len(result.applied), "edits reported (marked)": len(result.reported),
                    "spans unrestored (marked)": len(result.unrestored)}
            reported = [Span(e.start, e.end, e.original, e.confidence, e.replacement, e.source) for e in result.reported]
            return render_html(segments_from_edits(doc.text, result.edits), title=f"restore: {doc.id}", meta=meta,
                               spans=[*result.unrestored, *reported])
        if self.fmt == "diff":
            from restore.render.unified import render_unified

            name = doc.id if doc.kind == "jsonl" else doc.path
            return render_unified(doc.text, result.text, f"a/{name}", f"b/{name}")
        # text
        if self.show == "diff":
            from restore.edits.diff import segments_from_edits
            from restore.render.terminal import render_terminal

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

    def error(self, err) -> str:
        """The error record of an input that could not be restored, in its place (json and jsonl only)."""
        if self.fmt == "jsonl":
            return record_json(error_record(err)) + "\n"
        if self.fmt == "json":
            self._json.append(error_record(err))
        return ""

    def finish(self) -> str:
        if self.fmt != "json":
            return ""
        obj: Any = self._json if self.several else (self._json[0] if self._json else None)
        if obj is None:
            return ""
        return record_json(obj, indent=2) + "\n"
