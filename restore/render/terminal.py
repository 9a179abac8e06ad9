"""Terminal renderings of a diff: coloured (rich -> ANSI) or plain wdiff-style markers.

Pure functions of a ``restore.edits.diff.Segment`` list. ``rich`` is imported only when colour is
actually rendered, so importing this module (and the CLI) stays cheap.
"""
from __future__ import annotations

import io
import json
import os
import sys
from typing import IO, Any, Iterable, Iterator, Sequence

from restore.edits.diff import Segment
from restore.types import Edit, Result, Span
from restore.render.common import SpanIndex, pieces

DEL_OPEN, DEL_CLOSE = "[-", "-]"
INS_OPEN, INS_CLOSE = "{+", "+}"
DEL_STYLE = "red strike"
INS_STYLE = "green"
SPUN_STYLE = "yellow underline"  # unchanged text that still looks spun (colour only)


def use_color(stream: IO | None = None) -> bool:
    """Should output to ``stream`` (default stdout) be coloured?

    ``NO_COLOR`` (any non-empty value) always wins; then ``FORCE_COLOR`` (non-empty, not "0")
    forces colour; otherwise colour only if the stream is a terminal.
    """
    if os.environ.get("NO_COLOR", ""):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force and force != "0":
        return True
    stream = sys.stdout if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return False


def _parts(segments: Iterable[Segment], spans: Iterable[Any] = ()) -> Iterator[tuple[str, str]]:
    """(kind, text) in output order: "equal" text ("spun" where one of ``spans``, offsets into the
    old text, lies in it), then each change's "del" and "ins" text."""
    index = SpanIndex(spans)
    a_pos = 0
    for s in pieces(segments):
        if s.op == "equal":
            for t, span in index.runs(s.b_text, a_pos):
                yield ("equal" if span is None else "spun"), t
        else:
            if s.a_text:
                yield "del", s.a_text
            if s.b_text:
                yield "ins", s.b_text
        a_pos += len(s.a_text)


_MARKS = {"del": (DEL_OPEN, DEL_CLOSE), "ins": (INS_OPEN, INS_CLOSE)}
_STYLES = {"del": DEL_STYLE, "ins": INS_STYLE, "spun": SPUN_STYLE}


def _plain(segments: Iterable[Segment]) -> str:
    return "".join(t if k == "equal" else _MARKS[k][0] + t + _MARKS[k][1] for k, t in _parts(segments))


def _console(width: int):
    from rich.console import Console

    kw = dict(file=io.StringIO(), force_terminal=True, color_system="standard", no_color=False,
              highlight=False, emoji=False, markup=False, legacy_windows=False, width=width)
    try:  # ignore NO_COLOR/COLUMNS/TERM from the environment: the caller already decided
        return Console(_environ={}, **kw)
    except TypeError:  # pragma: no cover - older rich without _environ
        return Console(**kw)


def _wrapped(segments: Iterable[Segment], width: int, spans: Iterable[Any] = ()) -> str:
    """Coloured and wrapped by rich (which also expands tabs and drops control characters)."""
    from rich.text import Text

    text = Text()
    for k, t in _parts(segments, spans):
        text.append(t, style=_STYLES.get(k))
    console = _console(width)
    console.print(text, end="")
    return console.file.getvalue()


def _colour(segments: Iterable[Segment], spans: Iterable[Any] = ()) -> str:
    """Coloured, every character of both texts kept as is; styles are closed at each line end."""
    from rich.color import ColorSystem
    from rich.style import Style

    styles = {k: Style.parse(v) for k, v in _STYLES.items()}

    def paint(kind: str, s: str) -> str:
        st = styles[kind]
        return "\n".join(st.render(line, color_system=ColorSystem.STANDARD) if line else ""
                         for line in s.split("\n"))

    return "".join(t if k == "equal" else paint(k, t) for k, t in _parts(segments, spans))


def render_terminal(segments: Sequence[Segment], color: bool | None = None, width: int | None = None,
                    stream: IO | None = None, spans: Sequence[Any] = ()) -> str:
    """The output text with its changes shown.

    ``color=True``: ANSI (deletions red struck through, then insertions green), every character
    kept; ``width`` wraps the coloured text at that many columns with rich (None: no wrapping).
    ``color=False``: plain text with ``[-old-]{+new+}`` markers, never re-wrapped: dropping the
    ``[-..-]`` blocks and unwrapping ``{+..+}`` gives the new text, the other way round the old one.
    ``color=None``: decide with ``use_color(stream)`` (stdout by default). ``spans`` (offsets into
    the old text, e.g. ``Result.unrestored``): in colour, the unchanged text they cover is
    underlined in yellow (plain text has no marker for them).
    """
    segs = list(segments)
    if color is None:
        color = use_color(stream)
    if not color:
        return _plain(segs)
    return _wrapped(segs, width, spans) if width else _colour(segs, spans)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def edit_line(text: str, e: Edit) -> str:
    """``  12:34  "legal rights" -> "rights"  dictionary 0.97  news: ...`` (line:column, 1-based)."""
    line, col = _line_col(text, e.start)
    parts = [f"  {line}:{col}  {_q(e.original)} -> {_q(e.replacement)}  {e.source} {e.confidence:.2f}"]
    if e.rule:
        parts.append(f"  {e.rule}")
    if not e.applied:
        parts.append("  (reported, below threshold)")
    return "".join(parts)


def span_line(text: str, s: Span) -> str:
    """``  12:34  "speech act notes"  unrestored: detector 0.98, no wording`` for a span that still looks spun."""
    line, col = _line_col(text, s.start)
    return f"  {line}:{col}  {_q(s.text)}  unrestored: {s.source} {s.confidence:.2f}, no wording"


def render_edit_list(result: Result) -> str:
    """One line per edit of ``result`` (applied and reported) and per span that still looks spun
    without an edit (``Result.unrestored``), in text order, each ending in a newline; "" if none."""
    rows = [(e.start, 0, edit_line(result.input, e)) for e in result.edits]
    rows += [(s.start, 1, span_line(result.input, s)) for s in result.unrestored]
    return "".join(line + "\n" for _start, _k, line in sorted(rows, key=lambda r: (r[0], r[1])))
