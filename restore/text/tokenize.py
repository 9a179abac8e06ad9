"""A reversible tokenizer and sentence splitter. Offsets are code points into the input.

Words are runs of letters/digits with inner hyphens or apostrophes ("once-a-year", "O'Brien"); a
clitic ("'s", "n't" as "'t", "'re") is a token of its own so that "White Dwelling's" matches "white dwelling";
every other non-space character is a token of its own. Whitespace is never a token, so the pieces
``text[t.start:t.end]`` plus the gaps between them rebuild the input exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CLITIC = r"['’](?:s|t|re|ve|ll|d|m)\b"
TOKEN_RE = re.compile(rf"\w+(?:-\w+)*(?:(?!{_CLITIC})['’]\w+(?:-\w+)*)*|{_CLITIC}|[^\w\s]", re.UNICODE | re.IGNORECASE)
WORD_RE = re.compile(r"\w", re.UNICODE)
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc corp co ltd bros vs etc no jan feb mar apr "
    "jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m mt ft".split()
)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return bool(WORD_RE.match(self.text))

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans [start, end) covering the non-blank text; joined with the gaps they rebuild it."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        _split_paragraph(text, para.start(), para.end(), spans)
    return spans


_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


def _split_paragraph(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    pos = 0
    for m in _END_RE.finditer(chunk):
        before = chunk[pos:m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if m.group().startswith(".") and (last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
            continue
        out.append(strip_range(text, start + pos, start + m.end()))
        pos = m.end()
    if chunk[pos:].strip():
        out.append(strip_range(text, start + pos, end))


def strip_range(text: str, a: int, b: int) -> tuple[int, int]:
    """``[a, b)`` without the white space at its ends."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def count_words(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.is_word)


@lru_cache(maxsize=4096)
def split_phrase(phrase: str) -> tuple[str, ...]:
    """The lower-cased tokens of a dictionary phrase, as the matcher compares them."""
    return tuple(t.text.lower().replace("’", "'") for t in tokenize(phrase))
