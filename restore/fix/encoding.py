"""The restorer's input and output format, shared by the runtime and the training code: the
sentence with the span marked, ``[CLS] left [unused0] span [unused1] right [SEP]``, the target
wordpieces, and wordpieces back to text. No torch needed (``tok`` is a tokenizer)."""
from __future__ import annotations

from typing import Sequence

from restore.text.tokenize import sentences

PAD, OPEN, CLOSE, CLS, SEP = 0, 1, 2, 101, 102  # [PAD] [unused0] [unused1] [CLS] [SEP]
MAX_LEFT, MAX_RIGHT, MAX_SPAN, MAX_TARGET = 32, 24, 16, 16


def encode_inputs(tok, lefts: Sequence[str], spans: Sequence[str], rights: Sequence[str]) -> list[list[int]]:
    """``[CLS] left[-32:] [unused0] span[:16] [unused1] right[:24] [SEP]`` as wordpiece ids."""
    kw = dict(add_special_tokens=False)
    L = tok(list(lefts), **kw)["input_ids"]
    S = tok(list(spans), **kw)["input_ids"]
    R = tok(list(rights), **kw)["input_ids"]
    return [[CLS] + (l[-MAX_LEFT:] if MAX_LEFT else []) + [OPEN] + s[:MAX_SPAN] + [CLOSE] + r[:MAX_RIGHT] + [SEP]
            for l, s, r in zip(L, S, R)]


def encode_targets(tok, targets: Sequence[str]) -> list[list[int]]:
    """Target wordpieces (no specials; [SEP] ends them in training and scoring)."""
    return [t[:MAX_TARGET] for t in tok([x.lower() for x in targets], add_special_tokens=False)["input_ids"]]


_NO_SPACE_BEFORE = set(".,!?;:)]}%'’-/") | {"'s", "n't"}
_NO_SPACE_AFTER = set("([{$'’-/")


def detokenize(pieces: Sequence[str]) -> str:
    """Wordpieces -> text: '##' joins, no spaces around hyphens/apostrophes/slashes, none before
    closing punctuation ("once - a - year" -> "once-a-year", "u . s ." -> "u.s.")."""
    out = ""
    prev = None
    for i, p in enumerate(pieces):
        if p.startswith("##"):
            out += p[2:]
        elif prev is None:
            out += p
        elif p in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER:
            out += p
        elif prev == "." and len(p) == 1 and p.isalpha() and i >= 2 and len(pieces[i - 2]) == 1:
            out += p  # u.s.
        else:
            out += " " + p
        prev = p
    return out


def context_of(text: str, start: int, end: int, sents: list[tuple[int, int]] | None = None) -> tuple[str, str]:
    """The left and right context of [start, end) within its sentence(s)."""
    sents = sents if sents is not None else sentences(text)
    a, b = start, end
    for s, e in sents:
        if s <= start < e or (s < end <= e) or (start <= s and e <= end):
            a, b = min(a, s), max(b, e)
    if a == start and b == end:  # not inside any sentence (blank text around it)
        a, b = max(0, start - 200), min(len(text), end + 200)
    return text[a:start], text[end:b]
