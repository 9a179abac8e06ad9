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
   (``restore.fix.channel.candidates``), and always the spun wording itself.
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

import math
import re
import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from restore.fix.units import Unit, find_units
from restore.fix.wording import REPORT_FLOOR, shape_problem
from restore.text.casing import transfer_case, wants_an
from restore.text.tokenize import Token, sentences, tokenize
from restore.types import Edit, Span


def signature(cfg) -> str:
    """What decides this stage's output, for the run signature: the LM and the settings."""
    from restore.fix.lm_cache import model_signature

    return (f"lm:{model_signature()},spans{int(cfg.lm_max_spans)},cands{int(cfg.lm_max_candidates)},"
            f"margin{float(cfg.lm_margin):.2f},sep{float(cfg.lm_separation):.2f},"
            f"prior{float(cfg.lm_prior_weight):.2f},promote{int(cfg.lm_promote)}")


@dataclass(frozen=True)
class Rules:
    """The decision rule's settings, read once from a Config (``Config.lm_*``)."""

    k: int
    margin: float
    scale: float
    prior_w: float
    fast_w: float
    threshold: float
    right_words: int
    name_margin: float
    separation: float
    promote: bool

    @classmethod
    def of(cls, cfg) -> "Rules":
        return cls(k=max(0, int(cfg.lm_max_candidates)), margin=float(cfg.lm_margin), scale=float(cfg.lm_scale),
                   prior_w=float(cfg.lm_prior_weight), fast_w=float(cfg.lm_fast_bonus),
                   threshold=float(cfg.threshold), right_words=int(cfg.lm_right_words),
                   name_margin=float(cfg.lm_name_margin), separation=float(cfg.lm_separation),
                   promote=bool(cfg.lm_promote))


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
                 trace: list | None = None, detector: bool | None = None, channel=None) -> list[Edit]:
    """The final edits of ``text`` after the LM reranked the least certain choices.

    ``spans``: the detector's spans (may be empty); ``candidate_edits``: the fast stage's edits
    (non-overlapping, as ``decide`` returns them). ``scorer``: an :class:`restore.fix.lm.LMScorer`
    (default: the process-wide one; raises ModelError without the ``[lm]`` extra). ``progress(i, n)``
    is called after each unit. ``stats`` (a dict) receives counts and timings; ``trace`` (a list)
    one record per unit with every option's LM score (for tuning the decision offline).
    ``detector``: whether a span detector ran (default: whether one is loaded for ``cfg``); without
    one, the LM's own surprise picks the suspects. ``channel``: the inverse channel
    (``candidates(phrase)``, ``known(phrase)``; default :mod:`restore.fix.channel`).
    """
    edits = sorted(candidate_edits, key=lambda e: (e.start, e.end))
    if not text.strip():
        return edits
    if scorer is None:
        from restore.fix.lm import load_scorer

        scorer = load_scorer()
    if channel is None:
        from restore.fix import channel
    t0 = time.time()
    rules = Rules.of(cfg)
    if detector is None:
        detector = _detector_loaded(cfg)
    mode = int(cfg.lm_surprise_units)
    use_surprise = mode >= 2 or (mode == 1 and not detector)
    units = find_units(text, spans, edits, cfg, channel, _surprise_of(scorer) if use_surprise else None)
    toks = tokenize(text)
    sents = sentences(text)
    # the current wording of every stretch: applied fast edits, replaced by decisions as they come
    current: dict[tuple[int, int], str] = {(e.start, e.end): e.replacement for e in edits if e.applied}
    by_unit: dict[tuple[int, int], Edit | None] = {}
    n_rows = 0
    for ui, u in enumerate(units):
        e, rows = _decide_unit(text, u, toks, sents, current, scorer, rules, trace)
        n_rows += rows
        by_unit[(u.start, u.end)] = e
        if u.fast is not None:
            current.pop((u.fast.start, u.fast.end), None)
        if e is not None and e.applied:
            current[(e.start, e.end)] = e.replacement
        if progress:
            progress(ui + 1, len(units))
    changed = [e for e in by_unit.values() if e is not None and e.source == "lm" and e.applied]
    gate = (len(changed) >= cfg.lm_doc_min_edits and len(changed) >= cfg.lm_doc_min_rate * len(units))
    if not gate:
        _hold_back(units, by_unit, rules.threshold)
    replaced = {(u.fast.start, u.fast.end) for u in units if u.fast is not None}
    out = [e for e in edits if (e.start, e.end) not in replaced]
    out.extend(e for e in (by_unit.get((u.start, u.end)) for u in units) if e is not None)
    out = _no_overlap(out)
    if stats is not None:
        stats["units"] = stats.get("units", 0) + len(units)
        stats["rows"] = stats.get("rows", 0) + n_rows
        stats["seconds"] = stats.get("seconds", 0.0) + time.time() - t0
        stats["lm_edits"] = stats.get("lm_edits", 0) + sum(1 for e in out if e.source == "lm" and e.applied)
        stats["gated_docs"] = stats.get("gated_docs", 0) + (not gate and bool(changed))
    return out


def _surprise_of(scorer) -> Callable[[str, list[Token]], list[float]]:
    """How surprising the LM finds each token of a sentence (nats)."""
    def surprise(sentence: str, toks: list[Token]) -> list[float]:
        offs, lps = scorer.token_logprobs(sentence)
        out = []
        for t in toks:
            out.append(-sum(lp for (a, b), lp in zip(offs, lps) if a < t.end and t.start < b and b > a))
        return out

    return surprise


def _hold_back(units: Sequence[Unit], by_unit: dict, threshold: float) -> None:
    """The document gate: a few scattered LM preferences in a clean text are not evidence of
    spinning, so the LM's own changes are only reported and fast edits keep their wording."""
    below = _just_below(threshold)
    for u in units:
        e = by_unit.get((u.start, u.end))
        if u.fast is not None:
            if not (e is not None and e.source == u.fast.source and u.fast.applied and not e.applied):
                by_unit[(u.start, u.end)] = u.fast  # demoting a fast edit is kept: it changes nothing
        elif e is not None and e.applied:
            by_unit[(u.start, u.end)] = replace(e, applied=False, confidence=min(e.confidence, below),
                                                rule=e.rule + "; not applied: too few LM changes in the document")


def _detector_loaded(cfg) -> bool:
    if not cfg.use_detector:
        return False
    try:
        from restore.detect.detector import load_detector

        return load_detector(cfg.models_dir, cfg.device) is not None
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
    option scores above 0. ``scripts/eval/eval_quality.py --tune`` replays traces through this too."""
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


def _article_before(text: str, u: Unit, toks, current) -> Token | None:
    """A preceding "a"/"an" belongs to the unit, so that each candidate gets its right article."""
    idx = [i for i, t in enumerate(toks) if t.start >= u.start]
    if idx and idx[0] > 0:
        p = toks[idx[0] - 1]
        if p.lower in ("a", "an") and text[p.end:u.start].isspace() and (p.start, p.end) not in \
                {(a, b) for a, b in current}:
            return p
    return None


def _candidates(spun: str, u: Unit, k: int) -> dict[str, tuple[float | None, bool]]:
    """wording -> (channel weight, is the fast proposal): the channel's top ``k`` for the unit; a
    dictionary's wording is only confirmed or demoted, never replaced."""
    cands: dict[str, tuple[float | None, bool]] = {}
    if u.fast is not None and u.fast.source in ("dictionary", "user"):
        return cands
    for w, weight in sorted(u.cands.items(), key=lambda x: -(x[1] or 0.0))[:k]:
        if not w or w.lower() == spun.lower():
            continue
        w = w if w != w.lower() else transfer_case(spun, w)
        if w == spun:
            continue
        old = cands.get(w)
        cands[w] = (weight if old is None or old[0] is None else old[0], old is not None and old[1])
    return cands


def _options(text: str, u: Unit, a: int, art: Token | None, cands: dict) -> tuple[list[str], list[tuple]]:
    """The wordings the LM scores, the spun one first (with the article when it is part of the
    unit), then the fast proposal, then the candidates; and for each (wording, weight, is fast)."""
    start, end = u.start, u.end
    spun = text[start:end]
    options = [text[a:end]]
    meta: list[tuple[str, float | None, bool]] = [(spun, None, False)]
    if u.fast is not None:
        f = u.fast
        fo = f.replacement if f.start == a else (text[a:f.start] + f.replacement if f.start > a else f.replacement)
        if fo != options[0]:
            options.append(fo)
            meta.append((fo, None, True))
    for w, (s, fast) in cands.items():
        o = w
        if art is not None:
            want = "an" if wants_an(w.split()[0]) else "a"
            o = (transfer_case(art.text, want) if art.text[0].isupper() else want) + text[art.end:start] + w
        if o in options:
            continue
        options.append(o)
        meta.append((w, s, fast))
    return options, meta


def _decide_unit(text: str, u: Unit, toks, sents, current, scorer, rules: Rules,
                 trace: list | None = None) -> tuple[Edit | None, int]:
    """The edit for one unit (None: leave it) and how many options the LM scored."""
    start, end = u.start, u.end
    art = _article_before(text, u, toks, current)
    if u.fast is not None and art is not None and u.fast.start == art.start:
        art = None  # the fast edit already took the article in
    cands = _candidates(text[start:end], u, rules.k)
    if not cands and u.fast is None:
        return None, 0
    a = art.start if art is not None else start
    s_lo, s_hi = next(((x, y) for x, y in sents if x <= a and end <= y), (a, end))
    ctx = [(s, e, r) for (s, e), r in current.items() if not (s < end and a < e)]
    left = _render(text, s_lo, a, ctx)
    right = _cut_words(_render(text, end, s_hi, ctx), rules.right_words)
    prefix = left.rstrip()
    margin = rules.margin
    if text[start:end][:1].isupper() and prefix and prefix[-1] not in "\"“‘'(:[-–—" and art is None:
        margin += rules.name_margin  # a capital inside a sentence: likely a name, be more careful
    options, meta = _options(text, u, a, art, cands)
    res = scorer.score_continuations(prefix, [left[len(prefix):] + o for o in options], right, detail=True,
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
                                               rules.prior_w, rules.fast_w)
    if u.fast is not None:
        fi = next((i for i in range(1, len(options)) if meta[i][2]), None)
        if best_i == 0 or (fi is not None and best_i == fi):
            # the LM agrees with the fast stage, or prefers the spun wording
            return _judged_fast(text, u.fast, scores[fi] if fi is not None else None, margin, rules), len(options)
    if best_i == 0:
        return u.fast, len(options)
    return _lm_edit(text, u, a, art, options, meta, scores, best_i, margin, rules), len(options)


def _judged_fast(text: str, f: Edit, f_score: float | None, margin: float, rules: Rules) -> Edit:
    """The fast stage's edit when the LM agrees with it or prefers the spun wording: demoted when
    the LM prefers the spun wording by ``margin``; a held-back one the LM likes is confirmed in the
    report (applied only with ``lm_promote`` and a wording it may apply)."""
    if f_score is not None and f_score <= -margin and f.applied:
        return replace(f, applied=False, rule=f.rule + f"; lm: spun wording preferred by {-f_score:.2f}")
    if f_score is not None and f_score >= margin and not f.applied:
        problem = shape_problem(f.original, f.replacement, text[:f.start], text[f.end:])
        if problem:  # a wording the fast stage may only report stays reported
            return replace(f, rule=f.rule + f"; lm: margin {f_score:.2f}, not promoted ({problem})")
        if not rules.promote:
            return replace(f, rule=f.rule + f"; lm: margin {f_score:.2f}, not promoted")
        conf = round(_squash(f_score, margin, rules.scale, rules.threshold), 4)
        return replace(f, applied=True, confidence=max(f.confidence, conf), rule=f.rule + f"; lm: margin {f_score:.2f}")
    return f


def _lm_edit(text: str, u: Unit, a: int, art: Token | None, options: list[str], meta: list[tuple],
             scores: list[float], best_i: int, margin: float, rules: Rules) -> Edit | None:
    """The LM's own edit for option ``best_i``: applied when sure, reported when the runner-up is
    within ``separation`` or the wording's shape forbids it; below REPORT_FLOOR not even that."""
    start, end = u.start, u.end
    spun, best_score = text[start:end], scores[best_i]
    conf = _squash(best_score, margin, rules.scale, rules.threshold)
    if conf < REPORT_FLOOR:
        return u.fast
    runner = max((scores[i] for i in range(1, len(options)) if i != best_i), default=None)
    close = runner is not None and best_score - runner < rules.separation
    if close:  # two candidates nearly tie: the LM does not know which original it was
        conf = min(conf, _just_below(rules.threshold))
    conf = round(conf, 4)
    rep = options[best_i]
    e_start, orig = a, text[a:end]
    if art is not None and rep.split(" ", 1)[0].lower() == art.text.lower():
        # the article did not change: keep the edit on the words themselves
        rep2 = rep[len(text[art.start:start]):]
        if rep2 != spun:
            e_start, orig, rep = start, spun, rep2
    alts = sorted(((scores[i], meta[i][0]) for i in range(1, len(options)) if i != best_i), reverse=True)[:2]
    rule = (f"lm rerank: margin {best_score:.2f} (\"{orig}\" -> \"{rep}\""
            + (f"; also: {', '.join(f'{w} {_fmt(s)}' for s, w in alts)}" if alts else "") + ")"
            + (f"; not applied: runner-up within {best_score - runner:.2f} (< {rules.separation:.2f})"
               if close else ""))
    problem = shape_problem(orig, rep, text[:e_start], text[end:])
    if problem:
        rule += f"; reported only: {problem}"
    return Edit(e_start, end, orig, rep, source="lm", confidence=conf, rule=rule, type="R",
                applied=conf >= rules.threshold and problem is None)
