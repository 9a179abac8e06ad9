"""The pipeline: segment -> detect -> propose -> decide -> edits.

Stages that need trained models (the span detector, the seq2seq restorer) are loaded lazily, once,
and only when the config asks for them and their files exist under ``models/``; this module never
imports torch itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

from restore.config import Config
from restore.detect.detector import detector_gate, dictionary_spans, load_detector  # no torch: only to load a model
from restore.edits.apply import apply_edits, compose, with_layout
from restore.errors import InputError
from restore.text.language import check_language, foreign_paragraphs
from restore.fix.decide import decide, density_score, sub_runs, suggested_spans, unresolved
from restore.fix.dictionary import Lexicon, dictionary_edits, load_lexicon
from restore.text.tokenize import tokenize
from restore.text.protect import not_prose_ranges
from restore.text.windows import windows
from restore.batch import BATCH_CHARS
from restore.types import Detection, Edit, Result, Span

DEFAULT = Config()


def _check_text(text: object, cfg: Config) -> str:
    if not isinstance(text, str):
        raise InputError(f"expected text (str), got {type(text).__name__}")
    if len(text) > cfg.max_chars:
        raise InputError(f"text is {len(text):,} characters, over --max-chars {cfg.max_chars:,}",
                         hint="split it, or raise the limit (--max-chars; Config.max_chars in the library)")
    return text


def _detector(cfg: Config):
    if not cfg.use_detector:
        return None
    return load_detector(cfg.models_dir, cfg.device)


def _triage(cfg: Config):
    """The triage model when it is on and there is a detector to spare (``restore.detect.triage``)."""
    if not cfg.triage or not cfg.use_detector:
        return None
    from restore.detect.triage import load_triage

    return load_triage()


def _restorer(cfg: Config):
    if not cfg.use_model:
        return None
    from restore.fix.restorer import load_restorer

    return load_restorer(cfg.models_dir, cfg.device)


def doc_threshold_of(config: Config | None = None) -> float:
    """The spun_score at which a document counts as spun: the setting, else the detector's gate."""
    cfg = config or DEFAULT
    if cfg.doc_threshold is not None:
        return cfg.doc_threshold
    gate = detector_gate(cfg.models_dir) if cfg.use_detector else None  # read from its calibration: no model loaded
    return gate if gate else 0.5


def signature_of(config: Config | None = None) -> str:
    """The signature of a run with ``config`` (``restore.signature``); loads no model."""
    from restore.signature import run_signature

    return str(run_signature(config or DEFAULT))


@dataclass
class _Work:
    """One document between the stages of ``restore_batch``: the dictionary's proposals (the
    model's are added to them), the detector's spans and score (None: no detector looked), the
    spans left for the model and (``Config.refine_threshold``) their sub-runs, asked about when
    the model has no confident wording for a whole span; ``skipped``: why the text is not checked
    (``restore.text.language``), and then it has no proposals, spans or todo and its score is 0."""

    text: str
    candidates: list[Edit]
    spans: list[Span]
    doc_score: float | None
    todo: list[Span]
    sub: list[Span] = field(default_factory=list)
    skipped: str | None = None  # why the text is not checked (not English)
    unchecked: list[tuple[int, int, str]] = field(default_factory=list)  # its paragraphs not English
    evidence: tuple | None = None  # what the detector's document score weighed (Reading.evidence)
    n_words: int = 0  # its words (tokens that are words)
    cleared: bool = False  # the triage found it clearly clean: no detector, no restorer
    vocab: object | None = None  # real spinners' vocabulary, when it weighs here (``_vocabulary``)


def _propose(res, det, cfg: Config, works: Sequence[_Work], spans: Sequence[Sequence[Span]],
             memo: dict | None = None) -> None:
    """The model's edits for each work's ``spans`` (all works' spans batched together) join its
    candidates; ``memo``: the model's readings kept across the passes of one batch."""
    if not any(spans):
        return
    proposed = res.propose_many([(w.text, s) for w, s in zip(works, spans)], cfg,
                                detector=det.signature if det is not None else None, memo=memo,
                                vocab=[w.vocab for w in works])
    for w, (edits, _) in zip(works, proposed):
        w.candidates.extend(edits)


def _vocabulary(cfg: Config, doc_score: float, text: str):
    """Real spinners' vocabulary (``restore.fix.spinner_vocab``) for a news text the detector calls
    spun (``doc_score``), when ``Config.spinner_vocab`` is on; else None. On a page whose filler
    expansions crowd out their head words ("as well as" for "and": ``restore.fix.fillers``), those
    expansions are wordings of its vocabulary too."""
    if not cfg.spinner_vocab or cfg.domain != "news" or doc_score < doc_threshold_of(cfg):
        return None
    from restore.fix import fillers
    from restore.fix.spinner_vocab import load, with_entries

    return with_entries(load(), fillers.page_entries(text))


def _with_vocab_spans(text: str, spans: list[Span], vocab, ignore) -> list[Span]:
    """Each real spinner's wording of ``vocab`` (None: none) that no span touches is a span too
    (source "vocab", confidence ``1 - 1/rho``), outside ``ignore`` (not prose, not English)."""
    if vocab is None:
        return spans
    taken = [(s.start, s.end) for s in spans] + list(ignore)
    extra = [Span(a, b, text[a:b], round(1.0 - 1.0 / rho, 4), source="vocab")
             for a, b, _origs, rho in vocab.occurrences(text, outside=taken)]
    return sorted(spans + extra, key=lambda x: (x.start, x.end)) if extra else spans


def _prepare_many(texts: Sequence[object], cfg: Config, lex: Lexicon, changed_only: bool = False,
                  memo: dict | None = None
                  ) -> tuple[list[_Work | InputError], object]:
    """For each text: dictionary proposals, detector spans (the detector batching all the texts'
    chunks together) and the spans left for the model; an unacceptable text gives its InputError.
    ``changed_only``: the spans are the words that look changed (``detect``), not the regions the
    restorer rewrites (see ``SpanDetector.spans``). With the triage on (``Config.triage``), a text
    it clears (no dictionary edit applied, and the triage model finds it clearly clean) skips the
    detector, and the detector is loaded only when some text needs it. Also returns the detector
    (None when none was needed)."""
    checked: list[str | InputError] = []
    for t in texts:
        try:
            checked.append(_check_text(t, cfg))
        except InputError as exc:
            checked.append(exc)
    skipped = {i: c.reason for i, t in enumerate(checked)
               if isinstance(t, str) and cfg.check_language and not (c := check_language(t)).english}
    tokens = {i: tokenize(t) for i, t in enumerate(checked) if isinstance(t, str) and i not in skipped}
    unchecked_of = {i: foreign_paragraphs(checked[i]) if cfg.check_language else [] for i in tokens}  # type: ignore[arg-type]
    ignore_of = {i: [(a, b) for a, b, _ in u] for i, u in unchecked_of.items()}
    dictionary = {i: [e for e in dictionary_edits(checked[i], tokens[i], lex, cfg)  # type: ignore[arg-type]
                      if not any(a < e.end and e.start < b for a, b in ignore_of[i])] for i in tokens}
    live = [i for i in tokens if checked[i].strip()]  # type: ignore[union-attr]
    tri = _triage(cfg) if cfg.domain != "science" else None  # the triage was made on news
    cleared: set[int] = set()
    if tri is not None:
        cleared = {i for i in live if not any(e.applied for e in dictionary[i]) and not tri.suspect(checked[i])}
        live = [i for i in live if i not in cleared]
    det = _detector(cfg) if live else None
    logits = {}
    if det is not None:
        logits = dict(zip(live, det.token_logits_many([checked[i] for i in live], [tokens[i] for i in live],
                                                      memo=memo)))
    out: list[_Work | InputError] = []
    for i, text in enumerate(checked):
        if isinstance(text, InputError):
            out.append(text)
            continue
        if i in skipped:
            out.append(_Work(text, [], [], 0.0, [], skipped=skipped[i]))
            continue
        unchecked, ignore = unchecked_of[i], ignore_of[i]
        candidates = dictionary[i]
        spans: list[Span] = []
        doc_score = None
        vocab = None
        regions: list[Span] = []
        reading = (det.read(text, tokens[i], candidates, logits[i], ignore + not_prose_ranges(text))
                   if i in logits else None)
        if reading is not None:
            spans = regions = det.spans(reading, cfg.detect_threshold)
            doc_score = reading.score
            if changed_only:
                spans = det.spans(reading, cfg.detect_threshold, changed_only=True)
            vocab = _vocabulary(cfg, doc_score, text)
            spans = _with_vocab_spans(text, spans, vocab, ignore + not_prose_ranges(text))
        if cfg.domain == "science":
            candidates = candidates + _term_edits(text, tokens[i], reading, lex, cfg, ignore, candidates)
        covered = [(e.start, e.end) for e in candidates if e.source != "terms" or e.applied]
        todo = [s for s in regions if not any(a < s.end and s.start < b for a, b in covered)]
        sub: list[Span] = []
        if reading is not None and cfg.refine_threshold is not None and todo:
            sub = sub_runs(todo, det.spans(reading, cfg.refine_threshold))
        out.append(_Work(text, candidates, spans, doc_score, todo, sub, unchecked=unchecked,
                         evidence=reading.evidence if reading is not None else None,
                         n_words=sum(1 for t in tokens[i] if t.is_word), cleared=i in cleared, vocab=vocab))
    return out, det


def _term_edits(text: str, tokens, reading, lex: Lexicon, cfg: Config, ignore, taken: Sequence[Edit]) -> list[Edit]:
    """``--domain science``: the scientific terms the text's word runs may have been spun from
    (``restore.fix.terms``), outside the dictionary's edits, what is not prose and what is not English."""
    from restore.fix.terms import highest_prob, term_edits

    prob = highest_prob(tokens, reading.probs) if reading is not None else None
    spans = [(e.start, e.end) for e in taken] + list(ignore) + not_prose_ranges(text)
    best, rescore = cfg.quality == "best", None
    if best:  # candidates composed everywhere, and the LM's say (restore.fix.terms_lm)
        from restore.fix.terms_lm import rescorer

        rescore = rescorer(margin=cfg.lm_margin)
    return term_edits(text, lex, cfg.term_threshold(), prob, spans, best=best, rescore=rescore)


def _with_term_spans(spans: Sequence[Span], candidates: Sequence[Edit]) -> list[Span]:
    """``detect --domain science``: each scientific term proposed (``restore.fix.terms``) as a span
    with the term as its suggestion (source "terms"), in place of the detector's spans it overlaps;
    among overlapping proposals the surest."""
    terms: list[Edit] = []
    for e in sorted((e for e in candidates if e.source == "terms"), key=lambda e: -e.confidence):
        if not any(t.start < e.end and e.start < t.end for t in terms):
            terms.append(e)
    kept = [s for s in spans if not any(t.start < s.end and s.start < t.end for t in terms)]
    return sorted(kept + [Span(e.start, e.end, e.original, e.confidence, e.replacement, source="terms") for e in terms],
                  key=lambda s: (s.start, s.end))


def _finish(w: _Work, cfg: Config, sig: str) -> Result:
    edits = decide(w.candidates)
    # --- quality="best": the LM reranks the least certain choices (restore/fix/rerank.py) ---
    if cfg.quality == "best" and w.text.strip() and w.skipped is None:
        from restore.fix import rerank as quality

        edits = quality.rerank_edits(w.text, w.spans, edits, cfg)
    # --- end quality="best" ---
    edits = with_layout(edits)
    out = apply_edits(w.text, edits)
    doc_score = w.doc_score
    if doc_score is None:
        doc_score = density_score([e for e in edits if e.applied], (), w.n_words)
    return Result(input=w.text, text=out, edits=tuple(edits), spun_score=doc_score, signature=sig,
                  spans=tuple(w.spans), skipped=w.skipped, unchecked=tuple(w.unchecked), cleared=w.cleared)


# ---------------------------------------------------------------- public API
def restore_batch(texts: Sequence[str], config: Config | None = None) -> list[Result | InputError]:
    """``restore_and_explain`` for several texts at once, in order: the model looks at the spans of
    all of them in shared batches, which is faster than one text at a time (same output). A text
    that is not acceptable (not a str, too long) gives its InputError in its place, so that a batch
    goes on past it. A text longer than ``WINDOW_CHARS`` is restored in windows of paragraphs
    (``restore.text.windows``) and the results joined.

    A text whose pass changed something is passed through again, restored (up to ``Config.passes``
    passes in all), and the edits of the passes are composed into edits of the input: a span's
    wording is decided in the context it ends up in, so that restoring the output again changes
    nothing (idempotence). The first pass decides against spun neighbours; once they are
    restored, a wording held back at 0.79 can clear 0.8."""
    cfg = config or DEFAULT
    pieces, plan = _pieces(texts, cfg)
    evidence: dict[int, tuple | None] = {}
    results: list = []
    for lo, hi in _groups(pieces):
        results += _passes(pieces[lo:hi], cfg, evidence, lo)
    joined = [_joined_result(cfg, parts, results, evidence) for parts in plan]
    if cfg.reference is None:
        return joined
    from restore.reference.fix import with_reference  # the source's edits first (restore.reference)

    return with_reference(joined, cfg)  # type: ignore[return-value]


def _carried(cfg: Config, r: Result | InputError) -> Result | InputError:
    """``r`` (one pass over a text or a window of it) with the reported model edits that repeat a
    confident restoration of the same wording applied (``restore.fix.consistency``;
    ``Config.consistent``); in every pass, so that the next pass reads the text as it now is."""
    if not cfg.consistent or not isinstance(r, Result) or r.skipped is not None:
        return r
    from restore.fix.consistency import consistent_edits

    edits = consistent_edits(r.input, r.edits, cfg.model_threshold, r.unchecked)
    if edits == r.edits:
        return r
    return replace(r, text=apply_edits(r.input, edits), edits=edits)


def _groups(pieces: Sequence[object]) -> list[tuple[int, int]]:
    """Consecutive pieces of at most ``BATCH_CHARS`` characters together (at least one piece), so
    that the windows of a long text go through a few at a time and memory stays bounded; a batch
    the CLI sends is one group unless its last document took it over BATCH_CHARS."""
    out, lo, size = [], 0, 0
    for i, p in enumerate(pieces):
        n = len(p) if isinstance(p, str) else 0
        if i > lo and size + n > BATCH_CHARS:
            out.append((lo, i))
            lo, size = i, 0
        size += n
    return out + [(lo, len(pieces))] if pieces else out


def _passes(texts: Sequence[object], cfg: Config, evidence: dict, base: int) -> list[Result | InputError]:
    """``texts`` restored in passes until one changes nothing (``Config.passes``); ``evidence``
    receives the first pass's detector evidence, keyed by ``base`` + index."""
    memo: dict = {"detector": {}, "restorer": {}}  # what the models read, kept across the passes
    first: dict = {}
    results = [_carried(cfg, r) for r in _one_pass(texts, cfg, memo, first)]
    evidence.update((base + i, e) for i, e in first.items())
    todo = [i for i, r in enumerate(results) if isinstance(r, Result) and r.applied]
    for _ in range(cfg.passes - 1):
        if not todo:
            break
        again = [_carried(cfg, r) for r in _one_pass([results[i].text for i in todo], cfg, memo)]  # type: ignore[union-attr]
        changed = [(i, r) for i, r in zip(todo, again) if isinstance(r, Result) and r.applied]
        for i, r in changed:
            results[i] = _composed(results[i], r)
        todo = [i for i, _ in changed]
    return results


def _pieces(texts: Sequence[object], cfg: Config) -> tuple[list[object], list[list[tuple[int, int]]]]:
    """The texts cut into windows (an unacceptable text stays one piece, to give its InputError),
    and for each text its pieces as (index, offset)."""
    pieces: list[object] = []
    plan: list[list[tuple[int, int]]] = []
    for t in texts:
        cuts = windows(t) if isinstance(t, str) and len(t) <= cfg.max_chars else [(0, 0)]
        plan.append([(len(pieces) + k, a) for k, (a, _) in enumerate(cuts)])
        pieces += [t[a:b] for a, b in cuts] if len(cuts) > 1 else [t]
    return pieces, plan


def _pooled_score(cfg: Config, parts: list[tuple[int, int]], evidence: dict, edits: Sequence[Edit]) -> float:
    """A long text's score: the detector's document score of its windows' evidence pooled (the
    windows it did not check left out), or without a detector the density of ``edits``."""
    got = [e for e in (evidence.get(k) for k, _ in parts) if e is not None]
    ev = [e for e, _ in got if e is not None]
    # no window the detector read (none on, or each not English, empty or cleared by the triage,
    # so without an applied edit): the density score, 0 for those, and no model to load
    det = _detector(cfg) if ev else None
    if det is None:
        return density_score(edits, (), sum(n for _, n in got))
    probs = [p for e in ev for p in e[0]]
    return det.doc_score(probs, len(probs), sum(e[1] for e in ev), sum(e[2] for e in ev))


def _shifted(got: list, parts: list[tuple[int, int]], field_name: str) -> tuple:
    """The windows' edits or spans (``field_name``) in offsets of the whole text."""
    return tuple(replace(x, start=x.start + off, end=x.end + off) for g, (_, off) in zip(got, parts)
                 for x in getattr(g, field_name))


def _alone(got: list):
    """A text of one window: that window's result; a text with an InputError: the error; else None."""
    return next((g for g in got if isinstance(g, InputError)), got[0] if len(got) == 1 else None)


def _not_checked(got: list, parts: list[tuple[int, int]], texts: list[str]) -> tuple[str | None, tuple]:
    """``skipped`` (every window was not checked) and ``unchecked`` (the windows' unchecked
    paragraphs, and each window that was not checked at all, in offsets of the whole text)."""
    if all(g.skipped is not None for g in got):
        return got[0].skipped, ()
    out = []
    for g, (_, off), t in zip(got, parts, texts):
        if g.skipped is not None:
            out.append((off, off + len(t), g.skipped))
        out += [(a + off, b + off, why) for a, b, why in g.unchecked]
    return None, tuple(out)


def _joined_result(cfg: Config, parts: list[tuple[int, int]], results: list, evidence: dict) -> Result | InputError:
    """The Result of one text from its windows' (a text of one window: its own)."""
    got = [results[k] for k, _ in parts]
    if (alone := _alone(got)) is not None:
        return alone
    edits = _shifted(got, parts, "edits")
    skipped, unchecked = _not_checked(got, parts, [g.input for g in got])
    return Result(input="".join(g.input for g in got), text="".join(g.text for g in got), edits=edits,
                  spun_score=_pooled_score(cfg, parts, evidence, [e for e in edits if e.applied]),
                  signature=got[0].signature, spans=_shifted(got, parts, "spans"), skipped=skipped,
                  unchecked=unchecked, cleared=all(g.cleared for g in got))


def _composed(r: Result, later: Result) -> Result:
    """``r`` followed by ``later`` (a pass over its output), as one Result of the input."""
    return replace(r, text=later.text, edits=tuple(compose(r.input, r.edits, later.edits)))


def _one_pass(texts: Sequence[object], cfg: Config, memo: dict,
              evidence: dict | None = None) -> list[Result | InputError]:
    """One pass over ``texts``; ``memo``: what the models read in earlier passes (``_passes``);
    ``evidence`` (a dict) receives each text's detector evidence."""
    lex = load_lexicon(cfg.lexicons, cfg.builtin)
    works, det = _prepare_many(texts, cfg, lex, memo=memo["detector"])
    if evidence is not None:
        evidence.update((i, (w.evidence, w.n_words) if isinstance(w, _Work) else None) for i, w in enumerate(works))
    good = [w for w in works if isinstance(w, _Work)]
    res = _restorer(cfg) if any(w.todo or w.sub for w in good) else None  # loaded only when there are spans
    if res is not None:
        _propose(res, det, cfg, good, [w.todo for w in good], memo["restorer"])
        # refine: a span the model had no confident wording for is asked about again by its sub-runs
        _propose(res, det, cfg, good, [unresolved(w.sub, w.candidates) for w in good], memo["restorer"])
        if any(w.vocab is not None for w in good):  # real spinners' wordings the restorer was not asked about
            taken = [[(e.start, e.end) for e in w.candidates if e.applied or e.source != "model"]
                     + [(a, b) for a, b, _why in w.unchecked] + not_prose_ranges(w.text) for w in good]
            for w, found in zip(good, res.vocab_edits([(w.text, w.vocab, t) for w, t in zip(good, taken)], cfg,
                                                      memo["restorer"])):
                w.candidates.extend(found)
    sig = signature_of(cfg)
    return [w if isinstance(w, InputError) else _finish(w, cfg, sig) for w in works]


def restore_and_explain(text: str, config: Config | None = None) -> Result:
    """Restore ``text`` and say why: every edit with offsets, source, confidence and reason."""
    (out,) = restore_batch([text], config)
    if isinstance(out, InputError):
        raise out
    return out


def restore_text(text: str, config: Config | None = None) -> str:
    """The restored text only."""
    return restore_and_explain(text, config).text


def detect_batch(texts: Sequence[str], config: Config | None = None) -> list[Detection | InputError]:
    """``detect`` for several texts at once, in order (the detector batches their chunks together);
    a text that is not acceptable gives its InputError in its place. A text longer than
    ``WINDOW_CHARS`` is read in windows of paragraphs and the detections joined."""
    cfg = config or DEFAULT
    lex = load_lexicon(cfg.lexicons, cfg.builtin)
    sig = signature_of(cfg)
    pieces, plan = _pieces(texts, cfg)
    found: list = []
    dictionary: list = []  # each piece's dictionary edits
    evidence: dict = {}
    for lo, hi in _groups(pieces):
        works, det = _prepare_many(pieces[lo:hi], cfg, lex, changed_only=True)
        good = [w for w in works if isinstance(w, _Work)]
        res = _restorer(cfg) if cfg.detect_suggest and det is not None and any(w.todo for w in good) else None
        if res is not None:
            _propose(res, det, cfg, good, [w.todo for w in good])
            for w in good:
                w.spans = suggested_spans(w.spans, w.candidates)
        if cfg.domain == "science":
            for w in good:
                w.spans = _with_term_spans(w.spans, w.candidates)
        found += [w if isinstance(w, InputError) else _detection(w, sig) for w in works]
        dictionary += [w.candidates if isinstance(w, _Work) else [] for w in works]
        evidence.update((lo + k, (w.evidence, w.n_words)) for k, w in enumerate(works) if isinstance(w, _Work))
    gate = doc_threshold_of(cfg)
    out = [_with_spinner(_joined_detection(cfg, parts, found, dictionary, evidence), gate) for parts in plan]
    if cfg.reference is None:
        return out
    from restore.reference.fix import detections_with_reference  # "copy of" an archive document

    return detections_with_reference(out, cfg)  # type: ignore[return-value]


def _with_spinner(d: Detection | InputError, gate: float) -> Detection | InputError:
    """A document called spun gets the spinner family its spans point to (``fingerprint``)."""
    if not isinstance(d, Detection) or d.skipped is not None or d.spun_score < gate:
        return d
    from restore.detect.fingerprint import guess_spinner

    return replace(d, spinner=guess_spinner(s.text for s in d.spans))


def _detection(w: _Work, sig: str) -> Detection:
    if w.doc_score is not None:  # the detector looked at it, or the text is not checked
        return Detection(w.text, tuple(w.spans), w.doc_score, sig, skipped=w.skipped, unchecked=tuple(w.unchecked))
    spans = [s for e in w.candidates if e.end > e.start and e.source != "terms"
             for s in dictionary_spans(w.text, e, e.confidence, changed_only=True)]
    if any(e.source == "terms" for e in w.candidates):
        spans = _with_term_spans(spans, w.candidates)
    return Detection(w.text, tuple(spans), density_score(w.candidates, (), w.n_words), sig,
                     unchecked=tuple(w.unchecked), cleared=w.cleared)


def _joined_detection(cfg: Config, parts: list[tuple[int, int]], found: list, dictionary: list,
                      evidence: dict) -> Detection | InputError:
    """The Detection of one text from its windows' (a text of one window: its own)."""
    got = [found[k] for k, _ in parts]
    if (alone := _alone(got)) is not None:
        return alone
    edits = [e for k, _ in parts for e in dictionary[k]]
    skipped, unchecked = _not_checked(got, parts, [g.text for g in got])
    return Detection("".join(g.text for g in got), _shifted(got, parts, "spans"),
                     _pooled_score(cfg, parts, evidence, edits), got[0].signature, skipped=skipped,
                     unchecked=unchecked, cleared=all(g.cleared for g in got))


def detect(text: str, config: Config | None = None) -> Detection:
    """Spans that look spun (calibrated probabilities) and a document score in [0, 1]."""
    (out,) = detect_batch([text], config)
    if isinstance(out, InputError):
        raise out
    return out
