"""Tortured phrases no list has seen: put back the scientific term a phrase was spun from.

A paper mill's spinner swaps each word of a term for a thesaurus "synonym" ("random forest" ->
"irregular woodland", "artificial intelligence" -> "counterfeit consciousness"). The list of known
tortured phrases (``restore/data/tortured.tsv``) names the terms that get tortured; a phrase the
list lacks is often a new disguise of one of those terms, or of a term made of usual words. For
every run of 2-4 words (``windows``), ``TermIndex.candidates`` finds the terms whose words are,
position by position, the window's words or originals the inverse spinner channel
(``restore.fix.channel``) gives for them: known terms (the canonical side of the tortured list as
loaded, so a phrase taken out of the list takes its term's variant count down with it) and, inside
a span the detector marked, terms composed word by word, ranked by how usual English
(``restore.fix.ngrams`` bigram counts) finds their word pairs. ``TermModel`` (gradient-boosted trees
over ``features``, trained by ``scripts/train/train_terms.py``; ``restore/data/terms.json.gz``, card
``terms.md``) gives each candidate the probability that it is the original wording; ``term_edits``
makes the best of each window an edit of source "terms", and of overlapping applied ones keeps the
one that puts back more words (``choose``). Pure Python; no torch. ``--quality best``
composes in every window, phrase by phrase too (a run of words the channel knows as a whole undone
into one of its originals: "getting ready" -> "training", so "half breed user" may come back as
"hybrid user"), scores with ``MODEL_BEST`` and lets the language model have its say
(``restore.fix.terms_lm``).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from restore.fix import channel, ngrams

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*|[ \t]*\n[ \t]*")  # what may lie between two words of a window
STOP = frozenset("a an the of and or to in on for with by at from as is are was were be been being that this these "
                 "those it its their his her our your we they he she i you not no than then so such which who whom "
                 "what when where how also into over under between about after before during".split())
PER_WORD = 60  # channel candidates looked at for each word
MAX_WORDS = 4
MODEL = "terms.json.gz"


def fold(s: str) -> str:
    """Case and hyphens folded: "Third-Party" and "third party" are one term."""
    return " ".join(s.lower().replace("-", " ").split())


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    return [Word(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(text)]


def windows(text: str, ws: Sequence[Word], max_words: int = MAX_WORDS) -> Iterable[tuple[int, int]]:
    """(i, j): the runs ws[i:j] of 2..max_words words joined only by spaces, a hyphen or one line
    break (no punctuation, no second line break), not starting or ending on a function word."""
    n = len(ws)
    for i in range(n):
        if ws[i].text in STOP:
            continue
        for j in range(i + 2, min(n, i + max_words) + 1):
            gap = text[ws[j - 2].end:ws[j - 1].start]
            if not GAP.fullmatch(gap):
                break
            if ws[j - 1].text not in STOP:
                yield i, j


@dataclass(frozen=True)
class Candidate:
    """One term for one window: ``probs`` are the channel's weight for each word's original (KEEP
    for a word left as it is); ``known``: the term's variant count in the list (0: composed)."""

    term: str
    probs: tuple[float, ...]
    known: int
    # composed phrase by phrase: the (spun words, original) of each run of the window it undoes as
    # a whole ("getting ready" -> "training"); then ``probs`` holds one weight per undone run and
    # per kept word, and the term may have another number of words than the window
    parts: tuple[tuple[str, str], ...] = ()

    @property
    def changed(self) -> int:
        """How many of the window's words it changes."""
        if self.parts:
            return sum(len(s.split()) for s, _o in self.parts)
        return sum(1 for p in self.probs if p != channel.KEEP)

    def pairs(self, ws: Sequence[str]) -> list[tuple[str, str]]:
        """(spun, original) of each change: a word or, composed phrase by phrase, a run of words."""
        if self.parts:
            return list(self.parts)
        return [(w, t) for w, t, p in zip(ws, fold(self.term).split(), self.probs) if p != channel.KEEP]

    @property
    def channel_lp(self) -> float:
        return sum(math.log(p) for p in self.probs if p != channel.KEEP)


class TermIndex:
    """The known terms by length and by each position's word, and what the channel makes of a word."""

    def __init__(self, terms: Counter, spun: Iterable[str] = ()):
        self.count: Counter = Counter()
        # how often a word is on the spun side of the list, against on the term side: "framework",
        # "acknowledgement" and "calculation" are a paper mill's words, "system" and "algorithm" not
        self.spun_words = Counter(w for p in spun for w in fold(p).split())
        self.term_words = Counter(w for t, c in terms.items() for w in fold(t).split() for _ in range(c))
        forms: dict[str, Counter] = defaultdict(Counter)
        for t, c in terms.items():
            f = fold(t)
            self.count[f] += c
            forms[f][t] += c
        self.form = {f: c.most_common(1)[0][0] for f, c in forms.items()}  # the usual spelling of each term
        self.at: dict[tuple[int, int, str], set[str]] = defaultdict(set)
        self.parts: set[str] = set()  # every run of 2 or more words inside a known term
        for f in self.count:
            ws = f.split()
            if 2 <= len(ws) <= MAX_WORDS:
                for i, w in enumerate(ws):
                    self.at[(len(ws), i, w)].add(f)
            self.parts.update(" ".join(ws[i:j]) for i in range(len(ws)) for j in range(i + 2, len(ws) + 1))

    @classmethod
    def from_lexicon(cls, lex, name: str = "tortured") -> "TermIndex":
        from restore.fix.dictionary import wording

        entries = [e for e in lex.entries() if e.dictionary == name]
        return cls(Counter(wording(e.canonical) for e in entries), [e.spun for e in entries])

    def spun_ratio(self, word: str) -> float:
        """log((1 + times on the spun side) / (1 + times on the term side)) of a word in the list."""
        return math.log((1 + self.spun_words[word]) / (1 + self.term_words[word]))

    def candidates(self, ws: Sequence[str], composed: bool = False, phrases: bool = False) -> list[Candidate]:
        """The terms the window's words ``ws`` could be spun from, best channel first: every known term
        of that length whose words are each the window's word or one of its channel originals (at least
        one changed); with ``composed``, also the best pairings of the words' originals (``_compose``),
        and with ``phrases`` too of its runs' (``_compose_phrases``: these name the known term they
        reach, of any length; ``--quality best`` only)."""
        n = len(ws)
        if fold(" ".join(ws)) in self.parts:
            return []  # the window is a known term, or part of one
        opts = [{w: channel.KEEP, **{o: p for o, p in _origins(w).items() if o != w}} for w in ws]
        sets = []
        for i, o in enumerate(opts):
            s: set[str] = set()
            for c in o:
                s |= self.at.get((n, i, c), set())
            sets.append(s)
        found = set.intersection(*sets) if sets else set()
        out = []
        for f in found:
            tw = f.split()
            probs = tuple(opts[i][c] for i, c in enumerate(tw))
            if any(p != channel.KEEP for p in probs):
                out.append(Candidate(self.form[f], probs, self.count[f]))
        if composed:
            out += [c for c in _compose(opts) if fold(c.term) not in self.count]
        if composed and phrases:
            seen = {fold(c.term) for c in out}
            for c in _compose_phrases(ws, opts):
                f = fold(c.term)
                if f not in seen:
                    seen.add(f)
                    out.append(replace(c, term=self.form.get(f, c.term), known=self.count.get(f, 0)))
        out.sort(key=lambda c: -rank_score(c))
        return out


@lru_cache(maxsize=200_000)
def _origins(word: str) -> dict[str, float]:
    """A spun word's single-word originals and their channel weights."""
    return {o.lower(): max(p, 1e-4) for o, p in channel.candidates(word, PER_WORD) if " " not in o and "-" not in o}


PAIR_WEIGHT = 0.5  # composing: a pair's log10 bigram count against the channel's log weight
MAX_RUN = 3  # composing phrase by phrase: the longest run of spun words undone as a whole


def _word_steps(opts: list[dict[str, float]], per_word: int) -> list[list[tuple[int, str, float, bool]]]:
    """For each word i, its ``per_word`` best originals (itself, KEEP, among them) as beam steps
    ``(i + 1, original, weight, False)``."""
    return [[(i + 1, o, p, False) for o, p in sorted(opt.items(), key=lambda x: -x[1])[:per_word]]
            for i, opt in enumerate(opts)]


def _beam(steps: list[list[tuple[int, str, float, bool]]], keep: int) -> list[tuple[list[str], list[float], tuple | None, float]]:
    """Every way through a window, best first, by the channel's log weight of each step and how usual
    each adjacent pair of the words put out is in English (``PAIR_WEIGHT``), keeping the ``keep * 4``
    best that reach each word. ``steps[i]``: the ways on from word i, ``(end, original, weight,
    whole run)``. A way is ``(words, weights, chain, score)``: ``_taken(chain)`` lists the steps it
    took as ``(start, end, original, whole run)``."""
    big = ngrams._bigrams()
    n = len(steps)
    # each step with its words, and a way's steps kept as a chain (earlier, step): nothing is copied
    walk = [[(j, fold(o).split(), p, (i, j, o, is_run)) for j, o, p, is_run in st if fold(o)]
            for i, st in enumerate(steps)]
    beams: list[list[tuple[list[str], list[float], tuple | None, float]]] = [[] for _ in range(n + 1)]
    beams[0] = [([], [], None, 0.0)]
    for i in range(n):
        beams[i] = sorted(beams[i], key=lambda b: -b[3])[:keep * 4]
        for out, ps, chain, sc in beams[i]:
            for j, ow, p, step in walk[i]:
                fit = PAIR_WEIGHT * math.log10(1 + big.get(f"{out[-1]} {ow[0]}", 0)) if out else 0.0
                beams[j].append((out + ow, ps + [p], (chain, step), sc + math.log(p) + fit))
    return sorted(beams[n], key=lambda b: -b[3])


def _taken(chain: tuple | None) -> list[tuple[int, int, str, bool]]:
    """The steps of a way's chain (``_beam``), first first."""
    out = []
    while chain is not None:
        chain, step = chain
        out.append(step)
    return out[::-1]


def _compose(opts: list[dict[str, float]], per_word: int = 8, keep: int = 40) -> list[Candidate]:
    """The words' best originals paired up, best first by channel weight and how usual each adjacent
    pair is in English (``PAIR_WEIGHT``), a beam of ``keep``."""
    return [Candidate(" ".join(out), tuple(ps), 0) for out, ps, _t, _sc in _beam(_word_steps(opts, per_word), keep)[:keep]
            if any(p != channel.KEEP for p in ps)]


def _compose_phrases(ws: Sequence[str], opts: list[dict[str, float]], per_word: int = 8,
                     keep: int = 40) -> list[Candidate]:
    """Terms composed phrase by phrase: the window cut into runs of 1-``MAX_RUN`` words, each run of
    two or more that the inverse channel knows as a whole undone into one of its originals (of any
    length: "getting ready" -> "training", "the executives" -> "management", "sun oriented" ->
    "solar"), each other word kept or undone as in ``_compose`` (the same beam, ``_beam``); a beam of
    ``keep``. Only terms that undo some run of two or more words (``_compose`` makes the others)."""
    steps = _word_steps(opts, per_word)
    n, runs = len(ws), False
    for i in range(n):
        for j in range(i + 2, min(n, i + MAX_RUN) + 1):
            run = " ".join(ws[i:j])
            if not channel.known(run):
                continue
            got = [(o.lower(), p) for o, p in channel.candidates(run, PER_WORD) if fold(o) != run]
            steps[i] += [(j, o, max(p, 1e-4), True) for o, p in got[:per_word]]
            runs = runs or bool(got)
    if not runs:
        return []  # no run the channel knows whole
    out = []
    for words_out, ps, chain, _sc in _beam(steps, keep):
        taken = _taken(chain)
        if any(is_run for *_x, is_run in taken):
            out.append(Candidate(" ".join(words_out), tuple(ps), 0, tuple(
                (" ".join(ws[i:j]), o) for (i, j, o, is_run), p in zip(taken, ps) if is_run or p != channel.KEEP)))
            if len(out) == keep:
                break
    return out


def rank_score(c: Candidate) -> float:
    """How a window's candidates are ordered: the channel's log weight, the term's variants in the
    list (log, and a bonus for being listed at all), and how usual its word pairs are. Weights
    chosen on every 10th record of tortured_in_context_dev with the phrase's window given: the
    expected term first for 187 of 572 (channel weight alone: 152)."""
    return c.channel_lp + math.log1p(c.known) + 2.0 * (c.known > 0) + 0.5 * _pair_count(fold(c.term).split())


def features(ws: Sequence[str], c: Candidate, cands: Sequence[Candidate], det: float | None,
             index: TermIndex | None = None, science: bool = True) -> list[float]:
    """What ``TermModel`` weighs for candidate ``c`` of a window (``cands``: all of them, best first):
    the channel's log weight of its changed words, how many changed and of how many, the term's
    variants in the list (log), whether it was composed, its rank score and its margin over the best
    other candidate, how usual the window's and the term's word pairs are in English, the detector's
    highest word probability in the window (0.5 without a detector), how usual the changed words
    are, spun and original (a spinner's synonym is rarer than the word it replaces), how usual the
    window and the term are in clean news, how often the changed words are a paper mill's in
    the list, how usual the window and the term are in scientific prose (``science``: False
    leaves those two 0, for a model that does not read them: the table is large), and how many
    words longer the term is than the window (composed phrase by phrase, it may be shorter). A run
    of words undone as a whole counts as one change, its words as words changed, and its rarest
    word as its usualness."""
    top = rank_score(c)
    other = max((rank_score(o) for o in cands if o is not c), default=top - 8.0)
    tw = fold(c.term).split()
    changed = c.pairs(ws) or [(ws[0], tw[0])]
    spun_f = [_rarest(w) for w, _ in changed]
    term_f = [_rarest(t) for _, t in changed]
    return [c.channel_lp, c.changed, len(ws), math.log1p(c.known), float(c.known == 0), top,
            max(-8.0, min(8.0, top - other)), _pair_count(ws), _pair_count(tw),
            0.5 if det is None else det,
            min(spun_f), min(term_f), sum(t - w for w, t in zip(spun_f, term_f)) / len(changed),
            math.log10(1 + phrase_count(" ".join(ws))), math.log10(1 + phrase_count(" ".join(tw))),
            max(index.spun_ratio(x) for w, _ in changed for x in w.split()) if index is not None else 0.0,
            math.log10(1 + science_count(" ".join(ws))) if science else 0.0,
            math.log10(1 + science_count(" ".join(tw))) if science else 0.0,
            float(len(tw) - len(ws))]


def _rarest(words: str) -> float:
    """How usual (``ngrams.log_count``) the rarest word of a word or run of words is."""
    return min(ngrams.log_count(w) for w in fold(words).split() or [words])


@lru_cache(maxsize=2)
def _counts(name: str) -> dict[str, int]:
    import gzip

    raw = resources.files("restore.data").joinpath(name).read_bytes()
    out = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        k, _, v = line.partition("\t")
        if v.isdigit():
            out[k] = int(v)
    return out


PHRASES = "phrase_counts.tsv.gz"
SCIENCE = "science_counts.tsv.gz"


def phrase_count(phrase: str) -> int:
    """How often a lower-case run of 2-3 words occurs in clean news (``restore/data/phrase_counts.tsv.gz``)."""
    return _counts(PHRASES).get(phrase, 0)


def science_count(phrase: str) -> int:
    """How often a lower-case run of 2-4 words occurs in the documentation of scientific packages
    (``restore/data/science_counts.tsv.gz``, ``scripts/data/build_science_counts.py``)."""
    return _counts(SCIENCE).get(phrase, 0)


def _pair_count(ws: Sequence[str]) -> float:
    big = ngrams._bigrams()
    pairs = list(zip(ws, ws[1:]))
    return sum(math.log10(1 + big.get(f"{a} {b}", 0)) for a, b in pairs) / max(1, len(pairs))


class TermModel:
    """Gradient-boosted trees (trained by ``scripts/train/train_terms.py``; ``restore/data/terms.json.gz``):
    P(putting the candidate in for the window gives the original words there) from ``features``.
    Each tree is a list of nodes ``[feature, threshold, left, right, value, is_leaf]``; a row goes
    left when its feature is at most the threshold; the probability is the logistic of the base
    plus every tree's leaf value. ``features_used``: the positions in a row of ``features`` (or of
    whatever the caller computes) that the trees' feature numbers stand for."""

    def __init__(self, base: float, trees: Sequence[Sequence[Sequence[float]]], features_used: Sequence[int],
                 signature: str = ""):
        self.base, self.trees, self.used, self.signature = base, trees, list(features_used), signature

    def reads(self, names: Sequence[str], features: Sequence[str] | None = None) -> bool:
        """Whether the trees read any of the features ``names`` (of rows of ``features``, default ``FEATURES``)."""
        have = list(FEATURES if features is None else features)
        return any(have[i] in names for i in self.used)

    def prob(self, x: Sequence[float]) -> float:
        v = [x[i] for i in self.used]
        z = self.base
        for t in self.trees:
            i = 0
            while not t[i][5]:
                i = int(t[i][2]) if v[int(t[i][0])] <= t[i][1] else int(t[i][3])
            z += t[i][4]
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_bytes(cls, raw: bytes, name: str = "terms", features: Sequence[str] | None = None) -> "TermModel":
        """The model in ``raw`` (JSON, gzip-compressed or not), read against the rows ``features``
        (default: ``FEATURES``) that the caller computes: the model names the features it was made
        for, and reads them by name (a model made before a feature was added reads the rest)."""
        return cls.from_dict(_json(raw), name, features, raw)

    @classmethod
    def from_dict(cls, d: dict, name: str, features: Sequence[str] | None, raw: bytes) -> "TermModel":
        import hashlib

        have = list(FEATURES if features is None else features)
        made = list(d.get("features") or [])
        if not made or any(f not in have for f in made):
            raise ValueError(f"{name}: made for features {d.get('features')}, this restore computes {have}")
        return cls(d["base"], d["trees"], [have.index(made[i]) for i in d["used"]],
                   f"{name}@{hashlib.sha256(raw).hexdigest()[:8]}")


def _json(raw: bytes) -> dict:
    import gzip

    return json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)


FEATURES = ["channel_lp", "changed", "words", "log_known", "composed", "rank", "margin", "pair_window", "pair_term",
            "detector", "spun_freq", "term_freq", "freq_gain", "clean_window", "clean_term",
            "spun_ratio", "science_window", "science_term", "length_change"]
SCIENCE_FEATURES = ("science_window", "science_term")  # the default model does without them (terms.md)


MODEL_BEST = "terms_best.json.gz"


def load_model(path: str | None = None, best: bool = False) -> TermModel | None:
    """The shipped term model (``best``: the one trained with candidates composed in every window,
    ``--quality best``'s), or the one at ``path`` or at $RESTORE_TERMS_MODEL ($RESTORE_TERMS_BEST_MODEL),
    read once; None when there is none."""
    import os

    return _load_model(path or os.environ.get("RESTORE_TERMS_BEST_MODEL" if best else "RESTORE_TERMS_MODEL") or None,
                       MODEL_BEST if best else MODEL)


@lru_cache(maxsize=4)
def _load_model(path: str | None, name: str) -> TermModel | None:
    raw = read_model_file(path, name)
    return None if raw is None else TermModel.from_bytes(raw, "terms-best" if name == MODEL_BEST else "terms")


def read_model_file(path: str | None, name: str) -> bytes | None:
    """The bytes of the file at ``path``, else of ``restore/data/<name>``; None when it is not there."""
    try:
        return open(path, "rb").read() if path else resources.files("restore.data").joinpath(name).read_bytes()
    except (FileNotFoundError, OSError):
        return None


@dataclass(frozen=True)
class Window:
    """A run of words with the terms it could be spun from (best first, at most ``TOP``)."""

    start: int
    end: int
    words: tuple[str, ...]
    cands: tuple[Candidate, ...]
    det: float | None


TOP = 10


def highest_prob(tokens, probs):
    """(start, end) -> the detector's highest word probability in that range of the text
    (``tokens`` and their ``probs``, a ``Reading``'s; NaN for a token it did not judge)."""
    from bisect import bisect_left, bisect_right

    starts, ends = [t.start for t in tokens], [t.end for t in tokens]

    def prob(a: int, b: int) -> float:
        ps = [p for p in probs[bisect_right(ends, a):bisect_left(starts, b)] if p == p]
        return max(ps) if ps else 0.0
    return prob


COMPOSE_AT = 0.5  # composed candidates only where the detector gives a word of the window this much
REPORT_FLOOR = 0.3  # a window's best candidate under this is not even reported


def scan(text: str, index: TermIndex, taken: Sequence[tuple[int, int]] = (),
         detector_prob=None, compose_at: float = COMPOSE_AT, phrases: bool = False) -> list[Window]:
    """Each window of ``text`` (outside ``taken``) with candidates: ``detector_prob(start, end)``
    gives the detector's highest word probability in a range (None: no detector); composed
    candidates only where that is at least ``compose_at`` (at 0: in every window, with or without a
    detector), phrase by phrase too with ``phrases``."""
    ws = words(text)
    out = []
    for i, j in windows(text, ws):
        a, b = ws[i].start, ws[j - 1].end
        if any(s < b and a < e for s, e in taken):
            continue
        w = tuple(x.text for x in ws[i:j])
        det = detector_prob(a, b) if detector_prob is not None else None
        cands = index.candidates(w, composed=compose_at <= 0 or det is not None and det >= compose_at, phrases=phrases)
        if cands:
            out.append(Window(a, b, w, tuple(cands[:TOP]), det))
    return out


_indexes: dict[str, TermIndex] = {}


def term_index(lex) -> TermIndex:
    """The TermIndex of a loaded Lexicon, built once per dictionary content."""
    key = lex.signature
    if key not in _indexes:
        _indexes.clear()
        _indexes[key] = TermIndex.from_lexicon(lex)
    return _indexes[key]


def term_edits(text: str, lex, threshold: float, detector_prob=None, taken: Sequence[tuple[int, int]] = (),
               model: TermModel | None = None, best: bool = False, rescore=None) -> list:
    """The terms a science text's windows were likely spun from, as Edits of source "terms": the best
    candidate of each window the model gives at least ``REPORT_FLOOR``, applied at ``threshold``
    (overlapping ones are left to ``restore.fix.decide``); the rule names the next guesses.
    ``best`` (``--quality best``): candidates composed in every window, word by word and phrase by
    phrase, scored by the model trained
    so (``MODEL_BEST``), and ``rescore(text, window, scored, features)`` (``restore.fix.terms_lm.rescorer``:
    the language model's say) may give the window's candidates new probabilities and hold one back:
    ``scored`` is a list of (probability, candidate, None or why it is only reported), best first, and
    ``features`` each candidate's ``features``."""
    from restore.text.casing import transfer_case
    from restore.types import Edit

    model = model or load_model(best=best)
    if model is None:
        return []
    index = term_index(lex)
    science = rescore is not None or model.reads(SCIENCE_FEATURES)
    picks = []
    for win in scan(text, index, taken, detector_prob, compose_at=0.0 if best else COMPOSE_AT, phrases=best):
        xs = {c: features(win.words, c, win.cands, win.det, index=index, science=science) for c in win.cands}
        scored = sorted(((model.prob(x), c, None) for c, x in xs.items()), key=lambda t: -t[0])
        if rescore is not None:
            scored = rescore(text, win, scored, xs)
        p, c, held = scored[0]
        if p < REPORT_FLOOR:
            continue
        how = (f"a listed term ({c.known} variant{'s' if c.known != 1 else ''})" if c.known
               else "composed phrase by phrase" if c.parts else "composed word by word")
        also = "; ".join(f'"{o.term}" {q:.2f}' for q, o, *_r in scored[1:3] if q >= 0.05)
        picks.append(Pick(win.start, win.end, c.changed, c.term, p, p >= threshold and held is None,
                          how + (f"; {held}" if held else "") + (f"; next: {also}" if also else ""),
                          in_place(text[win.start:win.end], c)))
    picks = choose(picks)
    out = []
    for k in picks:
        original = text[k.start:k.end]
        rep = k.form or transfer_case(original, k.term)
        out.append(Edit(k.start, k.end, original, rep, source="terms", confidence=round(k.p, 4),
                        rule=f'terms: "{original}" -> "{rep}" (p={k.p:.2f}: {k.note})', applied=k.applied))
    return out


@dataclass(frozen=True)
class Pick:
    """A window's best candidate: its characters, the words it changes, the term, its probability,
    whether it is applied and what the rule says of it."""

    start: int
    end: int
    changed: int
    term: str
    p: float
    applied: bool
    note: str
    form: str | None = None  # the term as it goes into the text (``in_place``); None: transfer_case's


def in_place(window: str, c: Candidate) -> str | None:
    """The term written the way the window writes what it keeps, when it has the window's number of
    words and was not composed phrase by phrase: each word the term keeps is the window's own, as
    written ("Connected" stays "Connected"), each changed word takes the window word's case
    (``transfer_case``), and the window's own separators stay between them (a space
    stays a space, a hyphen a hyphen, a line break a line break: "fully collected layer" ->
    "fully connected layer", not the list's usual "fully-connected layer"). A spinner swaps words,
    not the marks between them. None otherwise."""
    from restore.text.casing import transfer_case

    if c.parts:
        return None
    ms = list(WORD.finditer(window))
    tw = WORD.findall(c.term)
    if not ms or len(ms) != len(tw) or len(ms) != len(c.probs) or WORD.sub("", c.term).strip(" -"):
        return None
    out = [window[:ms[0].start()]]
    for i, (m, t, p) in enumerate(zip(ms, tw, c.probs)):
        out.append(m.group() if p == channel.KEEP else transfer_case(m.group(), t))
        out.append(window[m.end():ms[i + 1].start()] if i + 1 < len(ms) else window[m.end():])
    return "".join(out)


def choose(picks: Sequence[Pick]) -> list[Pick]:
    """Among applied picks whose windows overlap, the one expected to put back the most words
    (probability times words changed), not the surest: a window that changes one word of a phrase
    and keeps its neighbours ("work on keen" -> "work on smart") is more often right than the one that
    changes the whole phrase ("keen climate" -> "smart environment"), and leaves the rest spun. The
    others are reported, not applied; so are picks that were not applied."""
    chosen: list[Pick] = []
    for k in sorted((k for k in picks if k.applied), key=lambda k: (-k.p * k.changed, -k.p, k.start)):
        if not any(c.start < k.end and k.start < c.end for c in chosen):
            chosen.append(k)
    keep = set(chosen)
    return [k if not k.applied or k in keep else replace(k, applied=False, note=k.note + "; another run restores more")
            for k in picks]
