"""Restore against the source: an embedded archive of source articles (``index``), finding a
page's source in it (``match``) and undoing the rewrite by aligning the two (``align``).

    from restore.reference import ReferenceIndex, find_source
    idx = ReferenceIndex.create("refs.idx"); idx.add([("url-1", text1), ...])
    found = find_source(page, idx)       # found.best: Match(id, score, coverage, sure)
    found.alignment.edits                # Edit(source="reference", ...) of the page

``restore.fix`` with ``Config(reference="refs.idx")`` puts the source's edits first and runs the
usual pipeline on what the source does not cover.
"""
from restore.reference.align import Alignment, Block, align
from restore.reference.index import AddReport, ReferenceIndex, index_terms
from restore.reference.match import Match, SourceMatch, find_source, open_index

__all__ = ["AddReport", "Alignment", "Block", "Match", "ReferenceIndex", "SourceMatch", "align", "find_source",
           "index_terms", "open_index"]
