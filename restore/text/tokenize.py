"""A reversible tokenizer and sentence splitter. Offsets are code points into the input.

No token starts or ends inside a grapheme cluster: a combining mark, a joiner (ZWJ, ZWNJ), a
variation selector or an emoji skin tone stays with the character before it, and a word goes on
after a mark inside it ("nai\u0308ve", the macOS form of "naïve", is one word; so is Devanagari
"हिन्दी"; "👩\u200d💻" is one token, and so is a flag's pair of regional indicators). What the
models and the dictionary read is the token in NFC (``nfc``); offsets still point into the text as
given.

Words are runs of letters/digits with inner hyphens or apostrophes ("once-a-year", "O'Brien"); a
clitic ("'s", "n't" as "'t", "'re") is a token of its own so that "White Dwelling's" matches "white dwelling";
every other non-space character is a token of its own. Whitespace is never a token, so the pieces
``text[t.start:t.end]`` plus the gaps between them rebuild the input exactly.
"""
from __future__ import annotations

import re
import unicodedata
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
    toks = [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
    return toks if text.isascii() else _whole_clusters(text, toks)


def nfc(s: str) -> str:
    """``s`` in Unicode normalization form C (composed): what the models and the dictionary read."""
    return s if s.isascii() or unicodedata.is_normalized("NFC", s) else unicodedata.normalize("NFC", s)


_JOINERS = {"\u200c", "\u200d"}


def _extends(ch: str) -> bool:
    """A character that belongs to the grapheme cluster before it."""
    return (unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in _JOINERS or "\ufe00" <= ch <= "\ufe0f"
            or "\U0001f3fb" <= ch <= "\U0001f3ff")


_REGIONAL = "".join(chr(c) for c in range(0x1F1E6, 0x1F200))


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _half_flag(s: str) -> bool:
    """``s`` ends with an odd run of regional indicators: the first letter of a flag."""
    n = len(s) - len(s.rstrip(_REGIONAL))
    return n % 2 == 1


def _whole_clusters(text: str, toks: list[Token]) -> list[Token]:
    """``toks`` with the pieces of a grapheme cluster (and of a word with a mark inside) joined; a
    mark that follows white space belongs to that space's cluster and is no token (part of the gap)."""
    out: list[Token] = []
    for t in toks:
        prev = out[-1] if out else None
        first = t.text[0] >= "\u0300" and _extends(t.text[0])  # (nothing below U+0300 extends)
        if first and t.start > 0 and (prev is None or prev.end != t.start) and all(_extends(c) for c in t.text):
            continue  # after white space, or after a mark that is: part of the gap
        if prev is not None and prev.end == t.start and (
                first                                                 # a mark, joiner, selector
                or prev.text[-1] in _JOINERS                          # what a ZWJ joins to
                or (unicodedata.category(prev.text[-1])[0] == "M" and t.is_word)  # a word goes on after a mark
                or (_half_flag(prev.text) and _regional(t.text[0]))):  # a flag's two letters
            out[-1] = Token(prev.text + t.text, prev.start, t.end)
        else:
            out.append(t)
    return out


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
    return tuple(nfc(t.text).lower().replace("’", "'") for t in tokenize(phrase))
