"""Reading a PDF's text layer (pypdf) into one text that ``restore`` works on, with a page map.

The extracted text is the document's ``text``: every offset (spans, edits) points into it, and
``pages`` holds the offset where each page's text starts (``page_of`` turns an offset into a page
number, 1-based). What is done to the raw text of each page, in order:

- ligatures ﬀ ﬁ ﬂ ﬃ ﬄ become ff fi fl ffi ffl (only those: no other compatibility folding);
- running headers and footers go: a line among the first or last ``EDGE`` lines of a page that
  is there too (digits ignored, so "Journal 12 (2024) 41" and "... 42" are one line) on half the
  pages, two at least, or on three (a chapter's own header); and a bare page number ("41",
  "Page 3 of 9", "- 3 -", "iv") there;
- a word broken at a line end with a hyphen is joined when the joined word is a word
  ("counter-" + "feit" -> "counterfeit", "irregu-" + "lar" -> "irregular"), and keeps its hyphen
  when it is not ("state-of-the-" + "art" -> "state-of-the-art"; ``keeps_hyphen``: English word
  frequencies from ``wordfreq``);
- the lines of a paragraph are joined with a space, paragraphs are separated by a blank line (a
  paragraph ends at a short line that ends a sentence, and a heading, a short line with no closing
  punctuation, is a paragraph of its own); a paragraph that runs on to the next page is joined too.

Errors are ``InputError`` naming the file: an encrypted PDF that needs a password, a PDF with no
text layer (scanned pages: it needs OCR), a damaged one. No torch, no rich; pypdf and wordfreq are
imported only when a PDF is read.
"""
from __future__ import annotations

import bisect
import io
import logging
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from restore.errors import InputError

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_LIGATURE_RE = re.compile("[" + "".join(LIGATURES) + "]")
RUNNING_PAGES = 3  # a line at the edge of this many pages (or of half the pages, two at least) is running
EDGE = 3  # lines at the top and at the bottom of a page that may be a running header or footer
JOIN_ZIPF = 3.0  # a joined word at least this frequent (wordfreq's Zipf scale: once per million words) is a word
SHORT = 0.8  # a line shorter than this share of a typical line may end a paragraph
_PAGE_NUMBER = re.compile(r"(?i)^(?:page\s+)?[-\u2013\u2014 ]*(?:\d{1,4}|[ivxlcdm]{1,7})[-\u2013\u2014 ]*"
                          r"(?:\s*(?:of|/)\s*\d{1,4})?$")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[.?!:;][\"'\u201d\u2019)\]]*$")
_CLOSING = re.compile(r"[.?!:;,][\"'\u201d\u2019)\]]*$")
_BULLET = re.compile(r"^(?:[\u2022\u25e6\u25aa\u2023\u2013\u2014*]\s|\(?\d{1,2}[.)]\s|\([a-z]\)\s)")
_HYPHENS = "-\u2010"
_DASHES = "\u2013\u2014"
_SOFT_HYPHEN = "\u00ad"
_HEAD_WORD = re.compile(r"([^\W\d_]+)$")   # the letters before a line-end hyphen
_TAIL_WORD = re.compile(r"^([^\W\d_]+)")   # the letters that start the next line
_OCR_HINT = "it has no text layer, only images of text; make one with OCR first, e.g. ocrmypdf paper.pdf ocr.pdf"


@dataclass(frozen=True)
class PdfText:
    """The extracted text and ``pages``, the offset where each page starts (``len(pages)`` pages)."""

    text: str
    pages: tuple[int, ...]


def page_of(pages: Sequence[int], offset: int) -> int:
    """The page (1-based) that the character at ``offset`` comes from."""
    return max(1, bisect.bisect_right(pages, offset))


def expand_ligatures(s: str) -> str:
    """ﬀ ﬁ ﬂ ﬃ ﬄ -> ff fi fl ffi ffl; nothing else changes."""
    return _LIGATURE_RE.sub(lambda m: LIGATURES[m.group()], s)


# ------------------------------------------------------------------ opening
def read_pdf(path: str, data: bytes) -> PdfText:
    """The text of the PDF ``data`` (read from ``path``, which errors name); raises ``InputError``.
    pypdf's own warnings about a damaged file ("EOF marker not found") are not printed: what cannot
    be read is an ``InputError``, what can be is read."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read_pdf(path, data)
    finally:
        pypdf_log.setLevel(level)


def _read_pdf(path: str, data: bytes) -> PdfText:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError
    except ImportError as exc:  # pragma: no cover - a dependency of restore
        raise InputError(f"cannot read PDFs: pypdf is not installed ({exc})", path,
                         hint="pip install pypdf (a dependency of restore)") from None
    if not data.lstrip(b"\x00\t\n\r ")[:5].startswith(b"%PDF"):
        raise InputError("not a PDF (it does not start with %PDF)", path,
                         hint="read it as text with --input-format text")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("encrypted PDF: it cannot be opened without a password", path,
                             hint="decrypt it first, e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf")
        pages = list(reader.pages)
        raw = [_page_text(p, i, path) for i, p in enumerate(pages, 1)]
    except (InputError, MemoryError):
        raise
    except DependencyError as exc:
        raise InputError(f"encrypted PDF that needs a library to decrypt: {exc}", path,
                         hint="pip install cryptography, or decrypt it first (qpdf --decrypt)") from None
    except Exception as exc:  # noqa: BLE001 - a damaged file makes pypdf raise many kinds of error
        raise InputError(f"damaged PDF: {_reason(exc)}", path,
                         hint="repair it (e.g. qpdf in.pdf out.pdf) or export it again") from None
    if not pages:
        raise InputError("damaged PDF: it has no pages", path, hint="export it again")
    if not any(any(c.isalpha() for c in t) for t in raw):
        if any(_has_images(p) for p in pages):
            raise InputError("image-only PDF: " + _OCR_HINT, path)
        raise InputError("no text in this PDF (its pages are empty or only drawings)", path,
                         hint="if it shows text, it needs OCR, e.g. ocrmypdf")
    return assemble(raw)


def _reason(exc: BaseException) -> str:
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return msg[:160] or type(exc).__name__


def _page_text(page, number: int, path: str) -> str:
    try:
        return page.extract_text() or ""
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a broken page
        raise InputError(f"damaged PDF: page {number} cannot be read ({_reason(exc)})", path,
                         hint="repair it (e.g. qpdf in.pdf out.pdf) or export it again") from None


def _has_images(page) -> bool:
    try:
        xobjects = page.get("/Resources", {}).get_object().get("/XObject", {})
        xobjects = xobjects.get_object() if xobjects else {}
        return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    except Exception:  # noqa: BLE001 - only a better message depends on it
        return False


# ------------------------------------------------------------------ from page texts to one text
def _clean_lines(raw: str) -> list[str]:
    text = _CONTROL.sub("", expand_ligatures(raw.replace("\r\n", "\n").replace("\r", "\n")))
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def _key(line: str) -> str:
    return _DIGITS.sub("#", line.lower())


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip())) and any(c.isalnum() for c in line)


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """``pages`` (their non-empty lines) without running headers, footers and page numbers."""
    n = len(pages)
    counts: dict[str, int] = {}
    for lines in pages:
        for key in {_key(x) for x in lines[:EDGE] + lines[-EDGE:]}:
            counts[key] = counts.get(key, 0) + 1
    need = min(RUNNING_PAGES, max(2, (n + 1) // 2))
    running = {k for k, c in counts.items() if c >= need and n >= 2}
    out = []
    for lines in pages:
        drop = set()
        for i in list(range(min(EDGE, len(lines)))) + list(range(max(0, len(lines) - EDGE), len(lines))):
            if _key(lines[i]) in running or is_page_number(lines[i]):
                drop.add(i)
        out.append([x for i, x in enumerate(lines) if i not in drop])
    return out


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def keeps_hyphen(head: str, tail: str) -> bool:
    """Whether a word broken as ``head``-/``tail`` at a line end is a hyphenated word ("state-of-the"
    + "art", "well" + "known") rather than one word hyphenated to fit the line ("counter" + "feit").
    ``head`` is the letters right before the hyphen, ``tail`` those that start the next line. The
    joined word is a word when it is common (Zipf frequency 3 or more), or known at all while one
    piece is not a word ("irregu" + "lar"); two pieces that are not words are one broken word."""
    joined, zh, zt = _zipf(head + tail), _zipf(head), _zipf(tail)
    if joined >= JOIN_ZIPF or (joined > 0 and min(zh, zt) < 1.0) or (zh < 1.0 and zt < 1.0):
        return False
    return True


def _join(left: str, right: str) -> str:
    """``left`` and the next line ``right`` of one paragraph, joined: a line-end hyphen in a word
    is dropped or kept (``keeps_hyphen``), otherwise a space goes between them."""
    if left.endswith(_SOFT_HYPHEN):
        return left[:-1] + right
    if left and left[-1] in _HYPHENS and len(left) >= 2 and left[-2].isalpha():
        head, tail = _HEAD_WORD.search(left[:-1]), _TAIL_WORD.match(right)
        if head and tail and right[0].islower():
            return (left if keeps_hyphen(head.group(1), tail.group(1)) else left[:-1]) + right
        if tail is None or right[0].isupper():
            return left + right  # "Fischer-" + "Tropsch", "COVID-" + "19": a hyphen that stays
    if left[-1:] in _DASHES and len(left) >= 2 and not left[-2].isspace():
        return left + right  # "2018–" + "23–51", "then—" + "it": a dash that joins
    return left + " " + right


def _typical(pages: list[list[str]]) -> int:
    lengths = sorted(len(x) for lines in pages for x in lines if len(x) >= 20)
    return lengths[int(len(lengths) * 0.75)] if lengths else 60


def _heading(line: str, typical: int) -> bool:
    """A short line with no closing punctuation that starts with a capital or a digit: a title, a
    heading ("2 Methods"), a name; or the last line of a paragraph cut off at a page end."""
    if len(line) >= SHORT * typical or _CLOSING.search(line) or not (line[:1].isupper() or line[:1].isdigit()):
        return False
    return line.rsplit(None, 1)[-1] not in _GLUE  # "... the boundary of" goes on on the next line


_GLUE = frozenset("a an the of to in on at by for from with and or nor but as than that which who whose is are was "
                  "were be been has have had its their our this these those".split())


def _starts_block(line: str | None) -> bool:
    return line is not None and (line[:1].isupper() or line[:1].isdigit() or bool(_BULLET.match(line)))


def _ends_paragraph(line: str, nxt: str, after: str | None, typical: int) -> bool:
    """Whether a paragraph ends between ``line`` and the next line ``nxt`` (``after``: the line after
    that, None at the end): after a heading, before a heading or a list item, and after a short line
    that ends a sentence."""
    if _heading(line, typical) and _starts_block(nxt):
        return True
    if _BULLET.match(nxt) or (_heading(nxt, typical) and _starts_block(after)):
        return True
    return len(line) < SHORT * typical and bool(_SENTENCE_END.search(line))


def assemble(raw_pages: Sequence[str]) -> PdfText:
    """One text from the raw text of each page (see the module's docstring), with the page map."""
    pages = strip_running_lines([[x for x in _clean_lines(p) if x] for p in raw_pages])
    typical = _typical(pages)
    flat = [(n, line) for n, lines in enumerate(pages) for line in lines]
    pieces: list[str] = []  # the text so far, in pieces; the last one is the last line placed
    size = 0  # len("".join(pieces))
    starts = [-1] * len(pages)
    for k, (n, line) in enumerate(flat):
        after = flat[k + 1][1] if k + 1 < len(flat) else None
        if not pieces or _ends_paragraph(pieces[-1], line, after, typical):
            if pieces:
                pieces.append("\n\n")
                size += 2
        else:  # the same paragraph: the line before ends with a space, or loses or keeps its hyphen
            joined = _join(pieces[-1], line)  # it ends with ``line`` as it is
            size += len(joined) - len(line) - len(pieces[-1])
            pieces[-1] = joined[:len(joined) - len(line)]
        if starts[n] < 0:  # where the page's first line went (inside a paragraph of the page before, maybe)
            starts[n] = size
        pieces.append(line)
        size += len(line)
    text = "".join(pieces)
    end = len(text)
    for i in range(len(starts) - 1, -1, -1):  # a page with no text starts where the next text does
        if starts[i] < 0:
            starts[i] = end
        end = starts[i]
    return PdfText(text + "\n" if text else text, tuple(starts))
