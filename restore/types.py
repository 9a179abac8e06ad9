"""The data the pipeline passes around: frozen dataclasses with to_dict/from_dict.

Offsets are half-open code-point offsets into the *input* text, always.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from itertools import accumulate
from typing import Any

SOURCES = ("dictionary", "terms", "model", "lm", "reference", "user")


@dataclass(frozen=True)
class Edit:
    """One replacement: ``text[start:end] == original`` becomes ``replacement``.

    ``source`` says which stage proposed it, ``confidence`` is in [0, 1], ``rule`` is a reason a
    person can read, ``type`` is an ERRANT-like edit type (R = replace, U = unnecessary/delete,
    M = missing/insert) and ``applied`` is False for an edit that was reported but not applied
    because its confidence is below the threshold.
    """

    start: int
    end: int
    original: str
    replacement: str
    source: str = "dictionary"
    confidence: float = 1.0
    rule: str = ""
    type: str = "R"
    applied: bool = True

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad edit span [{self.start}, {self.end})")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Edit":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True)
class Span:
    """A stretch of input that looks spun, with a calibrated probability and a suggestion."""

    start: int
    end: int
    text: str
    confidence: float
    suggestion: str | None = None
    source: str = "detector"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Span":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True)
class Detection:
    """Which spans look spun and how likely the whole document is to be spun."""

    text: str
    spans: tuple[Span, ...]
    spun_score: float
    signature: str = ""
    skipped: str | None = None  # why the text was not checked (not English), else None
    unchecked: tuple[tuple[int, int, str], ...] = ()  # (start, end, reason): paragraphs not English
    # the spinner family it most likely went through (restore.detect.fingerprint.SpinnerGuess);
    # None for a document not called spun
    spinner: Any = None
    # Config.reference: the archive document this is a copy of (Match.to_dict()), None: none sure;
    # referenced: an archive was asked at all
    reference: dict | None = None
    referenced: bool = False
    cleared: bool = False  # the triage found it clearly clean: the detector did not read it

    def to_dict(self, include_text: bool = False) -> dict[str, Any]:
        """The record of ``restore detect --format json`` (``restore.io.records``)."""
        from restore.io.records import detection_record

        return detection_record(self, include_text)


@dataclass(frozen=True)
class Result:
    """What restoration produced: the output text, every edit (applied or only reported).
    ``skipped``: why the text was not checked and came back as it was (it is not English), else None;
    ``unchecked``: the paragraphs of an English text that are not English, left as they were, as
    ``(start, end, reason)``."""

    input: str
    text: str
    edits: tuple[Edit, ...]
    spun_score: float
    signature: str = ""
    spans: tuple[Span, ...] = field(default=())
    skipped: str | None = None
    unchecked: tuple[tuple[int, int, str], ...] = ()
    # Config.reference: the source the edits of source "reference" come from (Match.to_dict()), None:
    # no source in the archive is sure; referenced: an archive was asked at all
    reference: dict | None = None
    referenced: bool = False
    cleared: bool = False  # the triage found it clearly clean: no model read it (Config.triage)

    @property
    def applied(self) -> tuple[Edit, ...]:
        return tuple(e for e in self.edits if e.applied)

    @property
    def reported(self) -> tuple[Edit, ...]:
        return tuple(e for e in self.edits if not e.applied)

    @property
    def changed(self) -> bool:
        return self.text != self.input

    @cached_property
    def unrestored(self) -> tuple[Span, ...]:
        """The spans that look spun and that no edit (applied or reported) touches: the restorer had
        no wording for them, so they are still in ``text`` as they were (offsets into ``input``).
        Computed once, each span looking only at the edits that can reach it (edits by start; the
        running maximum of their ends says where to begin)."""
        edits = sorted(self.edits, key=lambda e: (e.start, e.end))
        reach = list(accumulate((e.end for e in edits), max))

        def touched(s: Span) -> bool:
            for j in range(bisect_right(reach, s.start), len(edits)):  # earlier edits end at or before s.start
                e = edits[j]
                if e.start >= s.end:
                    return False
                if s.start < e.end:
                    return True
            return False

        return tuple(sorted((s for s in self.spans if not touched(s)), key=lambda s: (s.start, s.end)))

    def to_dict(self, include_input: bool = False) -> dict[str, Any]:
        """The record of ``restore fix --format json`` without the document's id (``restore.io.records``)."""
        from restore.io.records import result_record

        return result_record(self, include_input)
