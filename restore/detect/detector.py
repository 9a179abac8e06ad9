"""The trained span detector: which words look spun, and is this document spun at all.

A MiniLM (BERT, 6 layers, uncased WordPiece) token classifier fine-tuned on spinner output. The
model is uncased, so each wordpiece also carries its word's *case class* through the token-type
embedding (0 lower, 1 Capitalised, 2 ALL CAPS, 3 no letters): "Innovative Guards" looks different
from "innovative guards". Text is cut into sentences, sentences are packed into chunks of at most
``MAX_LEN`` wordpieces and the first wordpiece of each token of :func:`restore.text.tokenize.tokenize` is
classified. Raw probabilities are calibrated (Platt scaling fitted on the dev split) and a
document score comes from a small logistic regression over a few features (see
``models/detector/calibration.json`` and ``scripts/calibrate_detector.py``).

A three-class model (clean / changed / kept, ``scripts/train_detector.py --labels 3``) also says
which words inside a spinner's edit it kept ("video" of "video clip"); the shipped model has two.

torch and the tokenizer are imported only when a detector is loaded; :func:`load_detector`
returns ``None`` when ``models/detector/`` holds no weights, so the pipeline works without it.
"""
from __future__ import annotations

import bisect
import json
import math
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from restore.fix import channel
from restore.edits.diff import changed_parts
from restore.text.tokenize import Token, sentences, strip_range, tokenize
from restore.paths import WEIGHTS, model_dir
from restore.signature import weights_signature
from restore.types import Detection, Edit, Span

MAX_LEN = 128          # wordpieces per chunk, [CLS] and [SEP] included
MAX_PIECES_PER_WORD = 16
BATCH = 32
NAME = "detector"
CASE_TYPES = 4


# ---------------------------------------------------------------- encoding (shared with training)
def case_class(word: str) -> int:
    """0 lower-case, 1 Capitalised, 2 ALL CAPS (two letters or more), 3 no letters."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 3
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return 2
    return 1 if letters[0].isupper() else 0


@dataclass
class Chunk:
    """One model input: wordpiece ids, their case types, and for each word its first piece."""

    ids: list[int]
    types: list[int]
    words: list[int]      # indices (into the caller's token list) of the words in this chunk
    first: list[int]      # position of each word's first wordpiece in ``ids`` (-1: no wordpiece)


def word_pieces(tok, words: Sequence[str]) -> list[list[int]]:
    """Wordpiece ids of each word (possibly empty, e.g. for a zero-width space)."""
    if not words:
        return []
    enc = tok.encode(list(words), is_pretokenized=True, add_special_tokens=False)
    out: list[list[int]] = [[] for _ in words]
    for pid, wid in zip(enc.ids, enc.word_ids):
        if wid is not None and len(out[wid]) < MAX_PIECES_PER_WORD:
            out[wid].append(pid)
    return out


def pack(tok, sents: Sequence[Sequence[int]], words: Sequence[str], max_len: int = MAX_LEN,
         cls_id: int = 101, sep_id: int = 102) -> list[Chunk]:
    """Pack sentences (lists of word indices into ``words``) into chunks of <= max_len wordpieces.

    Whole sentences go together while they fit; a sentence longer than a chunk is cut at word
    boundaries. Every word of every sentence lands in exactly one chunk.
    """
    flat = [i for s in sents for i in s]
    pieces_all = word_pieces(tok, [words[i] for i in flat])
    pieces = dict(zip(flat, pieces_all))
    budget = max_len - 2
    chunks: list[Chunk] = []
    cur: list[int] = []
    cur_len = 0

    def flush() -> None:
        nonlocal cur, cur_len
        if cur:
            ids, types, first = [cls_id], [0], []
            for i in cur:
                p = pieces[i]
                first.append(len(ids) if p else -1)
                ids.extend(p)
                types.extend([case_class(words[i])] * len(p))
            ids.append(sep_id)
            types.append(0)
            chunks.append(Chunk(ids, types, list(cur), first))
        cur, cur_len = [], 0

    for s in sents:
        n = sum(len(pieces[i]) for i in s)
        if cur and cur_len + n > budget:
            flush()
        if n <= budget:
            cur.extend(s)
            cur_len += n
            continue
        for i in s:  # a sentence longer than a chunk: cut it at word boundaries
            k = len(pieces[i])
            if cur and cur_len + k > budget:
                flush()
            cur.append(i)
            cur_len += k
        flush()
    flush()
    return chunks


def sentence_groups(text: str, tokens: Sequence[Token]) -> list[list[int]]:
    """Indices of ``tokens`` grouped by sentence (a token outside every sentence is its own group)."""
    keys: list[int] = []
    groups: list[list[int]] = []
    spans = sentences(text)
    j = 0
    for i, t in enumerate(tokens):
        while j < len(spans) and spans[j][1] <= t.start:
            j += 1
        key = j if j < len(spans) and spans[j][0] <= t.start < spans[j][1] else -1 - i
        if keys and keys[-1] == key:
            groups[-1].append(i)
        else:
            keys.append(key)
            groups.append([i])
    return groups


def load_tokenizer(path: str | Path):
    """The WordPiece tokenizer with its built-in padding/truncation switched off."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


Logits = tuple[list[Token], list[float], list[float]]  # tokens, spun-clean logits, kept-changed logits


def dictionary_spans(text: str, e: Edit, confidence: float, changed_only: bool = False) -> list[Span]:
    """The detection span(s) of a dictionary edit: its whole span, or with ``changed_only`` each run
    of its words that the replacement changes ("legal" of "human legal rights" -> "human rights",
    suggestion ""), the whole span when the replacement only adds words."""
    parts = changed_parts(e.original, e.replacement) if changed_only else []
    if not parts:
        return [Span(e.start, e.end, text[e.start:e.end], confidence, e.replacement, source="dictionary")]
    return [Span(e.start + a, e.start + b, text[e.start + a:e.start + b], confidence, rep, source="dictionary")
            for a, b, rep in parts]


# ---------------------------------------------------------------- calibration maths (numpy-free at inference)
def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


# densities per 1,000 words count a text as at least this long: one odd word in a three-word
# headline is not 333 per 1,000 words of evidence
DENSITY_MIN_WORDS = 20
# the amounts of evidence count a text as at most this long (the same densities over fewer words):
# past the lengths calibration saw, a long clean text's few odd words would otherwise add up to a
# spun text's amount while the length that offsets them is clamped to the calibrated range
AMOUNT_MAX_WORDS = 2000
DOC_FEATURES = ("top5_mean_p", "mean_p", "log1p_spans_per_1k", "log1p_dict_per_1k",
                "log_words", "log1p_psum_per_1k", "log1p_psum", "log1p_spans", "log1p_p90",
                "p90_words_10s", "p50_words_10s", "spans_10s", "words_1000s")


def doc_features(probs: Sequence[float], n_words: int, n_spans: int, n_dict: int) -> list[float]:
    """Features of the document score (``DOC_FEATURES``): top-5 mean word probability, mean word
    probability, log1p(spans per 1,000 words), log1p(dictionary hits per 1,000 words), then the
    length and the absolute amount of evidence (a short document with a few odd words is weaker
    evidence than a long one with the same density): log(words), log1p(sum of p per 1,000 words),
    log1p(sum of p), log1p(spans), log1p(words with p >= 0.9), and the same amounts unlogged, in
    tens (words with p >= 0.9, words with p >= 0.5, spans), with the length in thousands of words.
    Unlogged counts and length let a linear score weigh "k odd words in n words" as a count
    against the rate clean text has at that length (a Poisson likelihood ratio is linear in k
    and n), so a long clean text with a few odd words is not taken for a short spun one.
    Densities count a text as at least ``DENSITY_MIN_WORDS`` long, amounts as at most
    ``AMOUNT_MAX_WORDS`` long. A calibration fitted on fewer features uses the first ones only."""
    top = sorted(probs, reverse=True)[:5]
    top5 = sum(top) / 5.0 if top else 0.0
    total = float(sum(probs))
    mean = total / len(probs) if probs else 0.0
    per_k = 1000.0 / max(n_words, DENSITY_MIN_WORDS)
    high = sum(1 for p in probs if p >= 0.9)
    mid = sum(1 for p in probs if p >= 0.5)
    scale = min(1.0, AMOUNT_MAX_WORDS / n_words) if n_words else 1.0  # amounts of a text cut to the cap
    n_eff = min(n_words, AMOUNT_MAX_WORDS)
    return [top5, mean, math.log1p(n_spans * per_k), math.log1p(n_dict * per_k),
            math.log(max(n_eff, 1)), math.log1p(total * per_k), math.log1p(total * scale),
            math.log1p(n_spans * scale), math.log1p(high * scale),
            high * scale / 10.0, mid * scale / 10.0, n_spans * scale / 10.0, n_eff / 1000.0]


def count_runs(probs: Sequence[float], toks: Sequence[Token], sent_of: Sequence[int], thr: float,
               taken: Sequence[bool] | None = None) -> int:
    """Number of maximal runs of tokens with p >= thr (within a sentence) that contain a word."""
    n, open_run, has_word, prev_sent = 0, False, False, None
    for i, t in enumerate(toks):
        hit = probs[i] >= thr and not (taken and taken[i])
        if hit and open_run and sent_of[i] != prev_sent:
            n += has_word
            open_run, has_word = False, False
        if hit:
            open_run = True
            has_word = has_word or t.is_word
            prev_sent = sent_of[i]
        elif open_run:
            n += has_word
            open_run, has_word = False, False
    return n + (has_word if open_run else 0)


# ---------------------------------------------------------------- the detector
class SpanDetector:
    """Loaded once (see :func:`load_detector`); thread-safe for inference."""

    def __init__(self, path: str | Path, dtype: str | None = None):
        import torch  # noqa: F401  (only here: the package never imports torch at import time)

        from restore._hf import native_bf16, quiet_transformers, set_threads

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
        self.dtype = (dtype or os.environ.get("RESTORE_DETECTOR_DTYPE")
                      or (self.calibration.get("dtype", "bf16") if native_bf16(torch) else "fp32")).lower()
        if self.dtype not in ("bf16", "fp32"):
            self.dtype = "fp32"
        if self.dtype == "bf16":
            self.model.to(torch.bfloat16)
        self._lock = threading.Lock()
        self._torch = torch

    # ---- raw scores
    def _logits(self, chunks: list[Chunk]) -> list[tuple[list[float], list[float]]]:
        """For each chunk, at each word's first wordpiece: the logit difference spun - clean, and for
        a three-class detector (clean / changed / kept) the logit of kept - changed (NaN otherwise);
        "spun" is then changed-or-kept, logsumexp(changed, kept) - clean."""
        torch = self._torch
        out: list[tuple[list[float], list[float]] | None] = [None] * len(chunks)
        three = self.n_labels == 3
        order = sorted(range(len(chunks)), key=lambda k: len(chunks[k].ids))
        with self._lock, torch.inference_mode():
            for b in range(0, len(order), BATCH):
                idx = order[b:b + BATCH]
                width = max(len(chunks[k].ids) for k in idx)
                ids = torch.zeros((len(idx), width), dtype=torch.long)
                types = torch.zeros_like(ids)
                mask = torch.zeros_like(ids)
                for r, k in enumerate(idx):
                    c = chunks[k]
                    n = len(c.ids)
                    ids[r, :n] = torch.tensor(c.ids)
                    types[r, :n] = torch.tensor(c.types)
                    mask[r, :n] = 1
                logits = self.model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
                logits = logits.float()
                if three:
                    diff = (torch.logsumexp(logits[..., 1:], dim=-1) - logits[..., 0]).tolist()
                    kept = (logits[..., 2] - logits[..., 1]).tolist()
                else:
                    diff = (logits[..., 1] - logits[..., 0]).tolist()
                    kept = None
                for r, k in enumerate(idx):
                    first = chunks[k].first
                    row = diff[r]
                    krow = kept[r] if kept is not None else None
                    out[k] = ([row[p] if p >= 0 else math.nan for p in first],
                              [krow[p] if krow is not None and p >= 0 else math.nan for p in first])
        return out  # type: ignore[return-value]

    def token_logits(self, text: str, tokens: Sequence[Token] | None = None) -> Logits:
        """Every token of ``text`` with its uncalibrated logit difference (spun minus clean) and,
        from a three-class detector, its kept-minus-changed logit (see :meth:`_logits`); NaN for a
        token the tokenizer drops entirely (e.g. a zero-width space)."""
        return self.token_logits_many([text], [tokens])[0]

    def token_logits_many(self, texts: Sequence[str], tokens: Sequence[Sequence[Token] | None] | None = None
                          ) -> list[Logits]:
        """``token_logits`` for several texts, their chunks sharing the model's batches."""
        docs, chunks, owner = [], [], []
        for d, text in enumerate(texts):
            given = tokens[d] if tokens is not None else None
            toks = list(given) if given is not None else tokenize(text)
            docs.append((toks, [math.nan] * len(toks), [math.nan] * len(toks)))
            if toks:
                got = pack(self.tok, sentence_groups(text, toks), [t.text for t in toks], MAX_LEN,
                           self.cls_id, self.sep_id)
                chunks += got
                owner += [d] * len(got)
        for d, c, (row, krow) in zip(owner, chunks, self._logits(chunks) if chunks else []):
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
            return Reading(text, [], [], ([], [], []), [], [], (), 0.0)
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
        return Reading(text, toks, probs, logits, sent_of, taken, tuple(dict_conf), score)

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


def expansion_kept(text: str, toks: Sequence[Token], hit: Sequence[bool], kept: Sequence[bool],
                   sent_of: Sequence[int]) -> list[bool]:
    """``kept`` plus, in each run of adjacent hit words (one sentence, nothing but spaces between
    them), the words a spinner's edit left as they were (``restore.fix.channel.kept_words``: "officer"
    of "police officer", "more than" of "a lot more than")."""
    out = list(kept)
    run: list[int] = []

    def close() -> None:
        if len(run) >= 2:
            for k in channel.kept_words([toks[i].text for i in run]):
                out[run[k]] = True
        run.clear()

    for i, t in enumerate(toks):
        if run and (not hit[i] or not t.is_word or sent_of[i] != sent_of[run[-1]]
                    or text[toks[run[-1]].end:t.start].strip()):
            close()
        if hit[i] and t.is_word:
            run.append(i)
    close()
    return out


COMPOUND = re.compile(r"(?<![\w-])[^\W_]+(?:-[^\W_]+)+(?![\w-])")  # words joined by single hyphens


def swapped_parts(text: str, span: Span) -> list[Span]:
    """``span`` without what a spinner left of each hyphenated word in it that the table does not
    list whole (a spinner's hyphenated substitute, "get-up-and-go", is listed): its hyphens, and of
    a two-part word the half the spinner left as it was (``restore.fix.channel.swapped_part``: "stop" of
    "year-stop", neither "year" nor "-"); the pieces keep the span's confidence."""
    cut: list[tuple[int, int]] = []
    for m in COMPOUND.finditer(text, span.start, span.end):
        parts = m.group().split("-")
        if channel.known_whole(m.group()):
            continue
        k = channel.swapped_part(*parts) if len(parts) == 2 else None
        if k is not None:
            cut.append((m.start() + len(parts[0]), m.end()) if k == 0 else (m.start(), m.end() - len(parts[1])))
            continue
        pos = m.start()
        for part in parts[:-1]:
            pos += len(part)
            cut.append((pos, pos + 1))
            pos += 1
    if not cut:
        return [span]
    out, pos = [], span.start
    for a, b in cut + [(span.end, span.end)]:
        a, e = strip_range(text, pos, a)
        if a < e:
            out.append(Span(a, e, text[a:e], span.confidence, span.suggestion, span.source))
        pos = b
    return out


@dataclass
class Reading:
    """One text as the detector read it (:meth:`SpanDetector.read`): its tokens, their calibrated
    probabilities and raw logits, each token's sentence group, which tokens a dictionary edit
    covers, the dictionary edits it was told about with their spans' confidence, and the document
    score. Nothing here depends on a span threshold."""

    text: str
    tokens: list[Token]
    probs: list[float]
    logits: Logits
    sent_of: list[int]
    taken: list[bool]
    dictionary: tuple[tuple[Edit, float], ...]
    score: float


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


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> SpanDetector:
    return SpanDetector(path)


def load_detector(models_dir=None) -> SpanDetector | None:
    """The shipped detector (loaded once per directory), or None when no weights are there."""
    d = detector_dir(models_dir)
    if d is None:
        return None
    return _load(str(d.resolve()), (d / WEIGHTS).stat().st_mtime)
