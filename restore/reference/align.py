"""Align a page with its source and put the source's words back, where the two are sure to be the
same sentence.

1. Both texts are cut into sentences (``restore.text.tokenize.sentences``); a sentence's *terms*
   are its words lower-cased, numbers without their separators ("1,000" = "1000", "%" =
   "percent") and word endings cut ("profits" = "profit"), weighted (function words 0.3, content
   words 1, numbers and names 1.5).
2. Similarity of a page block and a source block is the weighted Dice overlap of their terms.
   Blocks are aligned in order (dynamic programming over 1-1, 1-2 and 2-1 blocks inside a
   paragraph, gaps free), so that a page that drops or adds sentences, or a source that is a fuller
   version with extra paragraphs, still lines up; then a page sentence left over is paired with the
   most similar source sentence left over, if that is sure (a rewrite that moved paragraphs).
3. Inside an aligned block the words are diffed (words as the shared scorer counts them: ``\\w+``
   runs and single punctuation marks); each difference is an ``Edit`` with ``source="reference"``.
   Its confidence comes from the block's similarity: at ``APPLY`` (0.45) it is 0.6, the default
   threshold, so a block that is only loosely the same sentence is reported, not applied. A
   difference where page and source give different numbers (the source is another update of the
   story), where the source has figures the page's sentence does not (a fuller version), or a run of
   many words that one side has and the other lacks (unless most of its words are elsewhere in the
   other side: a clause a rewrite moved), is reported, never applied.

Nothing from the source that the page does not cover is added: source sentences with no page
sentence aligned to them are left out.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from restore.text.tokenize import sentences
from restore.types import Edit

WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)  # the shared scorer's words
TERM = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_]+|%", re.UNICODE)  # also the index's retrieval terms
_NUMBER = re.compile(r"\d")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
FUNCTION_WORDS = frozenset(
    "a an the and or but nor so yet of in on at to for from by with without as than then that this these those "
    "is are was were be been being am has have had do does did will would shall should can could may might must "
    "it its he him his she her they them their we us our you your i me my who whom whose which what when where "
    "why how not no all any each every some such more most also just very too only even still there here about "
    "over under into onto up down out off again further once if while because since until after before".split())

PAIR = 0.30  # a block this similar may be aligned
APPLY = 0.45  # ... and from here its differences are applied (confidence 0.6 at the default threshold)
ANCHOR = 0.15  # similarity a block between sure neighbours gains from its place
MAX_CELLS = 1_000_000  # sentence pairs: past this (a book against a book) only the sure pairs, out of order
LONG_RUN = 8  # words: a difference one side has and the other lacks, this long, is reported ...
MOVED = 0.6  # ... unless this share of its content words is elsewhere in the other side (a moved clause)


@dataclass(frozen=True)
class Block:
    """Aligned sentences: page ``[start, end)`` and source ``[src_start, src_end)`` (character offsets),
    their similarity in [0, 1]."""

    start: int
    end: int
    src_start: int
    src_end: int
    similarity: float


@dataclass(frozen=True)
class Alignment:
    """A page aligned with a source: the blocks, the share of the page's words inside blocks that
    are sure to be the same sentence (``coverage``), and ``score``: those words' mean similarity
    times the coverage (1.0: the page is the source)."""

    blocks: tuple[Block, ...]
    coverage: float
    score: float
    page_words: int
    edits: tuple[Edit, ...] = field(default=())

    @property
    def covered(self) -> tuple[tuple[int, int], ...]:
        """The page ranges the source confirms (blocks at least ``APPLY`` similar)."""
        return tuple((b.start, b.end) for b in self.blocks if b.similarity >= APPLY)


# ---------------------------------------------------------------- terms and similarity
def _stem(w: str) -> str:
    for suf in ("ings", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def terms(text: str) -> Counter:
    """The weighted terms of a piece of text (see the module's docstring)."""
    out: Counter = Counter()
    for m in TERM.finditer(text):
        t = m.group()
        if _NUMBER.match(t):
            out[t.replace(",", "").rstrip(".")] += 1.5
            continue
        lo = t.lower()
        if lo in ("%", "percent"):
            out["%"] += 1.5
        elif lo in FUNCTION_WORDS:
            out[lo] += 0.3
        else:
            cap = t[0].isupper() and m.start() > 0 and text[max(0, m.start() - 2):m.start()].strip() not in ("", ".")
            out[_stem(lo)] += 1.5 if cap else 1.0
    return out


def similarity(a: Counter, b: Counter) -> float:
    """Weighted Dice overlap of two term bags, in [0, 1]."""
    total = sum(a.values()) + sum(b.values())
    if not total:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    common = sum(min(w, big[t]) for t, w in small.items() if t in big)
    return 2.0 * common / total


# ---------------------------------------------------------------- sentence alignment
def _units(text: str) -> list[tuple[int, int, int]]:
    """Sentences as (start, end, paragraph number)."""
    out = []
    para, last = 0, 0
    for a, b in sentences(text):
        if re.search(r"\n\s*\n", text[last:a]):  # a blank line between: a new paragraph
            para += 1
        out.append((a, b, para))
        last = b
    return out


def align_blocks(page: str, source: str) -> list[Block]:
    """The aligned blocks of ``page`` and ``source``, in page order."""
    P, S = _units(page), _units(source)
    pt = [terms(page[a:b]) for a, b, _ in P]
    st = [terms(source[a:b]) for a, b, _ in S]
    n, m = len(P), len(S)
    if not n or not m:
        return []
    # which source sentences share a content term with each page sentence (any term, for a sentence
    # of function words alone: "Who me?"): only those pairs can align
    where: dict[str, set[int]] = {}
    for j, t in enumerate(st):
        for k in t:
            where.setdefault(k, set()).add(j)
    near: list[set[int]] = []
    for t in pt:
        keys = [k for k in t if k not in FUNCTION_WORDS] or list(t)
        near.append(set().union(*(where.get(k, ()) for k in keys)) if keys else set())
    sim11: dict[tuple[int, int], float] = {}
    for i, js in enumerate(near):
        for j in js:
            sim11[i, j] = similarity(pt[i], st[j])

    def gain(i0: int, i1: int, j0: int, j1: int) -> float:
        """Gain of aligning page sentences [i0, i1) with source sentences [j0, j1) (<= 2 each)."""
        if i1 - i0 == 1 and j1 - j0 == 1:
            s = sim11.get((i0, j0), 0.0)
        else:
            if i1 - i0 == 2 and P[i0][2] != P[i0 + 1][2] or j1 - j0 == 2 and S[j0][2] != S[j0 + 1][2]:
                return -1.0  # never across a paragraph break
            if max(sim11.get((i, j), 0.0) for i in range(i0, i1) for j in range(j0, j1)) < PAIR / 2:
                return -1.0
            s = similarity(sum((pt[i] for i in range(i0, i1)), Counter()),
                           sum((st[j] for j in range(j0, j1)), Counter()))
        return s - PAIR if s >= PAIR else -1.0

    pairs = _in_order(n, m, sim11, gain) if n * m <= MAX_CELLS else []
    # a page sentence left over: its most similar source sentence left over, if that is sure
    used_p = {i for i0, i1, _, _ in pairs for i in range(i0, i1)}
    used_s = {j for _, _, j0, j1 in pairs for j in range(j0, j1)}
    for i in range(n):
        if i in used_p:
            continue
        cands = sorted(((sim11[i, j], j) for j in near[i] if j not in used_s), reverse=True)
        if cands and cands[0][0] >= APPLY and (len(cands) == 1 or cands[0][0] - cands[1][0] >= 0.1):
            pairs.append((i, i + 1, cands[0][1], cands[0][1] + 1))
            used_s.add(cands[0][1])
    pairs.sort()
    sims = [sim11.get((i0, j0), 0.0) if (i1 - i0, j1 - j0) == (1, 1) else gain(i0, i1, j0, j1) + PAIR
            for i0, i1, j0, j1 in pairs]
    anchored = _anchored(pairs, sims, n, m)
    out = []
    for k, (i0, i1, j0, j1) in enumerate(pairs):
        s = min(1.0, sims[k] + ANCHOR) if k in anchored else sims[k]
        out.append(Block(P[i0][0], P[i1 - 1][1], S[j0][0], S[j1 - 1][1], round(s, 4)))
    return out


def _in_order(n: int, m: int, sim11: dict, gain) -> list[tuple[int, int, int, int]]:
    """The best alignment in order: page sentences [i0, i1) with source sentences [j0, j1), 1-1,
    1-2 or 2-1, maximising the summed gain; sentences left out cost nothing."""
    NEG = float("-inf")
    best = [[NEG] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, bool] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            cur = best[i][j]
            if cur == NEG:
                continue
            for di, dj, aligned in ((1, 0, False), (0, 1, False), (1, 1, True), (1, 2, True), (2, 1, True)):
                i2, j2 = i + di, j + dj
                if i2 > n or j2 > m:
                    continue
                g = 0.0
                if aligned:
                    if (i, j) not in sim11 and (di, dj) == (1, 1):
                        continue
                    g = gain(i, i2, j, j2)
                    if g < 0:
                        continue
                if cur + g > best[i2][j2]:
                    best[i2][j2] = cur + g
                    back[i2][j2] = (i, j, aligned)
    pairs: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        i0, j0, aligned = back[i][j]  # type: ignore[misc]
        if aligned:
            pairs.append((i0, i, j0, j))
        i, j = i0, j0
    pairs.reverse()
    return pairs


def _anchored(pairs: list[tuple[int, int, int, int]], sims: list[float], n: int, m: int) -> set[int]:
    """The blocks under ``APPLY`` that sit in an unbroken chain of blocks (each page and source
    sentence following the one before) between two sure blocks, or between a sure block and the
    start or end of both texts (never between the two ends alone): their place says they are the
    same sentences, even where a heavy spin left few of their words."""
    out: set[int] = set()
    k = 0
    while k < len(pairs):
        if sims[k] >= APPLY:
            k += 1
            continue
        run = k
        while run < len(pairs) and sims[run] < APPLY and (run == k or (pairs[run - 1][1] == pairs[run][0]
                                                                       and pairs[run - 1][3] == pairs[run][2])):
            run += 1
        i0, j0 = pairs[k][0], pairs[k][2]
        i1, j1 = pairs[run - 1][1], pairs[run - 1][3]
        sure_before = k > 0 and sims[k - 1] >= APPLY and pairs[k - 1][1] == i0 and pairs[k - 1][3] == j0
        sure_after = run < len(pairs) and sims[run] >= APPLY and pairs[run][0] == i1 and pairs[run][2] == j1
        before = sure_before or (i0 == 0 and j0 == 0)
        after = sure_after or (i1 == n and j1 == m)
        if before and after and (sure_before or sure_after):  # the texts' ends alone anchor nothing
            out.update(range(k, run))
        k = max(run, k + 1)
    return out


# ---------------------------------------------------------------- word edits
def _confidence(sim: float) -> float:
    """0.3 at ``PAIR``, 0.6 at ``APPLY``, 1.0 for the same sentence."""
    if sim >= APPLY:
        return 0.6 + 0.4 * (sim - APPLY) / (1.0 - APPLY)
    return 0.3 + 0.3 * max(0.0, sim - PAIR) / (APPLY - PAIR)


def _figures(text: str) -> set[str]:
    """The figures in ``text``, digits only ("4.4million" and "4.4 million" both hold 4.4)."""
    return {f.replace(",", "") for f in _FIGURE.findall(text)}


def _moved(run: str, other: Counter) -> bool:
    """Most of ``run``'s content words are elsewhere in the other side's block: a clause moved by a
    rewrite, not one side's addition."""
    content = [t for t in terms(run) if t not in FUNCTION_WORDS and not _NUMBER.match(t)]
    return bool(content) and sum(t in other for t in content) >= MOVED * len(content)


def block_edits(page: str, source: str, block: Block, source_id: str, threshold: float = 0.6) -> list[Edit]:
    """The word differences inside one aligned block, as edits of ``page``."""
    pw = [(m.group(), m.start(), m.end()) for m in WORD.finditer(page, block.start, block.end)]
    sw = [(m.group(), m.start(), m.end()) for m in WORD.finditer(source, block.src_start, block.src_end)]
    sm = difflib.SequenceMatcher(None, [w for w, _, _ in pw], [w for w, _, _ in sw], autojunk=False)
    conf = round(_confidence(block.similarity), 4)
    page_figures = _figures(page[block.start:block.end]) | set(re.findall(r"\d+", page[block.start:block.end]))
    page_terms, source_terms = terms(page[block.start:block.end]), terms(source[block.src_start:block.src_end])
    out = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        # the page's characters from the end of the word before to the start of the word after,
        # replaced by the source's between the same neighbours: spacing comes with the words
        a = pw[i1 - 1][2] if i1 > 0 else block.start
        b = pw[i2][1] if i2 < len(pw) else block.end
        sa = sw[j1 - 1][2] if j1 > 0 else block.src_start
        sb = sw[j2][1] if j2 < len(sw) else block.src_end
        old, new = page[a:b], source[sa:sb]
        # the spacing both sides share at their ends stays out of the edit
        while old and new and old[0] == new[0] and old[0].isspace():
            a, old, new = a + 1, old[1:], new[1:]
        while old and new and old[-1] == new[-1] and old[-1].isspace():
            b, old, new = b - 1, old[:-1], new[:-1]
        if old == new:
            continue
        pnum, snum = _figures(old), _figures(new)
        c, rule = conf, f"reference {source_id} (sentence similarity {block.similarity:.2f})"
        if pnum and snum and pnum != snum:
            c, rule = min(c, 0.3), (f"reference {source_id}: the source gives other figures "
                                    f"({', '.join(sorted(snum))})")
        elif snum - page_figures:
            c, rule = min(c, 0.3), (f"reference {source_id}: the source has figures the page does not "
                                    f"({', '.join(sorted(snum - page_figures))})")
        elif (i2 - i1 == 0 or j2 - j1 == 0) and max(i2 - i1, j2 - j1) >= LONG_RUN \
                and not _moved(new or old, page_terms if new else source_terms):
            side = "only the source" if j2 > j1 else "only the page"
            c, rule = min(c, 0.3), f"reference {source_id}: {side} has these words"
        typ = "M" if a == b else ("U" if not new.strip() else "R")
        out.append(Edit(a, b, old, new, source="reference", confidence=round(c, 4), rule=rule, type=typ,
                        applied=c >= threshold))
    return out


def align(page: str, source: str, source_id: str = "", threshold: float = 0.6) -> Alignment:
    """``page`` aligned with ``source``: blocks, coverage, score and the source's edits of the page."""
    blocks = align_blocks(page, source)
    n = sum(1 for m in WORD.finditer(page) if m.group()[0].isalnum() or m.group()[0] == "_")
    sure = [b for b in blocks if b.similarity >= APPLY]
    counts = [sum(1 for m in WORD.finditer(page, b.start, b.end) if m.group()[0].isalnum()) for b in sure]
    inside = sum(counts)
    coverage = inside / n if n else 0.0
    score = sum(c * b.similarity for c, b in zip(counts, sure)) / n if n else 0.0
    edits = tuple(e for b in blocks for e in block_edits(page, source, b, source_id, threshold))
    return Alignment(tuple(blocks), round(coverage, 4), round(score, 4), n, edits)
