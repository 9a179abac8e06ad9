"""What every renderer walks: a segment list as equal text and changes.

``restore.align.diff`` may give an ``equal`` segment whose two sides differ in whitespace only
(e.g. ``"the"`` vs ``" the"``); renderers must still rebuild both texts, so such a segment is split
here, character by character, into equal runs and whitespace changes.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..align import Segment
from ..types import Edit


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
