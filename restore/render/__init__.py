"""Renderers: pure functions of the one diff structure (``restore.edits.diff.Segment`` lists); the
JSON records are ``restore.io.records``.

No torch here, and rich is imported only when coloured terminal output is rendered.
"""
from __future__ import annotations

from typing import Any, Sequence

from restore.edits.diff import Segment
from restore.io.records import diff_record, dumps
from restore.render.html import render_detection_html, render_html
from restore.render.terminal import render_edit_list, render_terminal, use_color
from restore.render.unified import render_unified

FORMATS = ("text", "json", "jsonl", "html", "diff")

__all__ = [
    "FORMATS", "render_segments", "render_terminal", "render_edit_list", "use_color", "render_html", "render_detection_html",
    "render_unified",
]


def render_segments(fmt: str, segments: Sequence[Segment], a: str, b: str, **kw: Any) -> str:
    """Render the diff of ``a`` and ``b`` (``segments``, e.g. ``restore.diff(a, b)``) as ``fmt``.

    Keywords used (others ignored): text: ``color`` (None = auto), ``width``, ``stream``;
    html: ``title``, ``meta``; diff: ``a_name``, ``b_name``, ``context``; json: ``indent`` (2).
    json is one document ``{"segments": [...]}``, jsonl one segment object per line. Every
    non-empty result ends with a newline except "text", which is exactly the rendered text.
    """
    if fmt == "text":
        return render_terminal(segments, color=kw.get("color"), width=kw.get("width"), stream=kw.get("stream"))
    if fmt == "json":
        return dumps(diff_record(segments), indent=kw.get("indent", 2)) + "\n"
    if fmt == "jsonl":
        return "".join(dumps(s.to_dict()) + "\n" for s in segments)
    if fmt == "html":
        return render_html(segments, title=kw.get("title", "restore"), meta=kw.get("meta"))
    if fmt == "diff":
        return render_unified(a, b, a_name=kw.get("a_name", "a"), b_name=kw.get("b_name", "b"),
                              context=kw.get("context", 3))
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
