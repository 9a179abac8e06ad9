"""What every renderer walks: a segment list as equal text and changes.

``restore.edits.diff.diff`` may give an ``equal`` segment whose two sides differ in whitespace only
(e.g. ``"the"`` vs ``" the"``); renderers must still rebuild both texts, so such a segment is split
here, character by character, into equal runs and whitespace changes.
"""
from __future__ import annotations

import difflib
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from restore.edits.diff import Segment
from restore.types import Edit


@dataclass(frozen=True)
class Piece:
    op: str  # equal | replace | delete | insert
    a_text: str
    b_text: str
    edit: Edit | None = None

    @property
    def changed(self) -> bool:
        return self.op != "equal"


def _op(a: str, b: str) -> str:
    if a and b:
        return "replace"
    return "delete" if a else "insert"


def pieces(segments: Iterable[Segment]) -> Iterator[Piece]:
    for s in segments:
        if s.op != "equal":
            yield Piece(s.op, s.a_text, s.b_text, s.edit)
        elif s.a_text == s.b_text:
            yield Piece("equal", s.a_text, s.b_text)
        else:
            a, b = s.a_text, s.b_text
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "equal":
                    yield Piece("equal", a[i1:i2], b[j1:j2])
                else:
                    yield Piece(_op(a[i1:i2], b[j1:j2]), a[i1:i2], b[j1:j2])


class SpanIndex:
    """Spans (offsets into the old text) to mark inside unchanged stretches of a diff."""

    def __init__(self, spans: Iterable[Any] = ()):
        self.marks = sorted(spans, key=lambda s: (s.start, s.end))
        self.starts = [m.start for m in self.marks]

    def runs(self, t: str, offset: int) -> list[tuple[str, Any]]:
        """``t``, which starts at ``offset`` of the old text, cut into ``(text, span or None)`` runs
        that join back into ``t``; a span that does not lie inside ``t``, or overlaps one already
        taken, is left out."""
        out: list[tuple[str, Any]] = []
        pos = 0
        for s in self.marks[bisect_left(self.starts, offset):bisect_left(self.starts, offset + len(t))]:
            a, b = s.start - offset, s.end - offset
            if a < pos or b > len(t) or a >= b:
                continue
            out.append((t[pos:a], None))
            out.append((t[a:b], s))
            pos = b
        out.append((t[pos:], None))
        return [(x, s) for x, s in out if x]
