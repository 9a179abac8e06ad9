"""The trained span detector: which words look spun, and is this document spun at all.

A MiniLM (BERT, 6 layers, uncased WordPiece) token classifier fine-tuned on spinner output. The
model is uncased, so each wordpiece also carries its word's *case class* through the token-type
embedding (0 lower, 1 Capitalised, 2 ALL CAPS, 3 no letters): "Innovative Guards" looks different
from "innovative guards". Text is cut into sentences, sentences are packed into chunks of at most
``MAX_LEN`` wordpieces and the first wordpiece of each token of :func:`restore.text.tokenize.tokenize` is
classified. Raw probabilities are calibrated (Platt scaling fitted on the dev split) and a
document score comes from a small logistic regression over a few features (see
``restore/models/detector/calibration.json`` and ``scripts/train/calibrate_detector.py``).

A three-class model (clean / changed / kept, ``scripts/train/train_detector.py --labels 3``) also says
which words inside a spinner's edit it kept ("video" of "video clip"); the shipped model has two.

torch and the tokenizer are imported only when a detector is loaded; :func:`load_detector`
returns ``None`` when the models directory (``restore.paths``) holds no detector, so the pipeline
works without it. The input format is in ``chunks``, the document score's features in ``document``,
the span rules in ``spans``.
"""
from __future__ import annotations

import bisect
import json
import math
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Iterable, Sequence

from restore._hf import bucket
from restore.detect.chunks import MAX_LEN, Chunk, load_tokenizer, pack, sentence_groups
from restore.detect.document import count_runs, doc_features, sigmoid
from restore.detect.spans import dictionary_spans, expansion_kept, swapped_parts
from restore.memo import recalled
from restore.paths import WEIGHTS, model_dir
from restore.signature import weights_signature
from restore.text.tokenize import Token, nfc, tokenize
from restore.types import Detection, Edit, Span

BATCH = 32
GPU_BATCH_TOKENS = 32_768  # on a GPU: chunks of one padded width per batch, up to this many wordpieces
NAME = "detector"


Logits = tuple[list[Token], list[float], list[float]]  # tokens, spun-clean logits, kept-changed logits


# ---------------------------------------------------------------- the detector
class SpanDetector:
    """Loaded once (see :func:`load_detector`); thread-safe for inference."""

    def __init__(self, path: str | Path, dtype: str | None = None, device: str = "cpu"):
        import torch  # noqa: F401  (only here: the package never imports torch at import time)

        from restore._hf import native_bf16, quiet_transformers, resolve_device, set_threads

        BertForTokenClassification = quiet_transformers().BertForTokenClassification
        self.path = Path(path)
        set_threads(torch)
        self.signature = weights_signature("detector", self.path / WEIGHTS)
        self.model = BertForTokenClassification.from_pretrained(str(self.path), dtype=torch.float32)
        self.model.eval()
        self.tok = load_tokenizer(self.path)
        self.cls_id = self.tok.token_to_id("[CLS]")
        self.sep_id = self.tok.token_to_id("[SEP]")
        cal_path = self.path / "calibration.json"
        self.calibration = json.loads(cal_path.read_text()) if cal_path.is_file() else {}
        # the calibration decides outputs too (probabilities, threshold, gate, document score): a
        # run's signature names it beside the weights (``run_signature``)
        self.calibration_signature = _calibration_signature(self.path)
        tc = self.calibration.get("token", {})
        self._a = float(tc.get("a", 1.0))
        self._b = float(tc.get("b", 0.0))
        self.threshold = float(self.calibration.get("threshold", 0.5))
        self.gate = float(self.calibration.get("gate", 0.0))
        self.n_labels = int(self.model.config.num_labels)
        self.kept_threshold = float(self.calibration.get("kept_threshold", 0.5))
        # bf16 weights (logits within ~0.01 of float32) only where the CPU computes bf16 natively:
        # on an AVX2-only CPU torch emulates bf16 and the detector runs ~6x slower than in float32
        # on a GPU: bf16, batches by wordpieces (``GPU_BATCH_TOKENS``); the CPU path is unchanged
        self.device = resolve_device(torch, device)
        gpu = self.device != "cpu"
        self.dtype = (dtype or os.environ.get("RESTORE_DETECTOR_DTYPE")
                      or (self.calibration.get("dtype", "bf16") if gpu or native_bf16(torch) else "fp32")).lower()
        if self.dtype not in ("bf16", "fp32"):
            self.dtype = "fp32"
        if self.dtype == "bf16":
            self.model.to(torch.bfloat16)
        if gpu:
            self.model.to(self.device)
        self._lock = threading.Lock()
        self._torch = torch

    # ---- raw scores
    def _logits(self, chunks: list[Chunk], memo: dict | None = None) -> list[tuple[list[float], list[float]]]:
        """For each chunk, at each word's first wordpiece: the logit difference spun - clean, and for
        a three-class detector (clean / changed / kept) the logit of kept - changed (NaN otherwise);
        "spun" is then changed-or-kept, logsumexp(changed, kept) - clean. ``memo`` (a dict the
        caller keeps) holds the rows of chunks already read, by their wordpieces and types."""
        keys = [(tuple(c.ids), tuple(c.types)) for c in chunks]
        rows = recalled(keys, memo, self._rows)
        out = []
        for c, (row, krow) in zip(chunks, rows):
            out.append(([row[p] if p >= 0 else math.nan for p in c.first],
                        [krow[p] if krow is not None and p >= 0 else math.nan for p in c.first]))
        return out

    def _rows(self, keys: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[tuple[list[float], list[float] | None]]:
        """The model's rows for chunks given as (wordpiece ids, types), batched by padded width
        (``bucket``: a chunk's logits do not depend on which other chunks share its batch)."""
        torch = self._torch
        out: list = [None] * len(keys)
        three = self.n_labels == 3
        order = sorted(range(len(keys)), key=lambda k: len(keys[k][0]))
        cpu = self.device == "cpu"
        batches = [(width, grp[b:b + size])
                   for width, g in groupby(order, key=lambda k: bucket(len(keys[k][0]), 8))
                   for grp in [list(g)]
                   for size in [BATCH if cpu else max(BATCH, GPU_BATCH_TOKENS // width)]
                   for b in range(0, len(grp), size)]
        with self._lock, torch.inference_mode():
            for width, idx in batches:
                ids = torch.zeros((len(idx), width), dtype=torch.long)
                types = torch.zeros_like(ids)
                mask = torch.zeros_like(ids)
                for r, k in enumerate(idx):
                    n = len(keys[k][0])
                    ids[r, :n] = torch.tensor(keys[k][0])
                    types[r, :n] = torch.tensor(keys[k][1])
                    mask[r, :n] = 1
                if not cpu:
                    ids, types, mask = ids.to(self.device), types.to(self.device), mask.to(self.device)
                logits = self.model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
                logits = logits.float().cpu()
                if three:
                    diff = (torch.logsumexp(logits[..., 1:], dim=-1) - logits[..., 0]).tolist()
                    kept = (logits[..., 2] - logits[..., 1]).tolist()
                else:
                    diff = (logits[..., 1] - logits[..., 0]).tolist()
                    kept = None
                for r, k in enumerate(idx):
                    out[k] = (diff[r], kept[r] if kept is not None else None)
        return out

    def token_logits(self, text: str, tokens: Sequence[Token] | None = None) -> Logits:
        """Every token of ``text`` with its uncalibrated logit difference (spun minus clean) and,
        from a three-class detector, its kept-minus-changed logit (see :meth:`_logits`); NaN for a
        token the tokenizer drops entirely (e.g. a zero-width space)."""
        return self.token_logits_many([text], [tokens])[0]

    def token_logits_many(self, texts: Sequence[str], tokens: Sequence[Sequence[Token] | None] | None = None,
                          memo: dict | None = None) -> list[Logits]:
        """``token_logits`` for several texts, their chunks sharing the model's batches; ``memo``:
        see :meth:`_logits`."""
        docs, chunks, owner = [], [], []
        for d, text in enumerate(texts):
            given = tokens[d] if tokens is not None else None
            toks = list(given) if given is not None else tokenize(text)
            docs.append((toks, [math.nan] * len(toks), [math.nan] * len(toks)))
            if toks:
                got = pack(self.tok, sentence_groups(text, toks), [nfc(t.text) for t in toks], MAX_LEN,
                           self.cls_id, self.sep_id)
                chunks += got
                owner += [d] * len(got)
        for d, c, (row, krow) in zip(owner, chunks, self._logits(chunks, memo) if chunks else []):
            _toks, z, kz = docs[d]
            for i, v, kv in zip(c.words, row, krow):
                z[i] = v
                kz[i] = kv
        return docs

    @property
    def run_signature(self) -> str:
        """The weights and the calibration: ``detector@7dc4ccee+cal@1a2b3c4d`` (``signature`` is the
        weights alone, which the restorer's evidence is tied to)."""
        return f"{self.signature}+{self.calibration_signature}"

    def calibrate(self, z: float) -> float:
        if z != z:  # NaN: no wordpiece, nothing to judge
            return 0.0
        return sigmoid(self._a * z + self._b)

    def token_probs(self, text: str, tokens: Sequence[Token] | None = None,
                    logits: Logits | None = None) -> tuple[list[Token], list[float]]:
        """Calibrated probabilities; ``logits``: this text's ``token_logits`` if already computed."""
        toks, z, _kept = logits if logits is not None else self.token_logits(text, tokens)
        return toks, [self.calibrate(v) for v in z]

    def kept_flags(self, logits: Logits) -> list[bool]:
        """For a three-class detector: the tokens it thinks a spinner's edit left as they were
        ("video" of "video clip"), i.e. P(kept | spun) >= the calibrated ``kept_threshold``."""
        if self.n_labels != 3:
            return [False] * len(logits[0])
        return [kz == kz and sigmoid(kz) >= self.kept_threshold for kz in logits[2]]

    def word_probs(self, text: str) -> list[tuple[int, int, float]]:
        """(start, end, calibrated probability) of every word token of ``text``."""
        toks, p = self.token_probs(text)
        return [(t.start, t.end, round(q, 6)) for t, q in zip(toks, p) if t.is_word]

    # ---- document score
    def doc_score(self, probs: Sequence[float], n_words: int, n_spans: int, n_dict: int) -> float:
        dc = self.calibration.get("doc")
        if not dc:
            return round(max(probs, default=0.0), 4)
        f = doc_features(probs, n_words, n_spans, n_dict)
        if "min" in dc:  # no extrapolation past what calibration saw (a one-word text, a 50,000-word one)
            f = [min(max(v, lo), hi) for v, lo, hi in zip(f, dc["min"], dc["max"])]
        x = dc["intercept"] + sum(w * (v - m) / s for w, v, m, s in zip(dc["coef"], f, dc["mean"], dc["std"]))
        return round(sigmoid(x), 4)

    # ---- spans
    def read(self, text: str, tokens: Sequence[Token] | None = None, dictionary: Iterable[Edit] = (),
             logits: Logits | None = None, ignore: Sequence[tuple[int, int]] = ()) -> "Reading":
        """What the detector makes of ``text`` before any threshold: calibrated token probabilities,
        sentence groups, the tokens and confidence of each dictionary edit's span (``dictionary``:
        the dictionary's edits, which count as evidence) and the document score. ``logits``: this
        text's ``token_logits`` if already computed. One reading gives spans at any threshold
        (:meth:`spans`), with no second pass over the text. ``ignore``: character ranges not to
        judge (paragraphs that are not English): their words get probability 0 and the document
        score counts only the other words."""
        dict_edits = [e for e in dictionary if e.end > e.start]
        if not text.strip():
            return Reading(text, [], [], ([], [], []), [], [], (), 0.0, ([], 0, 0))
        if logits is None:
            logits = self.token_logits(text, tokens)
        toks, probs = self.token_probs(text, tokens, logits)
        ignored = [any(a <= t.start and t.end <= b for a, b in ignore) for t in toks] if ignore else None
        if ignored:
            probs = [0.0 if skip else p for p, skip in zip(probs, ignored)]
        sent_of = [0] * len(toks)
        for g, grp in enumerate(sentence_groups(text, toks)):
            for i in grp:
                sent_of[i] = g
        # tokens covered by a dictionary edit belong to that edit's span, whose confidence is the
        # edit's or the detector's surest word in it
        taken = [False] * len(toks)
        ends = [t.end for t in toks]
        dict_conf = []
        for e in dict_edits:
            inside = []
            for i in range(bisect.bisect_right(ends, e.start), len(toks)):
                if toks[i].start >= e.end:
                    break
                inside.append(i)
                taken[i] = True
            dict_conf.append((e, round(max(e.confidence, max((probs[i] for i in inside), default=0.0)), 4)))
        # the document score counts spans at the calibrated operating point, whatever threshold the
        # spans use (as in calibration: dictionary-covered words count too)
        words = [probs[i] for i, t in enumerate(toks) if t.is_word and not (ignored and ignored[i])]
        n_model = count_runs(probs, toks, sent_of, self.threshold)
        score = self.doc_score(words, len(words), n_model, len(dict_edits))
        return Reading(text, toks, probs, logits, sent_of, taken, tuple(dict_conf), score,
                       (words, n_model, len(dict_edits)))

    def spans(self, reading: "Reading", threshold: float | None = 0.5, changed_only: bool = False) -> list[Span]:
        """The spans of a :meth:`read` at ``threshold`` (None: the calibrated one), sorted.

        By default a span is a whole region a spinner's edit seems to cover ("video clip", what the
        restorer rewrites); ``changed_only`` keeps only the words that differ from the original
        wording: a dictionary edit's words that its replacement changes, and the detector's words
        except those it thinks the edit kept (three-class detector): "clip" of "video clip"."""
        thr = self.threshold if threshold is None else float(threshold)
        text, toks, probs, sent_of = reading.text, reading.tokens, reading.probs, reading.sent_of
        if not toks:
            return []
        kept = self.kept_flags(reading.logits) if changed_only else [False] * len(toks)
        taken = reading.taken
        gated = reading.score < self.gate  # a document that does not look spun keeps only its dictionary spans
        if changed_only and not gated:
            kept = expansion_kept(text, toks, [p >= thr and not t for p, t in zip(probs, taken)], kept, sent_of)
        spans = [s for e, conf in reading.dictionary for s in dictionary_spans(text, e, conf, changed_only)]
        run: list[int] = []

        def close() -> None:
            while run and not toks[run[-1]].is_word:
                run.pop()
            while run and not toks[run[0]].is_word:
                run.pop(0)
            if run:
                a, b = toks[run[0]].start, toks[run[-1]].end
                spans.append(Span(a, b, text[a:b], round(max(probs[i] for i in run), 4), None, source="detector"))
            run.clear()

        if not gated:
            for i in range(len(toks)):
                hit = probs[i] >= thr and not taken[i] and not kept[i]
                if hit and run and sent_of[run[-1]] != sent_of[i]:
                    close()
                if hit:
                    run.append(i)
                elif run:
                    close()
            close()
        if changed_only:
            spans = [piece for s in spans for piece in (swapped_parts(text, s) if s.source == "detector" else [s])]
        return sorted(spans, key=lambda s: (s.start, s.end))

    def detect(self, text: str, tokens: Sequence[Token] | None = None, threshold: float | None = 0.5,
               dictionary: Iterable[Edit] = (), logits: Logits | None = None, changed_only: bool = False) -> Detection:
        """Spans (:meth:`spans`) and document score of ``text``: :meth:`read` then :meth:`spans`."""
        reading = self.read(text, tokens, dictionary, logits)
        return Detection(text, tuple(self.spans(reading, threshold, changed_only)), reading.score, self.signature)


@dataclass
class Reading:
    """One text as the detector read it (:meth:`SpanDetector.read`): its tokens, their calibrated
    probabilities and raw logits, each token's sentence group, which tokens a dictionary edit
    covers, the dictionary edits it was told about with their spans' confidence, and the document
    score with what it weighs (``evidence``: the windows of a long text pool theirs). Nothing here
    depends on a span threshold."""

    text: str
    tokens: list[Token]
    probs: list[float]
    logits: Logits
    sent_of: list[int]
    taken: list[bool]
    dictionary: tuple[tuple[Edit, float], ...]
    score: float
    evidence: tuple[list[float], int, int] = ([], 0, 0)  # what the score weighs: word probabilities, runs, dictionary hits


def _calibration_signature(d: Path) -> str:
    cal = d / "calibration.json"
    return weights_signature("cal", cal) if cal.is_file() else "cal@none"


def detector_signature(d: Path) -> str:
    """``detector@<weights>+cal@<calibration>`` of the detector in ``d``, from its files."""
    return f"{weights_signature('detector', d / WEIGHTS)}+{_calibration_signature(d)}"


def detector_dir(models_dir=None) -> Path | None:
    """The shipped detector's directory (``restore.paths``), or None when no weights are there."""
    d = model_dir(NAME, models_dir)
    if not (d / WEIGHTS).is_file() or not (d / "config.json").is_file() or not (d / "tokenizer.json").is_file():
        return None
    return d


def detector_gate(models_dir=None) -> float | None:
    """The shipped detector's document gate from its calibration file, without loading the model
    (None when there is no detector); the file is read once while it stays the same."""
    d = detector_dir(models_dir)
    if d is None:
        return None
    cal = d / "calibration.json"
    return _gate(str(cal.resolve()), cal.stat().st_mtime_ns) if cal.is_file() else 0.0


@lru_cache(maxsize=4)
def _gate(path: str, mtime_ns: int) -> float:
    return float(json.loads(Path(path).read_text()).get("gate", 0.0))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float, device: str = "cpu") -> SpanDetector:
    return SpanDetector(path, device=device)


def load_detector(models_dir=None, device: str = "auto") -> SpanDetector | None:
    """The shipped detector (loaded once per directory and device), or None when no weights are
    there. ``device``: auto (the GPU when torch sees one), cpu, cuda or cuda:N."""
    d = detector_dir(models_dir)
    if d is None:
        return None
    import torch

    from restore._hf import resolve_device

    return _load(str(d.resolve()), (d / WEIGHTS).stat().st_mtime, resolve_device(torch, device))
