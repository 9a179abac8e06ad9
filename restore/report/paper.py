"""The paper report: the tortured phrases of one document, how dense they are, and a risk level.

``paper_report`` is a pure function of a ``Detection`` (with the document's page map and the
dictionaries the run used). It sorts the detection's spans into:

- ``listed``: phrases of the built-in tortured-phrase list (``restore/data/tortured.tsv``, the
  Problematic Paper Screener's list) at a confidence the run applies (``threshold``), each with
  its expected wording; these are what the density and the risk level count;
- ``field_terms``: list phrases reported but not counted, because they are ordinary wording in a
  field ("malignant growth" in oncology, ``restore/data/tortured_field_terms.tsv``) or otherwise
  ordinary English (their confidence is under the threshold);
- ``unlisted``: every other span with a wording (``--domain science``'s scientific terms, another
  dictionary's, the restorer's): the phrases no list has, with the term they were likely spun from;
- ``suspect``: spans that look spun with no wording for them (the detector's alone): shown, not
  counted.

The risk level follows torturedcheck's ``getRiskLevel`` (v0.1.2), so that a report reads like the
one its users know: ``clean`` with no listed phrase; ``high`` at 1.2 or more listed phrases per
1,000 words and at least 6 of them; ``suspicious`` at 0.6 or more per 1,000 words and at least 3;
``low`` otherwise (and always under 0.3 per 1,000 words). Words are counted as torturedcheck counts
them: runs of non-space characters. ``not checked`` when the text was not checked (not English).
"""
from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from restore.fix.dictionary import Lexicon, Match
    from restore.types import Detection, Span

TORTURED = "tortured"
LEVELS = ("clean", "low", "suspicious", "high")
NOT_CHECKED = "not checked"
# torturedcheck's thresholds (src/torturedPhrasesDetection.ts, getRiskLevel): per 1,000 words, and counts
NOISE_FLOOR = 0.3
SUSPICIOUS_DENSITY, SUSPICIOUS_COUNT = 0.6, 3
HIGH_DENSITY, HIGH_COUNT = 1.2, 6
SUMMARY_FIELDS = ("id", "pages", "words", "listed", "unlisted", "per_1000_words", "risk")


def risk_level(count: int, words: int) -> str:
    """torturedcheck's level for ``count`` listed phrases in ``words`` words."""
    if count == 0:
        return "clean"
    if words <= 0:  # torturedcheck's rule without a word count
        return "low" if count <= 3 else "suspicious" if count <= 8 else "high"
    density = count / words * 1000
    if density < NOISE_FLOOR:
        return "low"
    if density >= HIGH_DENSITY and count >= HIGH_COUNT:
        return "high"
    if density >= SUSPICIOUS_DENSITY and count >= SUSPICIOUS_COUNT:
        return "suspicious"
    return "low"


def count_words(text: str) -> int:
    """Words as torturedcheck counts them: runs of non-space characters."""
    return len(text.split())


@dataclass(frozen=True)
class Phrase:
    """One phrase of the report: where (code points into the text; ``page``, 1-based, for a PDF),
    what, the ``expected`` wording (None when nothing suggests one), the ``confidence`` and, for a
    list phrase that is ordinary wording in a field, the ``field``."""

    start: int
    end: int
    text: str
    expected: str | None
    confidence: float
    page: int | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PaperReport:
    """The report of one document (``paper_report``)."""

    id: str
    pages: int | None
    words: int
    listed: tuple[Phrase, ...]
    unlisted: tuple[Phrase, ...]
    field_terms: tuple[Phrase, ...]
    risk: str
    suspect: tuple[Phrase, ...] = ()
    skipped: str | None = None
    list_signature: str = ""  # the tortured list's (and its field terms') hashes: tortured@...+tortured_field_terms@...

    @property
    def per_1000_words(self) -> float:
        """Listed phrases per 1,000 words: the density the risk level reads."""
        return round(len(self.listed) / self.words * 1000, 2) if self.words else 0.0

    def summary(self) -> dict[str, Any]:
        """The row of the summary (``SUMMARY_FIELDS``): counts, not the phrases."""
        return {"id": self.id, "pages": self.pages, "words": self.words, "listed": len(self.listed),
                "unlisted": len(self.unlisted), "per_1000_words": self.per_1000_words, "risk": self.risk}

    def to_dict(self) -> dict[str, Any]:
        d = self.summary()
        d.update(field_terms=len(self.field_terms), skipped=self.skipped, list=self.list_signature,
                 phrases={"listed": [p.to_dict() for p in self.listed],
                          "unlisted": [p.to_dict() for p in self.unlisted],
                          "field_terms": [p.to_dict() for p in self.field_terms],
                          "suspect": [p.to_dict() for p in self.suspect]})
        return d


WINDOW = 200  # characters read on each side of a dictionary span to find the list phrase it is part of


def tortured_matches(text: str, lexicon: "Lexicon", around: Sequence["Span"] | None = None) -> list["Match"]:
    """Where the tortured-phrase list matches ``text`` (as the dictionary stage matches: longest
    first over every dictionary, so a phrase another dictionary lists is not the list's); with
    ``around``, only near those spans (the text within ``WINDOW`` characters of one), which is
    all that a span can be part of and costs little on a long text."""
    if around is None:
        return [m for m in lexicon.match(text) if m.entry.dictionary == TORTURED]
    windows: list[list[int]] = []
    for s in sorted(around, key=lambda s: s.start):
        a, b = max(0, s.start - WINDOW), min(len(text), s.end + WINDOW)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    out: list["Match"] = []
    for a, b in windows:
        for m in lexicon.match(text[a:b]):
            if m.entry.dictionary == TORTURED:
                out.append(replace(m, start=m.start + a, end=m.end + a))
    return out


def _overlaps(a: int, b: int, starts: Sequence[int], ends: Sequence[int]) -> bool:
    i = bisect.bisect_left(ends, a + 1)  # the first range that ends after a
    return i < len(starts) and starts[i] < b


def listed_spans(spans: Sequence["Span"], matches: Sequence["Match"]) -> list[bool]:
    """For each span: does it come from the tortured-phrase list (a dictionary span inside one of
    the list's ``matches``)?"""
    starts, ends = [m.start for m in matches], [m.end for m in matches]
    return [s.source == "dictionary" and _overlaps(s.start, s.end, starts, ends) for s in spans]


def span_labels(detection: "Detection", lexicon: "Lexicon", paper: bool = False) -> list[str]:
    """The lint label of each span: ``tortured`` in a paper (``paper``: a PDF, or ``--domain
    science``) and for a span from the tortured-phrase list, else ``spun``."""
    if paper:
        return ["tortured"] * len(detection.spans)
    if not any(s.source == "dictionary" for s in detection.spans):
        return ["spun"] * len(detection.spans)
    dictionary = [s for s in detection.spans if s.source == "dictionary"]
    listed = listed_spans(detection.spans, tortured_matches(detection.text, lexicon, dictionary))
    return ["tortured" if x else "spun" for x in listed]


def page_of(pages: Sequence[int] | None, offset: int) -> int | None:
    """The page (1-based) of ``offset`` in a document with the page map ``pages``; None without one."""
    from restore.io.pdf import page_of as pdf_page

    return pdf_page(pages, offset) if pages else None


def paper_report(detection: "Detection", doc_id: str, pages: Sequence[int] | None = None,
                 lexicon: "Lexicon | None" = None, threshold: float = 0.6) -> PaperReport:
    """The report of one document: ``detection`` of its text, ``pages`` the offset where each of its
    pages starts (a PDF's, else None), ``lexicon`` the dictionaries the run used (default: the
    built-ins) and ``threshold`` the confidence at which the run applies a dictionary entry."""
    from restore.fix.dictionary import load_lexicon, wording
    from restore.text.casing import transfer_case

    lex = lexicon if lexicon is not None else load_lexicon()
    text = detection.text
    dictionary = sorted((s for s in detection.spans if s.source == "dictionary"), key=lambda s: s.end)
    matches = tortured_matches(text, lex, dictionary) if dictionary else []
    s_starts, s_ends = [s.start for s in dictionary], [s.end for s in dictionary]
    listed: list[Phrase] = []
    field_terms: list[Phrase] = []
    for m in matches:
        if not _overlaps(m.start, m.end, s_starts, s_ends):
            continue  # matched but not reported (cut into a number or an address, as the dictionary stage skips)
        original = text[m.start:m.end]
        field = lex.field_of(m.entry)
        p = Phrase(m.start, m.end, original, transfer_case(original, wording(m.entry.canonical)), m.entry.confidence,
                   page_of(pages, m.start), field)
        (listed if m.entry.confidence >= threshold and field is None else field_terms).append(p)
    flags = listed_spans(detection.spans, matches)
    others = [Phrase(s.start, s.end, s.text, s.suggestion, s.confidence, page_of(pages, s.start))
              for s, flag in zip(detection.spans, flags) if not flag]
    unlisted = [p for p in others if p.expected is not None]
    suspect = [p for p in others if p.expected is None]
    words = count_words(text)
    risk = NOT_CHECKED if detection.skipped is not None else risk_level(len(listed), words)
    list_sig = "+".join(f"{n}@{h}" for n, h, _ in lex.sources if n.startswith(TORTURED))
    return PaperReport(doc_id, len(pages) if pages else None, words, tuple(listed), tuple(unlisted),
                       tuple(field_terms), risk, tuple(suspect), detection.skipped, list_sig)
