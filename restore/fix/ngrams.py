"""English word and bigram counts: how usual a wording is, next to its neighbours.

The counts ship inside the ``symspellpy`` package (its English frequency dictionaries: 82,765
words and 243,342 bigrams, lower case, from Google Books n-grams), read once, lazily. A spinner
swaps common words for rarer synonyms that fit their neighbours worse ("despatched Wednesday",
"caller claimed"), so the restorer's evidence (``restore.fix.evidence``) asks whether a proposed
wording is more frequent and fits its neighbours better than the spun one. Pure Python.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources

from restore.errors import ModelError

UNIGRAMS = "frequency_dictionary_en_82_765.txt"
BIGRAMS = "frequency_bigramdictionary_en_243_342.txt"
WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def _read(name: str) -> dict[str, int]:
    try:
        path = resources.files("symspellpy") / name
        text = path.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise ModelError(f"the word counts of symspellpy ({name}) are not available: {exc} "
                         "(pip install symspellpy: a dependency of restore)") from exc
    out: dict[str, int] = {}
    for line in text.splitlines():
        *words, count = line.split()
        if words and count.isdigit():
            out[" ".join(words)] = int(count)
    return out


@lru_cache(maxsize=1)
def _unigrams() -> dict[str, int]:
    return _read(UNIGRAMS)


@lru_cache(maxsize=1)
def _bigrams() -> dict[str, int]:
    return _read(BIGRAMS)


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters, with an inner apostrophe)."""
    return [w.lower() for w in WORD_RE.findall(text)]


def log_count(word: str) -> float:
    """log10(1 + count) of a lower-case word (0 for an unknown word)."""
    return math.log10(1 + _unigrams().get(word, 0))


def bigram_fit(ws: list[str], left: str | None, right: str | None) -> float:
    """How well the words ``ws`` join their neighbours: log(1 + count) of (left, first word) plus
    that of (last word, right), for the neighbours that exist; 0 for no words."""
    if not ws:
        return 0.0
    table = _bigrams()
    s = 0.0
    if left:
        s += math.log1p(table.get(f"{left} {ws[0]}", 0))
    if right:
        s += math.log1p(table.get(f"{ws[-1]} {right}", 0))
    return s


def neighbours(left: str, right: str, window: int = 60) -> tuple[str | None, str | None]:
    """The lower-cased word that ends ``left`` and the one that starts ``right`` (None past a
    sentence end, ``;``, ``:`` or a newline, or when there is none): the bigram context of a span
    whose left and right context (``restore.fix.restorer.context_of``) these are."""
    before, after = left[-window:], right[:window]
    lw = rw = None
    m = list(WORD_RE.finditer(before))
    if m and not re.search(r"[.!?;:\n]", before[m[-1].end():]):
        lw = m[-1].group().lower()
    n = WORD_RE.search(after)
    if n and not re.search(r"[.!?;:\n]", after[:n.start()]):
        rw = n.group().lower()
    return lw, rw
