"""One diff structure for everything that shows a change: word-level segments covering both texts.

``diff(a, b)`` aligns two arbitrary texts on tokens (difflib); ``segments_from_edits(text, edits)``
builds the same structure straight from the pipeline's edits, so renderers can show each change's
source and confidence. Invariant: ``"".join(s.a_text for s in segs) == a`` and the same for ``b``.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import Iterable, Sequence

from restore.text.tokenize import tokenize
from restore.types import Edit


@dataclass(frozen=True)
class Segment:
    op: str  # equal | replace | delete | insert
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str
    edit: Edit | None = None  # the pipeline edit behind a change, when known

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("op", "a_start", "a_end", "b_start", "b_end", "a_text", "b_text")}
        d["edit"] = self.edit.to_dict() if self.edit else None
        return d


def _op(a_text: str, b_text: str) -> str:
    if a_text and b_text:
        return "replace"
    return "delete" if a_text else "insert"


class _Builder:
    def __init__(self, a: str, b: str):
        self.a, self.b = a, b
        self.ap = self.bp = 0
        self.out: list[Segment] = []

    def equal_to(self, a_end: int, b_end: int) -> None:
        if a_end == self.ap and b_end == self.bp:
            return
        seg = Segment("equal", self.ap, a_end, self.bp, b_end, self.a[self.ap:a_end], self.b[self.bp:b_end])
        if self.out and self.out[-1].op == "equal":
            prev = self.out.pop()
            seg = Segment("equal", prev.a_start, a_end, prev.b_start, b_end,
                          self.a[prev.a_start:a_end], self.b[prev.b_start:b_end])
        self.out.append(seg)
        self.ap, self.bp = a_end, b_end

    def change(self, a_end: int, b_end: int, edit: Edit | None = None) -> None:
        at, bt = self.a[self.ap:a_end], self.b[self.bp:b_end]
        if at == bt and edit is None:
            self.equal_to(a_end, b_end)
            return
        self.out.append(Segment(_op(at, bt), self.ap, a_end, self.bp, b_end, at, bt, edit))
        self.ap, self.bp = a_end, b_end


def diff(a: str, b: str) -> list[Segment]:
    """Word-level diff of two texts, trimmed to the minimal changed words."""
    ta, tb = tokenize(a), tokenize(b)
    sm = difflib.SequenceMatcher(None, [t.text for t in ta], [t.text for t in tb], autojunk=False)
    bld = _Builder(a, b)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            bld.equal_to(ta[i2 - 1].end, tb[j2 - 1].end)
            continue
        a_s = ta[i1].start if i2 > i1 else bld.ap
        b_s = tb[j1].start if j2 > j1 else bld.bp
        if i2 == i1 or j2 == j1:  # pure insertion/deletion: it takes the whitespace before it
            a_s, b_s = bld.ap, bld.bp
        bld.equal_to(a_s, b_s)
        a_e = ta[i2 - 1].end if i2 > i1 else a_s
        b_e = tb[j2 - 1].end if j2 > j1 else b_s
        if i2 == i1 and j2 > j1 and b_e < len(b) and b[b_e:b_e + 1].isspace() and not (a_s < len(a) and a[a_s:a_s + 1].isspace()):
            b_e += 1  # "x" -> "new x": the inserted word takes its trailing space
        if j2 == j1 and i2 > i1 and a_e < len(a) and a[a_e:a_e + 1].isspace() and not (b_s < len(b) and b[b_s:b_s + 1].isspace()):
            a_e += 1
        bld.change(a_e, b_e)
    bld.equal_to(len(a), len(b))
    return bld.out


def changed_parts(a: str, b: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of each run of words of ``a`` that ``b`` changes or drops, offsets
    into ``a`` without surrounding whitespace: "human legal rights" -> "human rights" gives only
    "legal" (replacement ""). Empty when every word of ``a`` survives in ``b``."""
    out = []
    for s in diff(a, b):
        if s.op == "equal" or not s.a_text.strip():
            continue
        lead = len(s.a_text) - len(s.a_text.lstrip())
        out.append((s.a_start + lead, s.a_start + len(s.a_text.rstrip()), s.b_text.strip()))
    return out


def segments_from_edits(text: str, edits: Sequence[Edit], output: str | None = None) -> list[Segment]:
    """The diff of ``text`` and its restoration, one segment per applied edit, carrying the edit."""
    from restore.edits.apply import apply_edits

    out = apply_edits(text, edits) if output is None else output
    bld = _Builder(text, out)
    shift = 0
    for e in edits:
        if not e.applied:
            continue
        bld.equal_to(e.start, e.start + shift)
        # trim to the minimal changed words: "human legal rights" -> "human rights" shows only "legal"
        for sub in diff(e.original, e.replacement):
            a_end, b_end = e.start + sub.a_end, e.start + shift + sub.b_end
            if sub.op == "equal" and sub.a_text == sub.b_text:
                bld.equal_to(a_end, b_end)
            elif sub.op == "equal":  # the same words, spaced otherwise ("last " / "last\n"): only the space changed
                pre = len(os.path.commonprefix([sub.a_text, sub.b_text]))
                post = len(os.path.commonprefix([sub.a_text[pre:][::-1], sub.b_text[pre:][::-1]]))
                bld.equal_to(bld.ap + pre, bld.bp + pre)
                bld.change(a_end - post, b_end - post, e)
                bld.equal_to(a_end, b_end)
            else:
                bld.change(a_end, b_end, e)
        shift += len(e.replacement) - (e.end - e.start)
    bld.equal_to(len(text), len(out))
    return bld.out


def edits_from_diff(a: str, b: str, source: str = "user", confidence: float = 1.0) -> list[Edit]:
    """Edits that turn ``a`` into ``b`` (used to score and to show any two texts as edits)."""
    return [
        Edit(s.a_start, s.a_end, s.a_text, s.b_text, source=source, confidence=confidence,
             rule="diff", type={"replace": "R", "delete": "U", "insert": "M"}.get(s.op, "W"))
        for s in diff(a, b) if s.a_text != s.b_text
    ]


def rebuild(segments: Iterable[Segment]) -> tuple[str, str]:
    segs = list(segments)
    return "".join(s.a_text for s in segs), "".join(s.b_text for s in segs)
