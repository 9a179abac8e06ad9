#!/usr/bin/env python3
"""Write tests/fixtures/paper.pdf: two pages of a short science-paper-like text with tortured phrases.

What the tests of ``restore/io/pdf.py`` and of the paper report (tests/test_pdf.py) rely on:

- a running header on each page (the journal's name and the page number, 41 and 42) and a
  repeated footer, which extraction removes;
- tortured phrases from the built-in list (restore/data/tortured.tsv): "counterfeit knowledge"
  (once broken at a line end as "counter-" / "feit knowledge"), "profound learning", "kidney
  disappointment", "huge information", "arbitrary backwoods", "flag handling"; and "malignant
  growth", which the list has but which is ordinary English in oncology (reported, not applied);
- tortured phrases made up in the same style that no dictionary lists ("haphazard timberland",
  "slope plummet", "bunching calculation");
- the ligatures ﬁ and ﬂ (glyphs named /fi and /fl, as TeX writes them), a word hyphenated at a
  line end ("irregu-" / "lar"), a real hyphen at a line end ("state-of-the-" / "art"), and a
  paragraph that runs on from page 1 to page 2.

The PDF is written byte by byte (no PDF library: the bytes are the same on every run), Helvetica
not embedded, content streams compressed. ``pdf_document`` is the writer; the tests use it to make
an image-only PDF.

    python3 scripts/data/make_fixture_pdf.py            # writes tests/fixtures/paper.pdf
"""
from __future__ import annotations

import argparse
import textwrap
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "paper.pdf"
WIDTH, HEIGHT = 595, 842  # A4 in points
LEFT, TOP, LEADING, WRAP = 72, 740, 13, 88
JOURNAL = "Journal of Applied Computing Research"
FOOTER = "(c) 2024 The Authors. Published under a CC BY 4.0 licence."
FIRST_PAGE = 41
CODES = {"\ufb01": 1, "\ufb02": 2}  # the ligatures' codes in the fonts' /Differences (/fi, /fl)

# A page is a list of blocks: ("title" | "heading" | "text", words). In "text", "|" ends a line
# where it stands (a hyphenated line end), and a block that ends with "|" runs on to the next page.
PAGES = [
    [
        ("title", "Early Diagnosis from Clinical Records with Hybrid Models"),
        ("text", "Alice Example and Bob Sample, Department of Computing, Example University"),
        ("heading", "Abstract"),
        ("text", "Recent progress in profound learning has made automated diagnosis from clinical records "
                 "practical. We present a hybrid method that applies counter-|feit knowledge to the early "
                 "detection of kidney disappointment, and we report signiﬁcant gains over a state-of-the-|art "
                 "baseline on three public data sets."),
        ("heading", "1 Introduction"),
        ("text", "Chronic kidney disease affects about one adult in ten, and most cases are found late, when "
                 "kidney disappointment can no longer be prevented. Huge information from hospital systems "
                 "offers a way to ﬁnd such patients earlier, but clinical notes are noisy and irregu-|lar in "
                 "form, and the codes attached to them are often incomplete."),
        ("text", "Earlier work used hand-written rules or a single arbitrary backwoods model. Flag handling of "
                 "laboratory time series has also been tried, with modest results. In this paper we combine a "
                 "profound learning encoder with a haphazard timberland trained on structured features, and we "
                 "ask whether the same records can also ﬂag malignant growth. The model is trained on|"),
    ],
    [
        ("text", "records from three hospitals and tested on a fourth, with the same settings throughout."),
        ("heading", "2 Methods"),
        ("text", "The encoder is trained with slope plummet on 40,000 notes. Its outputs and the structured "
                 "features are grouped with a bunching calculation, and each group gets a classiﬁer of its own. "
                 "Every model is tuned with ﬁve-fold cross-validation, and we report the mean."),
        ("heading", "3 Results"),
        ("text", "The hybrid model reaches an area under the curve of 0.91, against 0.84 for counterfeit "
                 "knowledge alone and 0.86 for the arbitrary backwoods baseline. Errors concentrate in patients "
                 "with short records, where huge information gives little signal."),
        ("heading", "4 Conclusion"),
        ("text", "Combining a profound learning encoder with a tree ensemble improves the early detection of "
                 "kidney disappointment. The ﬁndings should be conﬁrmed on records from other countries."),
    ],
]


def _string(s: str) -> bytes:
    """A PDF literal string in the fonts' encoding (WinAnsi, with the ligatures at their codes)."""
    out = bytearray(b"(")
    for ch in s:
        b = bytes([CODES[ch]]) if ch in CODES else ch.encode("cp1252")
        if b in (b"(", b")", b"\\"):
            out += b"\\" + b
        elif b[0] < 32:
            out += b"\\%03o" % b[0]
        else:
            out += b
    return bytes(out + b")")


def _show(font: str, size: float, x: float, y: float, s: str) -> bytes:
    return b"BT /%s %g Tf %g %g Td %s Tj ET\n" % (font.encode(), size, x, y, _string(s))


def _lines(text: str) -> list[str]:
    """``text`` wrapped, with a line end after each "|" (and none at a "|" that ends it)."""
    pieces = text.split("|")
    out: list[str] = []
    for k, piece in enumerate(pieces):
        if not piece and k == len(pieces) - 1:
            break
        out.extend(textwrap.wrap(piece.strip(), WRAP, break_on_hyphens=False, break_long_words=False) or [""])
    return out


def page_content(blocks, number: int) -> bytes:
    ops = [_show("F1", 8, LEFT, 800, JOURNAL), _show("F1", 8, WIDTH - LEFT - 12, 800, str(number))]
    y = TOP
    for kind, words in blocks:
        if kind == "title":
            ops.append(_show("F2", 14, LEFT, y, words))
            y -= 24
        elif kind == "heading":
            y -= 4
            ops.append(_show("F2", 11, LEFT, y, words))
            y -= LEADING + 3
        else:
            for line in _lines(words):
                ops.append(_show("F1", 10, LEFT, y, line))
                y -= LEADING
            y -= 6
    ops.append(_show("F1", 8, LEFT, 50, FOOTER))
    return b"".join(ops)


def pdf_document(contents: list[bytes], images: bool = False, fonts: bool = True) -> bytes:
    """A PDF of one page per content stream (A4, Helvetica and Helvetica-Bold as F1 and F2; with
    ``images``, each page has a 2x2 grey image /Im1 to draw)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    enc = b"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /fl] >>"
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding " + enc + b" >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding " + enc + b" >>")
    img = add(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
              b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x40\x80\xc0\xff\nendstream") if images else 0
    kids = []
    for content in contents:
        data = zlib.compress(content, 9)
        stream = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        res = b"<< "
        if fonts:
            res += b"/Font << /F1 %d 0 R /F2 %d 0 R >> " % (f1, f2)
        if images:
            res += b"/XObject << /Im1 %d 0 R >> " % img
        res += b">>"
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents %d 0 R >>"
                        % (tree, WIDTH, HEIGHT, res, stream)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info = add(b"<< /Producer (restore scripts/data/make_fixture_pdf.py) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, info, xref)
    return bytes(out)


def fixture_bytes() -> bytes:
    return pdf_document([page_content(blocks, FIRST_PAGE + i) for i, blocks in enumerate(PAGES)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    data = fixture_bytes()
    Path(args.out).write_bytes(data)
    print(f"{args.out}: {len(data):,} bytes, {len(PAGES)} pages")


if __name__ == "__main__":
    main()
