"""The best-quality stage: a pretrained causal LM (Gemma 3 270M, :mod:`restore.fix.lm`) reranks the
choices the fast pipeline is least sure about.

``rerank_edits(text, spans, candidate_edits, cfg, scorer)`` takes the fast stage's output (the
detector's spans and the edits ``decide`` kept) and returns the final edits:

1. *Units*: stretches of the input to reconsider, sorted by how unsure the fast stage is, at most
   ``lm_max_spans`` per document: fast edits that are not certain (user dictionary edits and
   dictionary edits with confidence >= ``lm_keep_confidence`` are kept as they are), detector spans
   no edit covers (the whole span when it has 1-3 words, else cut into the inverse channel's keys),
   and, when no detector is loaded (or ``lm_surprise_units=2``), the words the LM itself finds most
   surprising (>= ``lm_min_surprise`` nats) among those the channel has candidates for.
2. *Candidates* per unit: the fast proposal, the inverse channel's top ``lm_max_candidates``
   (``restore.fix.channel.candidates``), the seq2seq restorer's beam (when one is shipped and has
   ``.candidates``), and always the spun wording itself.
3. *Scores*: the LM's log-probability of each candidate plus the next ``lm_right_words`` words,
   given the sentence to its left (with the decisions already taken; that shared prefix is
   KV-cached once and all candidates go in one batch);
   ``delta = (lp(candidate) - lp(spun)) / tokens`` (per token of the longer wording), plus
   ``lm_prior_weight * log(channel weight)`` and ``lm_fast_bonus * confidence`` for the fast proposal.
4. *Decision*: the best candidate replaces the spun wording when its margin over the spun wording
   is at least ``lm_margin`` and it beats the runner-up candidate by ``lm_separation`` (two close
   candidates mean the LM does not know which original it was; such an edit is reported, not
   applied). A fast edit the fast stage held back is confirmed only in the report unless
   ``lm_promote`` is set (promoting them measured precision 0.55); ``confidence = sigmoid((margin - lm_margin) / lm_scale + logit(threshold))``
   so that an LM edit is applied exactly when ``margin >= lm_margin`` (plus ``lm_name_margin`` for a
   capitalised word inside a sentence). A fast edit whose own wording the LM finds worse than the
   spun text by ``lm_margin`` is kept but no longer applied.
5. *Document gate*: when fewer than ``lm_doc_min_edits`` LM changes, or fewer than
   ``lm_doc_min_rate`` of the units scored, came out, none is applied (all are reported): scattered
   preferences in a clean text are not evidence of spinning.

Edits from this stage have ``source="lm"`` and ``rule="lm rerank: margin X (...)"``. Offsets are
code points into the input; the returned edits are sorted and never overlap.
"""
from __future__ import annotations

import gzip
import math
import re
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from restore.text.casing import transfer_case, wants_an
from restore.text.tokenize import ABBREVIATIONS, Token, sentences, tokenize
from restore.text.protect import protected_ranges
from restore.fix.wording import shape_problem
from restore.types import Edit, Span

# defaults of the settings (Config fields once the lead adds them; read with getattr until then)
DEFAULTS = {
    # chosen on dev traces (scripts/eval_quality.py --trace / --tune; runs/quality/): 16 dev_mixture
    # documents, 30 tortured-in-context sentences and 12 clean dev originals
    # (re-chosen in session 8 on a trace of 60 dev_clean_mixed documents, see the README: the
    # separation rule and no promotion lifted the LM's own edits from precision 0.68 to 0.9 there)
    "lm_max_spans": 40,          # units reconsidered per document
    "lm_max_candidates": 10,     # candidates per unit besides the spun wording and the fast proposal
    "lm_margin": 2.0,            # score margin over the spun wording needed to apply
    "lm_separation": 2.0,        # ... and over the runner-up candidate (else: reported, not applied)
    "lm_promote": 0,             # 1: the LM may apply a fast edit the fast stage held back (measured: P 0.55)
    "lm_scale": 1.0,             # margin units per logit of confidence
    "lm_prior_weight": 2.0,      # weight of log(channel weight) in a candidate's score
    "lm_fast_bonus": 1.0,        # weight of the fast stage's confidence for its own proposal
    "lm_keep_confidence": 0.9,   # dictionary edits at or above this are not reconsidered
    "lm_seq2seq_candidates": 0,  # 1: also score the seq2seq restorer's beam (measured harmful: off)
    "lm_surprise_units": 1,      # LM-surprise suspects: 0 never, 1 only without a detector, 2 always
    "lm_min_surprise": 10.0,     # nats: less surprising words are not suspects
    "lm_right_words": 3,         # words of right context scored after each candidate
    "lm_name_margin": 2.0,       # extra margin for a capitalised word inside a sentence (a name?)
    "lm_doc_min_edits": 1,       # a document with fewer LM changes than this gets none applied
    "lm_doc_min_rate": 0.1,      # ... or with fewer than this share of its scored units changed
}
STOPWORDS = frozenset(
    "a an the of to in on at by for with from and or but as is are was were be been being it its this "
    "that these those he she they we you i his her their our your my me him them us not no so if then "
    "than there here who whom whose which what when where why how all any each both some such only "
    "own same too very can will just should would could may might must shall do does did has have had "
    "s t re ve ll d m".split())
MAX_NGRAM = 3
REPORT_FLOOR = 0.3


def setting(cfg, name: str):
    return getattr(cfg, name, DEFAULTS[name])


def signature(cfg) -> str:
    """What decides this stage's output, for the run signature: the LM and the settings."""
    from restore.fix.lm import model_signature

    return (f"lm:{model_signature()},spans{int(setting(cfg, 'lm_max_spans'))},"
            f"cands{int(setting(cfg, 'lm_max_candidates'))},margin{float(setting(cfg, 'lm_margin')):.2f},"
            f"sep{float(setting(cfg, 'lm_separation')):.2f},prior{float(setting(cfg, 'lm_prior_weight')):.2f},"
            f"promote{int(setting(cfg, 'lm_promote'))}")


# ---------------------------------------------------------------- candidates from other stages
class _Channel:
    """The inverse channel: ``candidates(phrase, k)`` (phrases it does not list are composed from
    their words) and ``known(phrase)`` (the table lists it). ``restore.fix.channel`` when that module
    exists, else a reader of the shipped table."""

    def __init__(self) -> None:
        self._cands = self._known = None
        try:
            from restore.fix import channel  # written by another engineer; may not exist yet

            self._cands = getattr(channel, "candidates", None)
            self._known = getattr(channel, "known", None)
        except ImportError:
            pass
        if not callable(self._cands):
            table = _channel_table()
            self._cands = (lambda w, k=None: table.get(w.lower(), [])[:k] if k else table.get(w.lower(), []))
            self._known = lambda w: w.lower() in table
        if not callable(self._known):
            self._known = lambda w: bool(self._cands(w))

    def __call__(self, phrase: str, k: int | None = None) -> list:
        try:
            return list(self._cands(phrase, k))
        except TypeError:  # a candidates() without k
            got = list(self._cands(phrase))
            return got[:k] if k else got

    def known(self, phrase: str) -> bool:
        return bool(self._known(phrase))


def _channel_fn() -> "_Channel":
    return _Channel()


@lru_cache(maxsize=1)
def _channel_table() -> dict[str, list[tuple[str, float]]]:
    """Fallback: ``restore/data/channel.tsv.gz`` (``spun<TAB>orig:weight|...``, best first)."""
    p = Path(__file__).resolve().parent / "data" / "channel.tsv.gz"
    if not p.is_file():
        return {}
    out: dict[str, list[tuple[str, float]]] = {}
    with gzip.open(p, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            key, vals = line.rstrip("\n").split("\t", 1)
            cands = []
            for item in vals.split("|"):
                w, _, s = item.rpartition(":")
                try:
                    cands.append((w, float(s)))
                except ValueError:
                    continue
            out[key] = cands
    return out


def _as_pairs(items) -> list[tuple[str, float | None]]:
    out = []
    for it in items or ():
        if isinstance(it, str):
            out.append((it, None))
        elif isinstance(it, dict):
            out.append((str(it.get("original") or it.get("text") or it.get("word")),
                        it.get("weight", it.get("score"))))
        else:
            try:
                w, s = it[0], it[1]
                out.append((str(w), float(s) if s is not None else None))
            except (TypeError, IndexError, ValueError):
                continue
    return out


def _seq2seq_candidates(text: str, units: Sequence["Unit"], cfg, k: int) -> dict[int, list[str]]:
    if not getattr(cfg, "use_model", True):
        return {}
    try:
        from restore.fix.restorer import load_restorer

        res = load_restorer(getattr(cfg, "models_dir", None))
    except Exception:
        return {}
    if res is None or not hasattr(res, "candidates"):
        return {}
    spans = [Span(u.start, u.end, text[u.start:u.end], 0.5) for u in units]
    try:
        got = res.candidates(text, spans, k)
    except Exception:
        return {}
    out: dict[int, list[str]] = {}
    for i, c in enumerate(got or ()):
        out[i] = [w for w, _ in _as_pairs(c)]
    return out


# ---------------------------------------------------------------- units
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
            c = _as_pairs(channel(key)) if channel else []
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
    keep_conf = setting(cfg, "lm_keep_confidence")
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
            c = _as_pairs(channel(text[a:b]))  # the whole span (composed from its words if need be)
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
    return sorted(units[: max(0, int(setting(cfg, "lm_max_spans")))], key=lambda u: u.start)


def _surprise_units(text, toks, cfg, channel, surprise, protected, taken) -> list[Unit]:
    """No detector: the channel-key words the LM finds most surprising, per sentence."""
    floor = setting(cfg, "lm_min_surprise")
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


# ---------------------------------------------------------------- scoring helpers
def _subsequence(a: list[str], b: list[str]) -> bool:
    it = iter(b)
    return all(x in it for x in a)


def _render(text: str, a: int, b: int, edits: Sequence[tuple[int, int, str]]) -> str:
    """``text[a:b]`` with the given (start, end, replacement) edits that lie inside it applied."""
    out, pos = [], a
    for s, e, r in sorted(edits):
        if s < a or e > b or s < pos:
            continue
        out.append(text[pos:s])
        out.append(r)
        pos = e
    out.append(text[pos:b])
    return "".join(out)


_WORD = re.compile(r"\S+")


def _cut_words(right: str, n: int) -> str:
    """The first ``n`` whitespace-separated words of ``right`` (all of it when n < 0)."""
    if n < 0:
        return right
    if n == 0:
        return ""
    for i, m in enumerate(_WORD.finditer(right)):
        if i == n - 1:
            return right[:m.end()]
    return right


def _squash(margin: float, lm_margin: float, scale: float, threshold: float) -> float:
    t = min(max(threshold, 1e-4), 1 - 1e-4)
    z = (margin - lm_margin) / max(scale, 1e-6) + math.log(t / (1 - t))
    z = max(-50.0, min(50.0, z))
    return min(1.0, max(0.0, 1.0 / (1.0 + math.exp(-z))))


def _just_below(threshold: float) -> float:
    """The confidence of an edit that is reported but must not be applied."""
    return max(0.0, round(threshold - 0.0001, 4))


def _fmt(x: float) -> str:
    return f"{x:+.2f}"


# ---------------------------------------------------------------- the stage
def rerank_edits(text: str, spans: Sequence[Span], candidate_edits: Sequence[Edit], cfg, scorer=None,
                 progress: Callable[[int, int], None] | None = None, stats: dict | None = None,
                 trace: list | None = None, detector: bool | None = None) -> list[Edit]:
    """The final edits of ``text`` after the LM reranked the least certain choices.

    ``spans``: the detector's spans (may be empty); ``candidate_edits``: the fast stage's edits
    (non-overlapping, as ``decide`` returns them). ``scorer``: an :class:`restore.fix.lm.LMScorer`
    (default: the process-wide one; raises ModelError without the ``[lm]`` extra). ``progress(i, n)``
    is called after each unit. ``stats`` (a dict) receives counts and timings; ``trace`` (a list)
    one record per unit with every option's LM score (for tuning the decision offline).
    ``detector``: whether a span detector ran (default: whether one is loaded for ``cfg``); without
    one, the LM's own surprise picks the suspects.
    """
    edits = sorted(candidate_edits, key=lambda e: (e.start, e.end))
    if not text.strip():
        return edits
    if scorer is None:
        from restore.fix.lm import load_scorer

        scorer = load_scorer()
    t0 = time.time()
    channel = _channel_fn()
    k = max(0, int(setting(cfg, "lm_max_candidates")))
    margin_need = float(setting(cfg, "lm_margin"))
    scale = float(setting(cfg, "lm_scale"))
    prior_w = float(setting(cfg, "lm_prior_weight"))
    fast_w = float(setting(cfg, "lm_fast_bonus"))
    threshold = float(getattr(cfg, "threshold", 0.6))
    right_words = int(setting(cfg, "lm_right_words"))
    name_margin = float(setting(cfg, "lm_name_margin"))
    separation = float(setting(cfg, "lm_separation"))
    promote = bool(setting(cfg, "lm_promote"))

    def surprise(sentence: str, toks: list[Token]) -> list[float]:
        offs, lps = scorer.token_logprobs(sentence)
        out = []
        for t in toks:
            out.append(-sum(lp for (a, b), lp in zip(offs, lps) if a < t.end and t.start < b and b > a))
        return out

    if detector is None:
        detector = _detector_loaded(cfg)
    mode = int(setting(cfg, "lm_surprise_units"))
    use_surprise = mode >= 2 or (mode == 1 and not detector)
    units = find_units(text, spans, edits, cfg, channel, surprise if use_surprise else None)
    s2s = _seq2seq_candidates(text, units, cfg, k) if units and setting(cfg, "lm_seq2seq_candidates") else {}
    toks = tokenize(text)
    sents = sentences(text)
    # the current wording of every stretch: applied fast edits, replaced by decisions as they come
    current: dict[tuple[int, int], str] = {(e.start, e.end): e.replacement for e in edits if e.applied}
    by_unit: dict[tuple[int, int], Edit | None] = {}
    n_rows = 0
    for ui, u in enumerate(units):
        decided = _decide_unit(text, u, toks, sents, current, scorer, k, s2s.get(ui, ()), margin_need,
                               scale, prior_w, fast_w, threshold, trace, right_words, name_margin,
                               separation, promote)
        n_rows += decided[1]
        e = decided[0]
        by_unit[(u.start, u.end)] = e
        if u.fast is not None:
            current.pop((u.fast.start, u.fast.end), None)
        if e is not None and e.applied:
            current[(e.start, e.end)] = e.replacement
        if progress:
            progress(ui + 1, len(units))
    # the document gate: a few scattered LM preferences in a clean text are not evidence of spinning
    changed = [e for e in by_unit.values() if e is not None and e.source == "lm" and e.applied]
    gate = (len(changed) >= setting(cfg, "lm_doc_min_edits")
            and len(changed) >= setting(cfg, "lm_doc_min_rate") * len(units))
    if not gate:
        below = _just_below(threshold)
        for u in units:
            e = by_unit.get((u.start, u.end))
            if u.fast is not None:
                if not (e is not None and e.source == u.fast.source and u.fast.applied and not e.applied):
                    by_unit[(u.start, u.end)] = u.fast  # demoting a fast edit is kept: it changes nothing
            elif e is not None and e.applied:
                by_unit[(u.start, u.end)] = replace(e, applied=False, confidence=min(e.confidence, below),
                                                    rule=e.rule + "; not applied: too few LM changes in the document")
    out: list[Edit] = []
    replaced = {(u.fast.start, u.fast.end) for u in units if u.fast is not None}
    for e in edits:
        if (e.start, e.end) not in replaced:
            out.append(e)
    for u in units:
        e = by_unit.get((u.start, u.end))
        if e is not None:
            out.append(e)
    out = _no_overlap(out)
    if stats is not None:
        stats["units"] = stats.get("units", 0) + len(units)
        stats["rows"] = stats.get("rows", 0) + n_rows
        stats["seconds"] = stats.get("seconds", 0.0) + time.time() - t0
        stats["lm_edits"] = stats.get("lm_edits", 0) + sum(1 for e in out if e.source == "lm" and e.applied)
        stats["gated_docs"] = stats.get("gated_docs", 0) + (not gate and bool(changed))
    return out


def _detector_loaded(cfg) -> bool:
    if not getattr(cfg, "use_detector", True):
        return False
    try:
        from restore.detect.detector import load_detector

        return load_detector(getattr(cfg, "models_dir", None)) is not None
    except Exception:
        return False


def _no_overlap(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out


def option_scores(lp: Sequence[float], n: Sequence[int], weight: Sequence[float | None], fast: Sequence[bool],
                  fast_conf: float | None, prior_w: float, fast_w: float) -> tuple[int, float, list[float]]:
    """The decision rule's score of each option against option 0 (the spun wording): the LM's
    log-prob gain per token, plus ``prior_w * log(channel weight)``, plus ``fast_w * confidence`` for
    the fast stage's own proposal. Returns (best option, its score, all scores); best is 0 when no
    option scores above 0. ``scripts/eval_quality.py --tune`` replays traces through this too."""
    best_i, best_score, scores = 0, 0.0, [0.0]
    for i in range(1, len(lp)):
        sc = (lp[i] - lp[0]) / max(1, n[i], n[0])
        if weight[i] is not None and weight[i] > 0:
            sc += prior_w * math.log(weight[i])
        if fast[i] and fast_conf is not None:
            sc += fast_w * fast_conf
        scores.append(sc)
        if sc > best_score:
            best_i, best_score = i, sc
    return best_i, best_score, scores


def _decide_unit(text, u: Unit, toks, sents, current, scorer, k, extra, margin_need, scale, prior_w,
                 fast_w, threshold, trace=None, right_words=8, name_margin=0.0, separation=0.0,
                 promote=True) -> tuple[Edit | None, int]:
    start, end = u.start, u.end
    spun = text[start:end]
    # a preceding "a"/"an" belongs to the unit, so that each candidate gets its right article
    idx = [i for i, t in enumerate(toks) if t.start >= start]
    art = None
    if idx and idx[0] > 0:
        p = toks[idx[0] - 1]
        if p.lower in ("a", "an") and text[p.end:start].isspace() and (p.start, p.end) not in \
                {(a, b) for a, b in current}:
            art = p
    # candidates: wording -> (channel weight, is fast proposal)
    cands: dict[str, tuple[float | None, bool]] = {}

    def add(w: str, weight, fast=False):
        if not w or w.lower() == spun.lower() and not fast:
            return
        w = w if w != w.lower() else transfer_case(spun, w)
        if w == spun:
            return
        old = cands.get(w)
        cands[w] = (weight if old is None or old[0] is None else old[0], fast or (old is not None and old[1]))

    fast_rep = None
    if u.fast is not None:
        f = u.fast
        fast_rep = f.replacement
        if art is not None and f.start == art.start:
            art = None  # the fast edit already took the article in
    dict_fast = u.fast is not None and u.fast.source in ("dictionary", "user")
    if not dict_fast:  # a dictionary's wording is only confirmed or demoted, never replaced
        for w, s in sorted(u.cands.items(), key=lambda x: -(x[1] or 0.0))[:k]:
            add(w, s)
        spun_words = spun.lower().split()
        for w in list(extra)[:k]:
            ws = w.lower().split()
            if ws and len(ws) < len(spun_words) and _subsequence(ws, spun_words):
                continue  # a beam that only drops words: the LM favours short wordings, do not ask it
            add(w, None)
    if not cands and fast_rep is None:
        return None, 0
    a = art.start if art is not None else start
    s_lo, s_hi = next(((x, y) for x, y in sents if x <= a and end <= y), (a, end))
    ctx = [(s, e, r) for (s, e), r in current.items() if not (s < end and a < e)]
    left = _render(text, s_lo, a, ctx)
    right = _cut_words(_render(text, end, s_hi, ctx), right_words)
    prefix = left.rstrip()
    gap = left[len(prefix):]
    if spun[:1].isupper() and prefix and prefix[-1] not in "\"“‘'(:[-–—" and art is None:
        margin_need += name_margin  # a capital inside a sentence: likely a name, be more careful

    def wording(w: str) -> str:
        if art is None:
            return w
        want = "an" if wants_an(w.split()[0]) else "a"
        a_txt = transfer_case(art.text, want) if art.text[0].isupper() else want
        return a_txt + text[art.end:start] + w

    spun_w = text[a:end]
    options = [spun_w]
    meta: list[tuple[str, float | None, bool]] = [(spun, None, False)]
    if fast_rep is not None:
        fo = fast_rep if u.fast.start == a else (text[a:u.fast.start] + fast_rep if u.fast.start > a else fast_rep)
        if fo != spun_w:
            options.append(fo)
            meta.append((fo, None, True))
    for w, (s, fast) in cands.items():
        o = wording(w)
        if o in options:
            continue
        options.append(o)
        meta.append((w, s, fast))
    res = scorer.score_continuations(prefix, [gap + o for o in options], right, detail=True,
                                     **({"per_token": True} if trace is not None else {}))
    if trace is not None:
        trace.append({"start": a, "end": end, "kind": u.kind, "priority": round(u.priority, 4),
                      "options": options, "lp": [r[0] for r in res], "n": [r[1] for r in res],
                      "tok_lp": [r[3] for r in res],
                      "weight": [m[1] for m in meta], "fast": [m[2] for m in meta],
                      "fast_conf": u.fast.confidence if u.fast is not None else None,
                      "fast_applied": u.fast.applied if u.fast is not None else None,
                      "fast_source": u.fast.source if u.fast is not None else None})
    best_i, best_score, scores = option_scores([r[0] for r in res], [r[1] for r in res], [m[1] for m in meta],
                                               [m[2] for m in meta], u.fast.confidence if u.fast else None,
                                               prior_w, fast_w)
    if u.fast is not None and fast_rep is not None:
        f = u.fast
        fi = next((i for i in range(1, len(options)) if meta[i][2]), None)
        f_score = scores[fi] if fi is not None else None
        if best_i == 0 or (fi is not None and best_i == fi):
            # the LM agrees with the fast stage, or prefers the spun wording
            if f_score is not None and f_score <= -margin_need and f.applied:
                return replace(f, applied=False, rule=f.rule + f"; lm: spun wording preferred by {-f_score:.2f}"), \
                    len(options)
            if f_score is not None and f_score >= margin_need and not f.applied:
                problem = shape_problem(f.original, f.replacement, text[:f.start], text[f.end:])
                if problem:  # a wording the fast stage may only report stays reported
                    return replace(f, rule=f.rule + f"; lm: margin {f_score:.2f}, not promoted ({problem})"), \
                        len(options)
                if not promote:
                    return replace(f, rule=f.rule + f"; lm: margin {f_score:.2f}, not promoted"), len(options)
                conf = round(_squash(f_score, margin_need, scale, threshold), 4)
                return replace(f, applied=True, confidence=max(f.confidence, conf),
                               rule=f.rule + f"; lm: margin {f_score:.2f}"), len(options)
            return f, len(options)
    if best_i == 0:
        return (u.fast if u.fast is not None else None), len(options)
    conf = _squash(best_score, margin_need, scale, threshold)
    if conf < REPORT_FLOOR:
        return (u.fast if u.fast is not None else None), len(options)
    runner = max((scores[i] for i in range(1, len(options)) if i != best_i), default=None)
    close = runner is not None and best_score - runner < separation
    if close:  # two candidates nearly tie: the LM does not know which original it was
        conf = min(conf, _just_below(threshold))
    conf = round(conf, 4)
    rep = options[best_i]
    e_start = a
    orig = text[e_start:end]
    if art is not None and rep.split(" ", 1)[0].lower() == art.text.lower():
        # the article did not change: keep the edit on the words themselves
        rep2 = rep[len(text[art.start:start]):]
        if rep2 != spun:
            e_start, orig, rep = start, spun, rep2
    alts = sorted(((scores[i], meta[i][0]) for i in range(1, len(options)) if i != best_i), reverse=True)[:2]
    rule = (f"lm rerank: margin {best_score:.2f} (\"{orig}\" -> \"{rep}\""
            + (f"; also: {', '.join(f'{w} {_fmt(s)}' for s, w in alts)}" if alts else "") + ")"
            + (f"; not applied: runner-up within {best_score - runner:.2f} (< {separation:.2f})" if close else ""))
    problem = shape_problem(orig, rep, text[:e_start], text[end:])
    if problem:
        rule += f"; reported only: {problem}"
    return Edit(e_start, end, orig, rep, source="lm", confidence=conf, rule=rule, type="R",
                applied=conf >= threshold and problem is None), len(options)
