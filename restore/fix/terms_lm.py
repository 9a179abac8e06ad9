"""``--quality best`` for tortured phrases: the language model's say on a window's term candidates.

The term model (``restore.fix.terms``) knows the channel, the list and word statistics, but not
whether a term reads right where it stands: "rising colon" -> "ascending colon", "apparent light
communication" -> "visible light communication". For each window whose best candidate the term
model gives at least ``floor``, the causal LM (``restore.fix.lm``, Gemma 3 270M) scores the
sentence with the window's own words and with each of its ``top`` candidates in their place; a
small gradient-boosted tree model (``restore/data/terms_lm.json.gz``, fitted by
``scripts/train/train_terms_lm.py``, evaluated as ``restore.fix.terms.TermModel``) joins the term
model's logit, the LM's margins and the term model's own features into the candidate's new
probability; a candidate the LM
prefers to the window's own words by less than ``Config.lm_margin`` is reported, not applied. Windows
under the floor keep the term model's probabilities (they are under the report floor anyway).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from restore.fix.terms import FEATURES as TERM_FEATURES

STACK = "terms_lm.json.gz"
LM_FEATURES = ["logit", "lm_margin", "lm_over_other", "lm_tokens", "changed", "words", "detector"]
FEATURES = LM_FEATURES + [f"term_{f}" for f in TERM_FEATURES]  # then the term model's own (terms.features)
CONTEXT = 600  # characters of context kept on each side of a window, cut at a sentence's edge
_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|\n\s*\n")


@dataclass(frozen=True)
class Stack:
    """The stack: ``model`` (a ``restore.fix.terms.TermModel`` over ``FEATURES``) and where it is asked:
    windows whose best candidate has at least ``floor``, their first ``top`` candidates."""

    model: object
    floor: float
    top: int

    @property
    def signature(self) -> str:
        return self.model.signature

    def prob(self, x: Sequence[float]) -> float:
        return self.model.prob(x)


def stack_from_bytes(raw: bytes, name: str = "terms-lm") -> Stack:
    from restore.fix.terms import TermModel, _json

    d = _json(raw)
    return Stack(TermModel.from_dict(d, name, FEATURES, raw), float(d["floor"]), int(d["top"]))


def load_stack(path: str | None = None) -> Stack | None:
    """The shipped stack (or the one at ``path`` or at $RESTORE_TERMS_LM), read once; None when
    there is none."""
    import os

    return _load_stack(path or os.environ.get("RESTORE_TERMS_LM") or None)


@lru_cache(maxsize=4)
def _load_stack(path: str | None) -> Stack | None:
    from restore.fix.terms import read_model_file

    raw = read_model_file(path, STACK)
    return None if raw is None else stack_from_bytes(raw)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before ``start`` and after ``end`` that the LM reads: at most ``CONTEXT`` characters
    each side, from the start of the window's sentence to its end when those lie within."""
    lo = max(0, start - CONTEXT)
    before = text[lo:start]
    cuts = list(_END.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    after = text[end:end + CONTEXT]
    m = _END.search(after)
    if m:
        after = after[:m.start()]
    return before, after


def lm_margins(scorer, text: str, start: int, end: int, terms: Sequence[str]) -> list[tuple[float, int]]:
    """For each term: (log P of the sentence with the term in place of ``text[start:end]`` minus
    log P with the window's own words, the difference in token counts), the LM reading the
    window's sentence (``context``)."""
    before, after = context(text, start, end)
    own = text[start:end]
    sep = ""
    if before.endswith((" ", "\t")):
        before, sep = before.rstrip(" \t"), " "
    opts = [sep + o for o in [own, *terms]]
    if not before:  # nothing before: the option starts the text
        opts = [o.lstrip() for o in opts]
    res = scorer.score_continuations(before, opts, after, detail=True)
    base_lp, _n, base_t = res[0]
    return [(lp - base_lp, t - base_t) for lp, _n, t in res[1:]]


def stack_features(p: float, margin: float, others: Sequence[float], dtok: int, changed: int, n_words: int,
                   det: float | None) -> list[float]:
    """What the stack weighs for one candidate: the term model's logit, the LM margin, that margin
    over the best other candidate's (5 when alone), the token difference, the words changed and in
    the window, the detector's highest word probability (0.5 without one)."""
    over = margin - max(others) if others else 5.0
    return [_logit(p), margin, over, float(dtok), float(changed), float(n_words), 0.5 if det is None else det]


def window_features(scorer, text: str, win, scored: Sequence[tuple], top: int) -> list[list[float]]:
    """``stack_features`` of the first ``top`` of a window's scored candidates ((probability,
    candidate, ...), best first): what the LM adds, without the term model's own features."""
    head = list(scored[:top])
    from restore.text.casing import transfer_case

    margins = lm_margins(scorer, text, win.start, win.end,
                         [transfer_case(text[win.start:win.end], c.term) for _p, c, *_r in head])
    out = []
    for k, ((p, c, *_r), (m, dt)) in enumerate(zip(head, margins)):
        others = [o for j, (o, _t) in enumerate(margins) if j != k]
        out.append(stack_features(p, m, others, dt, c.changed, len(win.words), win.det))
    return out


def rescorer(scorer=None, stack: Stack | None = None, margin: float = 2.0):
    """A ``rescore(text, window, scored, term_features)`` for ``restore.fix.terms.term_edits`` (the
    term model's ``features`` of each candidate, which the stack reads after the LM's), or None
    without a stack: the window's first candidates with the stack's probabilities, best first, each with what
    holds it back (None, or a note when the LM prefers it to the window's words by less than
    ``margin``, ``Config.lm_margin``: then it is reported, not applied). The LM loads on the first
    window that needs it."""
    stack = stack or load_stack()
    if stack is None:
        return None
    held = {"scorer": scorer}

    def rescore(text: str, win, scored, term_features):
        if not scored or scored[0][0] < stack.floor:
            return scored
        if held["scorer"] is None:
            from restore.fix.lm import load_scorer

            held["scorer"] = load_scorer()
        xs = [x + term_features[c]
              for x, (_p, c, *_r) in zip(window_features(held["scorer"], text, win, scored, stack.top), scored)]
        out = [(stack.prob(x), c, None if x[1] >= margin else f"the LM prefers it by {x[1]:.1f} < {margin:.1f}")
               for x, (_p, c, *_r) in zip(xs, scored)]
        return sorted(out, key=lambda t: -t[0])
    return rescore
