"""Phrase dictionaries: TSV files of ``spun<TAB>canonical[<TAB>source[<TAB>confidence]]``.

Several dictionaries merge with a clear precedence: the first one loaded that lists a spun phrase
wins (user files before the built-ins). Matching is a hash trie over lower-cased tokens: at each
token the longest listed phrase that starts there wins, on word boundaries.

``tortured_field_terms.tsv`` (``phrase<TAB>field<TAB>note``) names entries of the tortured-phrase
list that are ordinary wording in a field ("malignant growth" in oncology): they stay in the list
but at ``FIELD_TERM_CONFIDENCE``, under the default threshold, so they are reported, not applied.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from restore.text.casing import transfer_case, wants_an
from restore.config import Config
from restore.errors import LexiconError
from restore.text.protect import protected_ranges
from restore.types import Edit
from restore.text.tokenize import Token, nfc, split_phrase, tokenize

BUILTIN = ("news", "news_mined", "tortured")  # in precedence order
TORTURED = "tortured"
FIELD_TERMS = "tortured_field_terms"  # entries of the tortured list that are ordinary English in a field
FIELD_TERM_CONFIDENCE = 0.3  # under the default threshold (0.6): reported, not applied


_GLOSS = re.compile(r"\s*\([^()]*\)")


def wording(canonical: str) -> str:
    """What an entry puts in the text: its canonical side without glosses in parentheses. The
    tortured list writes "distributed denial of service (ddos)" and "output layer (in a neural
    network)": a spinner leaves an abbreviation where it was, and a gloss is not the paper's text."""
    out = " ".join(_GLOSS.sub("", canonical).split())
    return out or canonical


def _inside(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    n = len(part)
    return any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def usable(entry: "Entry") -> bool:
    """Whether an entry is a substitution to undo. Not: a no-op ("output layer" -> "output layer (in
    a neural network)"), one whose wording holds its own spun phrase, which would fire again on its
    own output ("technology spillover" -> "reverse technology spillover"), or one whose canonical
    side is a note with a link rather than a wording."""
    key = split_phrase(entry.spun)
    rep = split_phrase(wording(entry.canonical))
    flat = split_phrase(entry.spun.replace("-", " "))
    if rep == key or split_phrase(wording(entry.canonical).replace("-", " ")) == flat:
        return False
    return not (_inside(key, rep) or "http" in entry.canonical.lower())


@dataclass(frozen=True, slots=True)
class Entry:
    spun: str
    canonical: str
    dictionary: str
    confidence: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    start_token: int
    end_token: int  # exclusive
    start: int
    end: int
    entry: Entry


class Lexicon:
    """Merged dictionaries with a matcher."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, ...], Entry] = {}
        self._maxlen: dict[str, int] = {}
        self.sources: list[tuple[str, str, int]] = []  # (name, content hash, entries)
        self.fields: dict[tuple[str, ...], str] = {}  # entries that are ordinary English in a field: the field

    def __len__(self) -> int:
        return len(self._entries)

    # ---- building
    def add_tsv(self, text: str, name: str, path: str | None = None) -> None:
        """Add entries; phrases already present (from an earlier, higher-precedence file) are kept."""
        n = 0
        seen_row = False
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if not seen_row and cols[0].strip().lower() in ("spun", "tortured"):
                seen_row = True
                continue  # header
            seen_row = True
            if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
                raise LexiconError("expected 'spun<TAB>canonical[<TAB>source[<TAB>confidence]]'",
                                   path or name, lineno, hint="separate columns with a tab")
            conf = 1.0
            if len(cols) >= 4 and cols[3].strip():
                try:
                    conf = float(cols[3])
                except ValueError:
                    raise LexiconError(f"confidence {cols[3]!r} is not a number", path or name, lineno) from None
                if not 0.0 <= conf <= 1.0:
                    raise LexiconError(f"confidence {conf} is outside [0, 1]", path or name, lineno)
            note = cols[2].strip() if len(cols) >= 3 else ""
            self.add(Entry(cols[0].strip(), cols[1].strip(), name, conf, note))
            n += 1
        self.sources.append((name, hashlib.sha256(text.encode()).hexdigest()[:8], n))

    def add(self, entry: Entry) -> None:
        key = split_phrase(entry.spun)
        if not key or key in self._entries:
            return
        if not usable(entry):
            return
        self._entries[key] = entry
        if len(key) > self._maxlen.get(key[0], 0):
            self._maxlen[key[0]] = len(key)

    def add_field_terms(self, text: str, name: str = FIELD_TERMS, dictionary: str = TORTURED,
                        confidence: float = FIELD_TERM_CONFIDENCE) -> None:
        """Lower to ``confidence`` the entries of ``dictionary`` that a ``phrase<TAB>field<TAB>note``
        file names (ordinary wording in that field): reported, not applied. A phrase that another
        dictionary (a user's file) lists, or that no dictionary lists, is left alone."""
        n = 0
        for lineno, raw in enumerate(text.splitlines(), 1):
            cols = raw.rstrip("\r").split("\t")
            if not raw.strip() or raw.startswith("#") or cols[0].strip().lower() == "phrase":
                continue
            if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
                raise LexiconError("expected 'phrase<TAB>field[<TAB>note]'", name, lineno,
                                   hint="separate columns with a tab")
            key = split_phrase(cols[0].strip())
            e = self._entries.get(key)
            if e is None or e.dictionary != dictionary:
                continue
            field = cols[1].strip()
            note = f"{e.note}; " if e.note else ""
            self._entries[key] = replace(e, confidence=min(e.confidence, confidence),
                                         note=f"{note}ordinary English in {field}")
            self.fields[key] = field
            n += 1
        self.sources.append((name, hashlib.sha256(text.encode()).hexdigest()[:8], n))

    def hold_back_terms(self, dictionary: str, confidence: float = FIELD_TERM_CONFIDENCE) -> None:
        """Lower to ``confidence`` (reported, not applied) the entries of ``dictionary`` whose spun
        phrase is also the wording of another of its entries: the list calls it a term too ("cloud
        computing", "speech signal"), so it is no sure sign of a spinner."""
        terms = {split_phrase(wording(e.canonical).lower()) for e in self._entries.values() if e.dictionary == dictionary}
        for key, e in list(self._entries.items()):
            if e.dictionary == dictionary and e.confidence > confidence and split_phrase(e.spun.lower()) in terms:
                note = f"{e.note}; " if e.note else ""
                self._entries[key] = replace(e, confidence=confidence, note=f"{note}also a term the list restores to")

    def field_of(self, entry: Entry) -> str | None:
        """The field in which an entry is ordinary English (``add_field_terms``), else None."""
        return self.fields.get(split_phrase(entry.spun))

    @property
    def signature(self) -> str:
        return "+".join(f"{n}@{h}" for n, h, _ in self.sources)

    # ---- look-ups
    def lookup(self, phrase: str) -> Entry | None:
        return self._entries.get(split_phrase(phrase))

    def entries(self) -> Iterable[Entry]:
        return self._entries.values()

    def match_tokens(self, tokens: Sequence[Token]) -> list[Match]:
        """Longest-first, left-to-right, non-overlapping matches over word-boundary tokens."""
        low = [nfc(t.text).lower().replace("’", "'") for t in tokens]
        out: list[Match] = []
        i, n = 0, len(tokens)
        while i < n:
            m = self._maxlen.get(low[i], 0)
            hit = None
            for k in range(min(m, n - i), 0, -1):
                e = self._entries.get(tuple(low[i:i + k]))
                if e is not None:
                    hit = Match(i, i + k, tokens[i].start, tokens[i + k - 1].end, e)
                    break
            if hit:
                out.append(hit)
                i = hit.end_token
            else:
                i += 1
        return out

    def match(self, text: str) -> list[Match]:
        return self.match_tokens(tokenize(text))

    def replacement_for(self, text: str, match: Match) -> str:
        return transfer_case(text[match.start:match.end], wording(match.entry.canonical))


def builtin_text(name: str) -> str:
    return resources.files("restore.data").joinpath(f"{name}.tsv").read_text(encoding="utf-8")


def read_lexicon_file(path: str) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise LexiconError(f"cannot read dictionary: {exc.strerror}", path) from None
    if b"\x00" in raw[:8192]:
        raise LexiconError("this is a binary file, not a TSV dictionary", path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LexiconError(f"bytes that are not UTF-8 at offset {exc.start}", path, line,
                           hint="re-save the file as UTF-8") from None


@lru_cache(maxsize=16)
def load_lexicon(user_paths: tuple[str, ...] = (), builtin: bool = True) -> Lexicon:
    """User files first (highest precedence, in the order given), then the built-ins."""
    lex = Lexicon()
    for p in user_paths:
        lex.add_tsv(read_lexicon_file(p), Path(p).stem, p)
    if builtin:
        for name in BUILTIN:
            lex.add_tsv(builtin_text(name), name)
        lex.add_field_terms(builtin_text(FIELD_TERMS))
        lex.hold_back_terms(TORTURED)
    return lex


# ---------------------------------------------------------------- the dictionary stage of the pipeline
def _article_fixed(text: str, tokens: Sequence[Token], i: int, start: int, replacement: str) -> tuple[int, str]:
    """If "a"/"an" before the edit no longer fits the replacement, take the article into the edit."""
    if i == 0 or not replacement:
        return start, replacement
    prev = tokens[i - 1]
    low = prev.text.lower()
    if low not in ("a", "an"):
        return start, replacement
    want = "an" if wants_an(replacement.split()[0]) else "a"
    if want == low:
        return start, replacement
    art = transfer_case(prev.text, want) if prev.text[0].isupper() else want
    return prev.start, art + text[prev.end:start] + replacement


def _in_protected(start: int, end: int, protected: list[tuple[int, int]]) -> bool:
    """True if [start, end) cuts into a protected range (a number or URL the match does not wholly contain)."""
    return any(a < end and start < b and not (start <= a and b <= end) for a, b in protected)


def dictionary_edits(text: str, tokens: Sequence[Token], lex: Lexicon, cfg: Config) -> list[Edit]:
    protected = protected_ranges(text)
    user = {p for p in (s[0] for s in lex.sources[: len(cfg.lexicons)])}
    out: list[Edit] = []
    for m in lex.match_tokens(tokens):
        e = m.entry
        if e.dictionary not in user and _in_protected(m.start, m.end, protected):
            continue
        original = text[m.start:m.end]
        rep = transfer_case(original, wording(e.canonical))
        start, rep = _article_fixed(text, tokens, m.start_token, m.start, rep)
        original = text[start:m.end]
        if rep == original:
            continue
        out.append(Edit(start, m.end, original, rep, source="dictionary", confidence=e.confidence,
                        rule=f"{e.dictionary}: \"{e.spun}\" -> \"{e.canonical}\"" + (f" ({e.note})" if e.note else ""),
                        type="R" if rep else "U", applied=e.confidence >= cfg.threshold))
    return out
