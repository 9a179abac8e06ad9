"""Find a page's source in a reference index, and say whether it is sure.

Retrieval (``ReferenceIndex.candidates``) proposes the archive documents that share most of the
page's rarest terms; each is aligned with the page (``restore.reference.align``), and its score is
the share of the page's words in sentences the alignment is sure of, weighted by their similarity.
A candidate is the page's source only when that is clear: at least ``MIN_COVERAGE`` of the page's
words lie in sure sentences and the score is at least ``MIN_SCORE``. An article on the same story
from another outlet shares names, numbers and a quote or two, but few of its sentences are the
page's; an earlier story of the same series shares a background paragraph. Neither comes near.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from restore.reference.align import Alignment, align
from restore.reference.index import ReferenceIndex

MIN_COVERAGE = 0.5  # share of the page's words in sentences sure to be the source's
MIN_SCORE = 0.35  # ... times their mean similarity
CANDIDATES = 5  # documents retrieval proposes and the alignment checks


@dataclass(frozen=True)
class Match:
    """One archive document against a page: ``score`` (coverage times similarity, 1.0 = the same
    text), ``coverage`` (share of the page's words in sentences the source is sure to hold) and
    ``sure`` (both clear the bars: this is the page's source)."""

    id: str
    score: float
    coverage: float
    sure: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": self.score, "coverage": self.coverage, "sure": self.sure}


@dataclass(frozen=True)
class SourceMatch:
    """The best match of a page (None: no document came near), with its alignment and the texts'
    edits; ``matches``: every candidate checked, best first."""

    best: Match | None
    alignment: Alignment | None
    matches: tuple[Match, ...]

    @property
    def sure(self) -> bool:
        return self.best is not None and self.best.sure


def is_sure(al: Alignment) -> bool:
    return al.coverage >= MIN_COVERAGE and al.score >= MIN_SCORE


def find_source(text: str, index: ReferenceIndex, threshold: float = 0.6, k: int = CANDIDATES) -> SourceMatch:
    """``text``'s candidate sources in ``index``, aligned and ranked; the best one's alignment
    carries its edits of ``text`` (applied at ``threshold``)."""
    found = []
    for c in index.candidates(text, k):
        al = align(text, index.text_of(c), c.id, threshold)
        found.append((Match(c.id, al.score, al.coverage, is_sure(al)), al))
    found.sort(key=lambda x: (-x[0].sure, -x[0].score, x[0].id))
    if not found:
        return SourceMatch(None, None, ())
    return SourceMatch(found[0][0], found[0][1], tuple(m for m, _ in found))


@lru_cache(maxsize=4)
def _opened(path: str, mtime_ns: int) -> ReferenceIndex:
    return ReferenceIndex.open(path)


def open_index(path: str | os.PathLike) -> ReferenceIndex:
    """The index at ``path``, opened once per process (reopened when it has grown since)."""
    p = os.fspath(path)
    try:
        mtime = os.stat(os.path.join(p, "index.json")).st_mtime_ns
    except OSError:
        mtime = 0
    return _opened(p, mtime)
