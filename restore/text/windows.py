"""Long texts in windows: cut points that split a text into stretches of at most ``WINDOW_CHARS``
characters, at a paragraph break where there is one, else after a sentence, else at white space.
The pipeline restores and detects each window as a text of its own and joins the results (offsets
shifted back), so that memory stays bounded and the time per word does not grow with length."""
from __future__ import annotations

import re

WINDOW_CHARS = 20_000
_CUTS = (re.compile(r"\n[^\S\n]*\n\s*"),                 # a blank line: between paragraphs
         re.compile(r"[.!?][\"'”’)\]]*\s+"),              # after a sentence
         re.compile(r"\s+"))                              # any white space


def windows(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` stretches that cover ``text`` exactly, each at most ``size`` characters
    (default ``WINDOW_CHARS``; longer only where half a window holds no white space at all); one for
    a text that fits."""
    size = size or WINDOW_CHARS
    out: list[tuple[int, int]] = []
    pos = 0
    while len(text) - pos > size:
        cut = _last_cut(text, pos + size // 2, pos + size)
        out.append((pos, cut))
        pos = cut
    out.append((pos, len(text)))
    return out


def _last_cut(text: str, lo: int, hi: int) -> int:
    """The last place in ``[lo, hi]`` to cut at: after a paragraph break, a sentence, or white space."""
    for pattern in _CUTS:
        end = None
        for m in pattern.finditer(text, lo, hi):
            end = m.end()
        if end is not None:
            return end
    return hi
