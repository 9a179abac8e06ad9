"""What the ``--quality best`` stage reconsiders (``find_units``): the fast stage's uncertain edits,
the detector's spans no edit covers (whole, or cut into the inverse channel's keys), and without a
detector the words the LM finds most surprising; each with the channel's candidate wordings.
Offsets are code points into the input. No torch."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

from restore.text.protect import protected_ranges
from restore.text.tokenize import ABBREVIATIONS, Token, sentences, tokenize
from restore.types import Edit, Span

STOPWORDS = frozenset(
    "a an the of to in on at by for with from and or but as is are was were be been being it its this "
    "that these those he she they we you i his her their our your my me him them us not no so if then "
    "than there here who whom whose which what when where why how all any each both some such only "
    "own same too very can will just should would could may might must shall do does did has have had "
    "s t re ve ll d m".split())
MAX_NGRAM = 3


@dataclass
class Unit:
    start: int
    end: int
    priority: float
    kind: str                       # "edit", "span" or "surprise"
    fast: Edit | None = None        # the fast stage's edit here, if any
    cands: dict[str, float | None] = field(default_factory=dict)   # wording -> channel weight

    def overlaps(self, a: int, b: int) -> bool:
        return self.start < b and a < self.end


def _channel_units(text: str, toks: Sequence[Token], lo: int, hi: int, channel, priority: float,
                   kind: str, protected, taken) -> list[Unit]:
    """Cut tokens [lo, hi) into the longest channel keys (skipping stopwords alone)."""
    out: list[Unit] = []
    i = lo
    while i < hi:
        t = toks[i]
        if not t.is_word or any(a < t.end and t.start < b for a, b in taken):
            i += 1
            continue
        hit = None
        for n in range(min(MAX_NGRAM, hi - i), 0, -1):
            seg = toks[i:i + n]
            if not seg[-1].is_word:
                continue
            a, b = seg[0].start, seg[-1].end
            if any(x < b and a < y for x, y in taken) or any(x < b and a < y for x, y in protected):
                continue
            if n == 1 and (t.lower in STOPWORDS or _abbreviation(t.text)):
                continue
            key = text[a:b]
            if n > 1 and not (channel and channel.known(key)):
                continue
            c = channel.candidates(key) if channel else []
            if c:
                hit = (n, a, b, c)
                break
        if hit:
            n, a, b, c = hit
            out.append(Unit(a, b, priority, kind, cands={w: s for w, s in c}))
            i += n
        else:
            i += 1
    return out


_VOWELS = set("aeiouyAEIOUY")


def _abbreviation(word: str) -> bool:
    """"pct", "mln", "dlrs", "Corp", "Inc", "U.S.": expanding them is not restoring them."""
    w = word.strip(".")
    return (w.lower() in ABBREVIATIONS or (w.isalpha() and len(w) <= 5 and not (_VOWELS & set(w)))
            or (len(w) >= 2 and w.isupper() and w.isalpha() and len(w) <= 5))


def find_units(text: str, spans: Sequence[Span], edits: Sequence[Edit], cfg, channel,
               surprise: Callable[[str, list[Token]], list[float]] | None = None) -> list[Unit]:
    """Stretches to reconsider, most uncertain first, at most ``lm_max_spans``."""
    toks = tokenize(text)
    protected = protected_ranges(text)
    keep_conf = cfg.lm_keep_confidence
    units: list[Unit] = []
    fixed = []  # edits never reconsidered
    for e in edits:
        if e.source == "user" or (e.source == "dictionary" and e.confidence >= keep_conf and e.applied):
            fixed.append((e.start, e.end))
            continue
        units.append(Unit(e.start, e.end, 1.0 - abs(2 * e.confidence - 1.0) * 0.5, "edit", fast=e))
    taken = fixed + [(u.start, u.end) for u in units]
    det = [s for s in spans if s.source != "dictionary"]
    for s in sorted(det, key=lambda s: -s.confidence):
        if any(a < s.end and s.start < b for a, b in taken):
            continue
        idx = [i for i, t in enumerate(toks) if t.start < s.end and s.start < t.end]
        if not idx:
            continue
        a, b = toks[idx[0]].start, toks[idx[-1]].end
        n_words = sum(1 for i in idx if toks[i].is_word)
        got = []
        if 1 <= n_words <= MAX_NGRAM and not any(x < b and a < y for x, y in protected) and channel:
            c = channel.candidates(text[a:b])  # the whole span (composed from its words if need be)
            if c:
                got = [Unit(a, b, s.confidence, "span", cands={w: v for w, v in c})]
        if not got:
            got = _channel_units(text, toks, idx[0], idx[-1] + 1, channel, s.confidence, "span", protected, taken)
        if not got and not any(x < b and a < y for x, y in protected):
            got = [Unit(a, b, s.confidence, "span")]
        units.extend(got)
        taken.extend((u.start, u.end) for u in got)
    if surprise is not None:
        units.extend(_surprise_units(text, toks, cfg, channel, surprise, protected, taken))
    units.sort(key=lambda u: -u.priority)
    return sorted(units[: max(0, int(cfg.lm_max_spans))], key=lambda u: u.start)


def _surprise_units(text, toks, cfg, channel, surprise, protected, taken) -> list[Unit]:
    """No detector: the channel-key words the LM finds most surprising, per sentence."""
    floor = cfg.lm_min_surprise
    cands: list[Unit] = []
    for a, b in sentences(text):
        st = [t for t in toks if a <= t.start and t.end <= b]
        if not st:
            continue
        sur = surprise(text[a:b], [Token(t.text, t.start - a, t.end - a) for t in st])
        lo = toks.index(st[0])
        units = _channel_units(text, toks, lo, lo + len(st), channel, 0.0, "surprise", protected, taken)
        for u in units:
            vals = [s for t, s in zip(st, sur) if u.start <= t.start and t.end <= u.end]
            # the word itself, and how much it surprises the word after it
            nxt = [s for t, s in zip(st, sur) if t.start >= u.end][:1]
            u.priority = max(vals, default=0.0) + 0.5 * (nxt[0] if nxt else 0.0)
            if u.priority >= floor:
                cands.append(u)
    # priorities of surprise units are on a nats scale: squash into [0, 1) below detector spans
    for u in cands:
        u.priority = 0.5 * (1.0 - math.exp(-u.priority / 10.0))
    return cands
