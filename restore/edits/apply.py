"""Apply edits to text, check them, and map offsets from the input to the output."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Sequence

from restore.types import Edit


def check_edits(text: str, edits: Sequence[Edit]) -> None:
    """Raise ValueError unless edits are sorted, non-overlapping and match ``text``."""
    prev_end = 0
    for e in edits:
        if e.start < prev_end:
            raise ValueError(f"edits overlap or are unsorted at {e.start}")
        if e.end > len(text):
            raise ValueError(f"edit [{e.start}, {e.end}) runs past the text ({len(text)})")
        if text[e.start:e.end] != e.original:
            raise ValueError(f"edit [{e.start}, {e.end}) says {e.original!r}, text has {text[e.start:e.end]!r}")
        prev_end = e.end


_GAP_RE = re.compile(r"\s+")


def keep_layout(original: str, replacement: str) -> str:
    """``replacement`` spaced as ``original`` was: a span the spinner's words broke across lines
    ("human legal\nrights") is restored across lines too ("human\nrights"), so that a hard-wrapped
    text keeps its lines, and a tab between the words stays a tab.

    The replacement's gaps take the original's separators in order. When it has fewer gaps, the
    separators that are not one space (line breaks first) are the ones kept; a one-word
    replacement has no gap to keep a line break in. When the original's words are one space
    apart, the replacement is returned as it is.
    """
    seps = _GAP_RE.findall(original.strip())
    if all(s == " " for s in seps):
        return replacement
    words = replacement.split(" ")
    gaps = len(words) - 1
    if gaps <= 0:
        return replacement
    if gaps >= len(seps):
        use = seps + [" "] * (gaps - len(seps))
    else:
        keep = sorted(range(len(seps)), key=lambda i: ("\n" not in seps[i], seps[i] == " ", i))[:gaps]
        use = [seps[i] for i in sorted(keep)]
    return words[0] + "".join(s + w for s, w in zip(use, words[1:]))


def with_layout(edits: Iterable[Edit]) -> list[Edit]:
    """``edits`` with :func:`keep_layout` applied to each replacement; an edit that changed only
    the spacing of its words is dropped."""
    out = []
    for e in edits:
        rep = keep_layout(e.original, e.replacement)
        if rep == e.original:
            continue
        out.append(e if rep == e.replacement else replace(e, replacement=rep))
    return out


def apply_edits(text: str, edits: Iterable[Edit], only_applied: bool = True) -> str:
    """Rebuild the output: ``text`` with every (applied) edit put in. Edits must be sorted and disjoint."""
    chosen = [e for e in edits if e.applied or not only_applied]
    check_edits(text, chosen)
    out: list[str] = []
    pos = 0
    for e in chosen:
        out.append(text[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def output_offsets(edits: Iterable[Edit]) -> list[tuple[int, int] | None]:
    """For each edit, its [start, end) in the output text (None for an edit that was not applied)."""
    shift = 0
    res: list[tuple[int, int] | None] = []
    for e in edits:
        if not e.applied:
            res.append(None)
            continue
        start = e.start + shift
        res.append((start, start + len(e.replacement)))
        shift += len(e.replacement) - (e.end - e.start)
    return res


def _map(applied: Sequence[Edit], outs: Sequence[tuple[int, int]], pos: int, end: bool) -> int:
    """The input offset of output offset ``pos`` (not strictly inside a replacement). At a deletion's
    point an ``end`` maps before the deleted text, a start after it."""
    shift = 0
    for e, (os, oe) in zip(applied, outs):
        if oe < pos or (oe == pos and (os < oe or not end)):
            shift += (e.end - e.start) - (oe - os)
        else:
            break
    return pos + shift


def compose(text: str, first: Sequence[Edit], second: Sequence[Edit]) -> list[Edit]:
    """The edits of ``text`` that do what ``first`` does and then ``second`` (whose offsets point
    into ``apply_edits(text, first)``): ``apply_edits(text, compose(text, first, second)) ==
    apply_edits(apply_edits(text, first), second)``.

    A ``second`` edit that overlaps the replacement of a ``first`` edit merges with it into one
    edit of ``text`` (with the later edit's source, the lower confidence, and both rules); the
    others keep their own spans. Reported (not applied) edits are kept where no applied edit
    overlaps them."""
    a1 = sorted((e for e in first if e.applied), key=lambda e: (e.start, e.end))
    outs = [o for o in output_offsets(a1) if o is not None]
    mid = apply_edits(text, a1)
    a2 = sorted((e for e in second if e.applied), key=lambda e: (e.start, e.end))
    merged: set[int] = set()
    out: list[tuple[Edit, int]] = []  # each with where it lies in the middle text (orders insertions)
    for group in _groups(a2, outs):
        e2s = [a2[j] for j in group[0]]
        e1s = [a1[i] for i in group[1]]
        merged.update(group[1])
        r0 = min([e.start for e in e2s] + [outs[i][0] for i in group[1]])
        r1 = max([e.end for e in e2s] + [outs[i][1] for i in group[1]])
        start = e1s[0].start if e1s and outs[group[1][0]][0] == r0 else _map(a1, outs, r0, end=False)
        stop = e1s[-1].end if e1s and outs[group[1][-1]][1] == r1 else _map(a1, outs, r1, end=True)
        local = [replace(e, start=e.start - r0, end=e.end - r0) for e in e2s]
        rep = apply_edits(mid[r0:r1], local)
        rule = "; ".join(e.rule for e in e2s) + ("" if not e1s else " (over: " + "; ".join(e.rule for e in e1s) + ")")
        out.append((replace(e2s[0], start=start, end=stop, original=text[start:stop], replacement=rep,
                            confidence=min(e.confidence for e in e2s), rule=rule, type="R" if rep else "U"), r0))
    out += [(e, outs[i][0]) for i, e in enumerate(a1) if i not in merged]
    applied = [e for e, _ in sorted(out, key=lambda x: (x[0].start, x[0].end, x[1]))]
    reported = [e for e in first if not e.applied]
    for e in second:  # reported edits of the second pass, where no replacement of the first lies
        if not e.applied and not any(os < e.end and e.start < oe or os == oe == e.start for os, oe in outs):
            s, t = _map(a1, outs, e.start, end=False), _map(a1, outs, e.end, end=True)
            reported.append(replace(e, start=s, end=t, original=text[s:t]))
    return _with_reports(applied, reported)


def _groups(a2: Sequence[Edit], outs: Sequence[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """``a2`` edits grouped with the first-pass replacements (``outs``) they overlap, transitively:
    (indices into ``a2``, indices into ``outs``), in order."""
    groups: list[tuple[list[int], list[int]]] = []
    hi = -1
    for j, e in enumerate(a2):
        hits = [i for i, (os, oe) in enumerate(outs) if os < e.end and e.start < oe
                or (os == oe and (e.start < os < e.end or os == e.start == e.end))]
        lo = min([e.start] + [outs[i][0] for i in hits])
        if groups and (lo < hi or (hits and groups[-1][1] and hits[0] <= groups[-1][1][-1])):
            groups[-1][0].append(j)
            groups[-1][1].extend(i for i in hits if i not in groups[-1][1])
        else:
            groups.append(([j], list(hits)))
        hi = max([hi, e.end] + [outs[i][1] for i in hits])
    return groups


def _with_reports(applied: list[Edit], reported: list[Edit]) -> list[Edit]:
    """``applied`` (sorted, disjoint) with each reported edit that overlaps none of them nor an
    earlier report, sorted."""
    kept = list(applied)
    for e in sorted(reported, key=lambda e: (e.start, e.end)):
        if not any(k.start < e.end and e.start < k.end or k.start == e.start or k.end == e.end for k in kept):
            kept.append(e)
    order = {id(e): i for i, e in enumerate(applied)}
    return sorted(kept, key=lambda e: (e.start, e.end, order.get(id(e), -1)))
