#!/usr/bin/env python3
"""Compare pypdf and pdfminer.six on PDFs: speed, and how clean their words are.

For each PDF and library: the time to extract every page's text, the words, the share of words of
3+ letters that English word counts know (wordfreq; words run together by a missing space, and
broken glyphs, are not known), long unknown words per 1,000 (14+ letters: mostly words run
together) and glyphs left undecoded ("(cid:N)", U+FFFD). Reading order is looked at by hand
(``--show FILE PAGE`` writes both texts of one page side by side to /tmp). The figures that chose
pypdf for restore/io/pdf.py are in docs/usage.md ("Science papers and PDFs").

pdfminer.six is not a dependency of restore: ``pip install pdfminer.six`` to run this.

    python3 scripts/eval/pdf_extractors.py tests/fixtures/paper.pdf papers/*.pdf
"""
from __future__ import annotations

import argparse
import logging
import re
import time
from pathlib import Path

WORD = re.compile(r"[A-Za-z]+")


def pypdf_pages(path: str) -> list[str]:
    import pypdf

    return [p.extract_text() or "" for p in pypdf.PdfReader(path).pages]


def pdfminer_pages(path: str) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    return ["".join(el.get_text() for el in page if isinstance(el, LTTextContainer))
            for page in extract_pages(path, laparams=LAParams())]


LIBRARIES = {"pypdf": pypdf_pages, "pdfminer": pdfminer_pages}


def quality(text: str) -> tuple[float, float, int]:
    from wordfreq import zipf_frequency

    words = [w for w in WORD.findall(text) if len(w) >= 3]
    if not words:
        return 0.0, 0.0, 0
    known = [zipf_frequency(w.lower(), "en") > 0 for w in words]
    run_together = sum(len(w) >= 14 and not k for w, k in zip(words, known))
    return sum(known) / len(words), run_together / len(words) * 1000, text.count("(cid:") + text.count("\ufffd")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--show", nargs=2, metavar=("FILE", "PAGE"), help="write page PAGE (0-based) of FILE as "
                    "each library reads it to /tmp/pdf_<library>.txt")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    if args.show:
        for name, fn in LIBRARIES.items():
            Path(f"/tmp/pdf_{name}.txt").write_text(fn(args.show[0])[int(args.show[1])])
        return
    print(f"{'file':32} {'library':8} {'pages':>5} {'s':>6} {'ms/page':>7} {'words':>7} {'known':>6} "
          f"{'long?/1k':>8} {'undecoded':>9}")
    for path in args.pdfs:
        for name, fn in LIBRARIES.items():
            t = time.perf_counter()
            try:
                pages = fn(path)
            except Exception as exc:  # noqa: BLE001 - a comparison: a library that fails is a result
                print(f"{Path(path).name[:32]:32} {name:8} failed: {type(exc).__name__}: {exc}")
                continue
            dt = time.perf_counter() - t
            text = "\n".join(pages)
            known, run_together, undecoded = quality(text)
            print(f"{Path(path).name[:32]:32} {name:8} {len(pages):5} {dt:6.2f} {dt / max(1, len(pages)) * 1000:7.0f} "
                  f"{len(text.split()):7} {known:6.3f} {run_together:8.2f} {undecoded:9}")


if __name__ == "__main__":
    main()
