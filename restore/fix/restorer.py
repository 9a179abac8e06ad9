"""The trained seq2seq span restorer: given a suspect span in its sentence, generate its original wording.

Span infilling: the encoder (a MiniLM/BERT, uncased WordPiece) reads the sentence with the span
marked, ``left [unused0] span [unused1] right``; a small BERT decoder with cross-attention (its
word embeddings shared with the encoder's) generates only the span's original wording, lower case,
or the span itself when it was not spun ("keep"). Case is transferred afterwards with
``restore.text.casing.transfer_case``. The same model generates (greedy with a key/value cache by
default, ``RESTORE_BEAMS=N`` for beam search) and scores candidates by forced decoding (summed
log-probability). In the pipeline, an edit's confidence combines the model's scores with the
detector's probability and the channel when ``evidence.json`` was fitted for this pair of models
(``restore.fix.evidence``).

``load_restorer(models_dir)`` returns None while ``restore/models/restorer/`` holds no weights. torch and
transformers are imported only when a model is actually loaded, and it is loaded once per process.
"""
from __future__ import annotations

import json
import math
import os
import re
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Sequence

from restore._hf import bucket
from restore.fix.architecture import load_model
from restore.fix.encoding import (CLS, MAX_TARGET, PAD, SEP, context_of, detokenize, encode_inputs,
                                  encode_targets)
from restore.fix import spinner_vocab
from restore.fix.evidence import FEATURES as EVIDENCE_FEATURES
from restore.fix.evidence import Evidence, load_evidence
from restore.fix.wording import (ACRONYM_RE, DEFAULT_CALIBRATION, REPORT_FLOOR, confidence_of, features,
                                 proposal_features, shape_problem)
from restore.memo import recalled
from restore.paths import WEIGHTS, model_dir
from restore.signature import weights_signature
from restore.text.casing import transfer_case
from restore.text.protect import protected_ranges
from restore.text.quantities import restates
from restore.text.tokenize import nfc, sentences
from restore.types import Edit, Span

DEFAULT_BEAMS = 1


def _untouchable(text: str) -> list[tuple[int, int]]:
    """What no model edit may change in ``text``: protected material and acronyms."""
    return protected_ranges(text) + [(m.start(), m.end()) for m in ACRONYM_RE.finditer(text)]


class SpanRestorer:
    """Loaded once (see ``load_restorer``); ``propose_edits`` for the pipeline, ``score`` for reranking."""

    def __init__(self, model_dir: Path, threads: int | None = None, device: str = "cpu"):
        import torch

        from restore._hf import quiet_transformers, resolve_device, set_threads, use_bf16

        BertTokenizerFast = quiet_transformers().BertTokenizerFast
        self.torch = torch
        if threads:
            torch.set_num_threads(threads)
        else:
            set_threads(torch)
        self.dir = Path(model_dir)
        self.tok = BertTokenizerFast.from_pretrained(self.dir)
        self.model = load_model(self.dir)
        cal_path = self.dir / "calibration.json"
        self.calibration = json.loads(cal_path.read_text()) if cal_path.exists() else dict(DEFAULT_CALIBRATION)
        self.batch_size = 32
        self.num_beams = num_beams()
        self.signature = _weights_and_beams(self.dir)
        # bf16 weights where the CPU computes bf16 natively: ~1.8x faster than fp32 there, log-probs
        # within ~0.05; on an AVX2-only CPU bf16 is emulated and ~6x slower, so float32 (RESTORE_BF16=0/1)
        self.device = resolve_device(torch, device)
        self.bf16 = use_bf16(torch, "RESTORE_BF16", preferred=True) if self.device == "cpu" else \
            os.environ.get("RESTORE_BF16", "1").strip() != "0"  # a GPU computes bf16 natively
        if self.bf16:
            self.model.to(torch.bfloat16)
        if self.device != "cpu":  # on a GPU: the model there, bigger batches; the CPU path is unchanged
            self.model.to(self.device)
            self.batch_size = 256
        self.evidence = _evidence(self.dir, warn=True)
        # the decoder's key/value cache argument: "cache" in transformers 5.x, "past_key_values" before
        import inspect

        params = inspect.signature(self.model.decoder.forward).parameters
        self._cache_arg = "cache" if "cache" in params else "past_key_values"

    def evidence_for(self, detector_signature: str | None) -> Evidence | None:
        """The pipeline-level evidence weights (``restore.fix.evidence``) when they were fitted with this
        restorer and this detector, else None (the model's own confidence is used)."""
        ev = self.evidence
        if ev is None or not detector_signature or not ev.applies_to(detector_signature, self.signature):
            return None
        return ev

    # ------------------------------------------------------------ low level
    def _autocast(self):
        import contextlib

        return contextlib.nullcontext()

    def _pad(self, seqs: Sequence[Sequence[int]], width: int | None = None):
        torch = self.torch
        n = width or max(len(s) for s in seqs)
        ids = torch.zeros((len(seqs), n), dtype=torch.long)
        mask = torch.zeros((len(seqs), n), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)
            mask[i, :len(s)] = 1
        return self._dev(ids), self._dev(mask)

    def _dev(self, t):
        """``t`` on the model's device (itself on the CPU)."""
        return t if self.device == "cpu" else t.to(self.device)

    def _encode(self, ids, mask):
        with self.torch.inference_mode(), self._autocast():
            return self.model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state

    def _forced(self, hidden, mask, rows: Sequence[int], targets: Sequence[Sequence[int]]) -> list[float]:
        """Summed log-prob of ``target + [SEP]`` for each (encoder row, target). Targets go in
        groups of one padded width (``bucket``), so that a score does not depend on the others."""
        out: list[float] = [0.0] * len(targets)
        groups: dict[int, list[int]] = {}
        for k, t in enumerate(targets):
            groups.setdefault(bucket(len(t) + 1, 4), []).append(k)
        for width, ks in groups.items():
            for k, v in zip(ks, self._forced_padded(hidden, mask, [rows[k] for k in ks], [targets[k] for k in ks],
                                                    width)):
                out[k] = v
        return out

    def _forced_padded(self, hidden, mask, rows: Sequence[int], targets: Sequence[Sequence[int]],
                       width: int) -> list[float]:
        torch = self.torch
        if not targets:
            return []
        idx = self._dev(torch.tensor(list(rows), dtype=torch.long))
        dec_in, dmask = self._pad([[CLS] + list(t) for t in targets], width)
        labels = torch.full(dec_in.shape, -100, dtype=torch.long)
        for i, t in enumerate(targets):
            full = list(t) + [SEP]
            labels[i, :len(full)] = torch.tensor(full)
        labels = self._dev(labels)
        valid = labels >= 0
        with torch.inference_mode(), self._autocast():
            states = self.model.decoder.bert(input_ids=dec_in, attention_mask=dmask, encoder_hidden_states=hidden[idx],
                                             encoder_attention_mask=mask[idx]).last_hidden_state
            # the output layer (30k words) only at the positions scored, not at the padding: ~1.5x faster
            logits = self.model.decoder.cls(states[valid])
        logp = torch.log_softmax(logits.float(), dim=-1)
        per = self._dev(torch.zeros(labels.shape, dtype=logp.dtype))
        per[valid] = logp.gather(-1, labels[valid].unsqueeze(-1)).squeeze(-1)
        return per.sum(-1).tolist()

    def _greedy(self, ids, mask, hidden) -> tuple[list[list[int]], list[float | None]]:
        """Greedy decoding with the key/value cache: each row's wordpieces (without [SEP]) and their
        summed log-prob including the end, equal to ``_forced`` of the same sequence (to ~1e-6; None
        for a row that reached the length limit without ending).
        Rows that have ended are dropped from the batch, which is what makes it ~2x faster than
        ``generate`` followed by forced rescoring."""
        torch = self.torch
        dec = self.model.decoder
        active = list(range(ids.shape[0]))
        seqs: list[list[int]] = [[] for _ in active]
        lps: list[float | None] = [0.0] * len(active)
        cur = self._dev(torch.full((len(active), 1), CLS, dtype=torch.long))
        past, h, m = None, hidden, mask
        with torch.inference_mode():
            for step in range(MAX_TARGET + 1):
                out = dec(input_ids=cur, encoder_hidden_states=h, encoder_attention_mask=m, use_cache=True,
                          **({self._cache_arg: past} if past is not None else {}))
                past = getattr(out, self._cache_arg)
                best, nxt = torch.log_softmax(out.logits[:, -1].float(), dim=-1).max(-1)
                going = []
                for j, (row, t, v) in enumerate(zip(active, nxt.tolist(), best.tolist())):
                    lps[row] += v
                    if t != SEP:
                        seqs[row].append(t)
                        going.append(j)
                if not going:
                    break
                if step == MAX_TARGET:  # never ended: no log-prob of the end (scored by _forced)
                    for j in going:
                        lps[active[j]] = None
                    break
                if len(going) < len(active):
                    keep = self._dev(torch.tensor(going, dtype=torch.long))
                    past.batch_select_indices(keep)
                    h, m, nxt = h[keep], m[keep], nxt[keep]
                    active = [active[j] for j in going]
                cur = nxt[:, None]
        return [[t for t in s if t not in (PAD, CLS)] for s in seqs], lps

    def _generate(self, ids, mask, hidden) -> list[list[list[int]]]:
        torch = self.torch
        from transformers.modeling_outputs import BaseModelOutput

        with torch.inference_mode(), self._autocast():
            gen = self.model.generate(
                input_ids=ids, attention_mask=mask, encoder_outputs=BaseModelOutput(last_hidden_state=hidden),
                num_beams=self.num_beams, num_return_sequences=self.num_beams, max_new_tokens=MAX_TARGET + 1,
                do_sample=False, early_stopping=True, decoder_start_token_id=CLS, eos_token_id=SEP,
                pad_token_id=PAD)
        seqs = gen.tolist()
        out: list[list[list[int]]] = []
        for i in range(ids.shape[0]):
            cands = []
            for s in seqs[i * self.num_beams:(i + 1) * self.num_beams]:
                s = [t for t in s[1:]]
                if SEP in s:
                    s = s[:s.index(SEP)]
                s = [t for t in s if t not in (PAD, CLS)]
                if s and s not in cands:
                    cands.append(s)
            out.append(cands)
        return out

    def text_of(self, ids: Sequence[int]) -> str:
        return detokenize(self.tok.convert_ids_to_tokens(list(ids)))

    # ------------------------------------------------------------ mid level
    def infill(self, items: Sequence[tuple[str, str, str]], extra: Sequence[Sequence[str]] | None = None,
               generate: bool = True) -> list[dict]:
        """For each (left, span, right): beam candidates and their forced log-probs, the keep
        log-prob and the best candidate (and the item itself: ``left``, ``span``, ``right``).
        ``extra``: more candidate strings to score per item."""
        n = len(items)
        results: list[dict] = [None] * n  # type: ignore[list-item]
        if not n:
            return []
        enc = encode_inputs(self.tok, [i[0] for i in items], [i[1] for i in items], [i[2] for i in items])
        keep = encode_targets(self.tok, [i[1] for i in items])
        extra_ids = None
        if extra is not None:
            extra_ids = [encode_targets(self.tok, list(e)) if e else [] for e in extra]
        for width, chunk in self._batches(enc):
            ids, mask = self._pad([enc[i] for i in chunk], width)
            hidden = self._encode(ids, mask)
            known: list[dict] = [{} for _ in chunk]  # candidate -> log-prob already computed
            if not generate:
                gens = [[] for _ in chunk]
            elif self.num_beams == 1:
                seqs, glps = self._greedy(ids, mask, hidden)
                gens = [[g] if g else [] for g in seqs]
                for r, (g, lp) in enumerate(zip(seqs, glps)):
                    if g and lp is not None:
                        known[r][tuple(g)] = lp
            else:
                gens = self._generate(ids, mask, hidden)
            rows, targets = [], []
            cand_lists = []
            for r, (i, g) in enumerate(zip(chunk, gens)):
                cands = [keep[i]] + [c for c in g if c != keep[i]]
                if extra_ids is not None:
                    cands += [c for c in extra_ids[i] if c and c not in cands]
                cand_lists.append(cands)
                for c in cands:
                    if tuple(c) not in known[r]:
                        rows.append(r)
                        targets.append(c)
            scores = iter(self._forced(hidden, mask, rows, targets))
            for r, (i, cands) in enumerate(zip(chunk, cand_lists)):
                lps = [known[r][tuple(c)] if tuple(c) in known[r] else next(scores) for c in cands]
                best = max(range(len(cands)), key=lambda j: lps[j])
                results[i] = {"candidates": [self.text_of(c) for c in cands], "ids": cands, "lps": lps,
                              "keep_lp": lps[0], "best": best, "best_text": self.text_of(cands[best]),
                              "beam": [self.text_of(c) for c in gens[chunk.index(i)]],
                              "left": items[i][0], "span": items[i][1], "right": items[i][2]}
        return results

    def _batches(self, enc: Sequence[Sequence[int]]) -> list[tuple[int, list[int]]]:
        """Batches of at most ``batch_size`` inputs of one padded width (``bucket`` of their length),
        shortest first: an input's scores then depend on it alone, not on the batch it falls in (in
        bf16 a wider padding moves a log-prob by ~1e-3, enough to tip a confidence at a threshold,
        so that restoring the same text in another batch would decide otherwise)."""
        out: list[tuple[int, list[int]]] = []
        order = sorted(range(len(enc)), key=lambda i: len(enc[i]))
        for width, grp in groupby(order, key=lambda i: bucket(len(enc[i]), 8)):
            ks = list(grp)
            out += [(width, ks[b:b + self.batch_size]) for b in range(0, len(ks), self.batch_size)]
        return out

    def confidence(self, r: dict, span_text: str) -> float:
        if r["best"] == 0:
            return 0.0
        lp = r["lps"][r["best"]]
        return confidence_of(self.calibration, features(lp, r["keep_lp"], len(span_text.split())))

    # ------------------------------------------------------------ public
    def propose_edits(self, text: str, spans: Sequence[Span], cfg, detector: str | None = None) -> list[Edit]:
        """One Edit per span whose best candidate differs from it (case-insensitively) with confidence
        >= 0.3; applied when confidence >= max(cfg.threshold, cfg.model_threshold).

        ``detector``: the signature of the detector that found ``spans`` (their ``confidence`` is its
        probability). When the evidence weights were fitted with it, the confidence combines the
        model's scores with the detector's probability and the channel (``restore.fix.evidence``)."""
        return self.propose_with_details(text, spans, cfg, detector)[0]

    def propose_with_details(self, text: str, spans: Sequence[Span], cfg,
                             detector: str | None = None) -> tuple[list[Edit], list]:
        """``propose_edits`` plus, for every span looked at, ``(span, infill result)``."""
        return self.propose_many([(text, spans)], cfg, detector)[0]

    def propose_many(self, docs: Sequence[tuple[str, Sequence[Span]]], cfg,
                     detector: str | None = None, memo: dict | None = None,
                     vocab: Sequence[object] | None = None) -> list[tuple[list[Edit], list]]:
        """``propose_with_details`` for several documents at once: their spans share the model's
        batches (a document with a few spans alone would leave most of a batch empty). ``memo``
        (a dict the caller keeps for one batch of texts) holds the model's reading of each
        (left, span, right) already read: a later pass over a restored text asks again only about
        spans whose sentence changed."""
        owners, todo, items = [], [], []
        for d, (text, spans) in enumerate(docs):
            if not spans:
                continue
            sents = sentences(text)
            for s in spans:
                if not (0 <= s.start < s.end <= len(text)) or not text[s.start:s.end].strip():
                    continue
                left, right = context_of(text, s.start, s.end, sents)
                owners.append(d)
                todo.append(s)
                items.append((left, text[s.start:s.end], right))
        results = recalled([(nfc(a), nfc(b), nfc(c)) for a, b, c in items], memo, self.infill)
        need = max(cfg.threshold, cfg.model_threshold)
        evidence = self.evidence_for(detector)
        out: list[tuple[list[Edit], list]] = [([], []) for _ in docs]
        protected: dict[int, list[tuple[int, int]]] = {}
        for d, s, (_, span_text, _), r in zip(owners, todo, items, results):
            out[d][1].append((s, r))
            text = docs[d][0]
            if d not in protected:
                protected[d] = _untouchable(text)
            e = self._edit(text, s, span_text, r, protected[d], evidence, need, vocab[d] if vocab else None)
            if e is not None:
                out[d][0].append(e)
        return out

    def vocab_edits(self, docs: Sequence[tuple[str, object, Sequence[tuple[int, int]]]], cfg,
                    memo: dict | None = None) -> list[list[Edit]]:
        """Model edits for real spinners' wordings the model was not asked about: for each (text,
        vocabulary or None, ranges taken), each listed wording outside the ranges taken
        (``spinner_vocab.Vocabulary.occurrences``) is read as a span, the table's originals scored
        among the model's candidates; its best wording is proposed when the model's own calibrated
        confidence for it reaches ``spinner_vocab.FLOOR``, at that times ``1 - 1/rho``
        (``spinner_vocab.vocab_confidence``)."""
        owners, spots, keys = [], [], []
        for d, (text, vocab, taken) in enumerate(docs):
            if vocab is None:
                continue
            sents = None
            taken = list(taken) + _untouchable(text)
            for a, b, origs, rho in vocab.occurrences(text, outside=taken):  # type: ignore[attr-defined]
                sents = sents if sents is not None else sentences(text)
                left, right = context_of(text, a, b, sents)
                owners.append(d)
                spots.append((a, b, rho))
                keys.append(("vocab", nfc(left), nfc(text[a:b]), nfc(right), origs))
        out: list[list[Edit]] = [[] for _ in docs]
        if not keys:
            return out
        results = recalled(keys, memo, lambda ks: self.infill([k[1:4] for k in ks], extra=[list(k[4]) for k in ks]))
        need = max(cfg.threshold, cfg.model_threshold)
        for d, (a, b, rho), k, r in zip(owners, spots, keys, results):
            text, span_text = docs[d][0], docs[d][0][a:b]
            if len(r["lps"]) < 2:
                continue
            page = spinner_vocab.is_page_wording(docs[d][1], span_text)  # type: ignore[arg-type]
            # the page says it is spun, from which head words: the model, which of them
            choices = [i for i in range(1, len(r["lps"])) if not page or r["candidates"][i] in k[4]]
            if not choices:
                continue
            j = max(choices, key=lambda i: r["lps"][i])
            if page:
                own = 1.0 / sum(math.exp(r["lps"][i] - r["lps"][j]) for i in choices)
            else:
                own = confidence_of(self.calibration, features(r["lps"][j], r["keep_lp"], len(span_text.split())))
            if own < spinner_vocab.FLOOR:
                continue
            rep = transfer_case(span_text, r["candidates"][j])
            if rep.lower() == span_text.lower():
                continue
            conf = spinner_vocab.vocab_confidence(0.0, own, rho)
            problem = shape_problem(span_text, rep, k[1], k[3])
            why = (f"p={conf:.2f}: this page writes it {rho:.0f} times as often as clean news, crowding out "
                   f"its head word; model {own:.2f} of the originals" if page else
                   f"p={conf:.2f}: model {own:.2f}, a real spinner's wording: rho {rho:.0f}")
            if problem:
                why += f"; reported only: {problem}"
            out[d].append(Edit(a, b, span_text, rep, source="model", confidence=conf,
                               rule=f'model: "{span_text}" -> "{rep}" ({why})', type="R",
                               applied=conf >= need and problem is None))
        return out

    def _edit(self, text: str, s: Span, span_text: str, r: dict, protected, evidence, need: float,
              vocab=None) -> Edit | None:
        """The Edit a span's infill result proposes, or None (keep, protected text, low confidence)."""
        if r["best"] == 0:
            return None
        cand = r["best_text"]
        if not cand or cand.lower() == span_text.lower():
            return None
        prot = [text[a:b] for a, b in protected if a < s.end and s.start < b]
        if prot and not all(p.lower() in cand.lower() or restates(span_text, p, cand) for p in prot):
            return None  # never change or drop a number (unless said as a unit: "12 months" -> "year"),
            # URL, e-mail, ticker or acronym
        own = self.confidence(r, span_text)
        if own < REPORT_FLOOR:  # (the evidence weights were fitted on proposals above the floor)
            return None
        conf = own
        if evidence is not None:
            x = proposal_features(s, r)
            conf = evidence.probability(x)
        conf = round(conf, 4)
        if conf < REPORT_FLOOR:
            return None
        rep = transfer_case(span_text, cand)
        for p in prot:  # the protected text keeps its own spelling
            rep = re.sub(re.escape(p), p.replace("\\", "\\\\"), rep, flags=re.IGNORECASE)
        if rep == span_text:
            return None
        alts = [c for j, c in sorted(enumerate(r["candidates"]), key=lambda x: -r["lps"][x[0]])
                if j not in (0, r["best"])][:2]
        found = conf
        rho = vocab.rho_of(span_text) if vocab is not None else None
        if rho is not None:
            conf = spinner_vocab.vocab_confidence(conf, own, rho)
            rho = rho if conf > found else None
        why = f"p={conf:.2f}" if evidence is None else (
            f"p={conf:.2f}: model {own:.2f}, detector {s.confidence:.2f}"
            + (", a known spinner substitute" if x[EVIDENCE_FEATURES.index("channel_any")] else ""))
        if rho is not None:
            why += f"; a real spinner's wording: rho {rho:.0f}"
        problem = shape_problem(span_text, rep, r["left"], r["right"])
        if problem:
            why += f"; reported only: {problem}"
        rule = f"model: \"{span_text}\" -> \"{rep}\" ({why}" + (
            f"; also: {', '.join(alts)}" if alts else "") + ")"
        return Edit(s.start, s.end, span_text, rep, source="model", confidence=conf, rule=rule,
                    type="R", applied=conf >= need and problem is None)

    def score(self, text: str, start: int, end: int, candidates: Sequence[str]) -> list[float]:
        """Forced-decoding log-prob (summed over wordpieces + end) of each candidate as the original
        wording of ``text[start:end]``."""
        if not candidates:
            return []
        left, right = context_of(text, start, end)
        enc = encode_inputs(self.tok, [left], [text[start:end]], [right])
        ids, mask = self._pad(enc, bucket(len(enc[0]), 8))
        hidden = self._encode(ids, mask)
        targets = encode_targets(self.tok, list(candidates))
        return self._forced(hidden, mask, [0] * len(targets), targets)


def num_beams() -> int:
    """Beams per span (RESTORE_BEAMS). Greedy is the default: on dev_mixture (100 docs) beams 1, 2
    and 4 gave identical output (the forced-decoding rescoring picks the same wording) and greedy
    runs the pipeline 1.7x faster; more beams only add "also:" alternatives."""
    return max(1, int(os.environ.get("RESTORE_BEAMS", str(DEFAULT_BEAMS)) or DEFAULT_BEAMS))


def _weights_and_beams(d: Path) -> str:
    sig = weights_signature("restorer", d / WEIGHTS)
    return sig if num_beams() == DEFAULT_BEAMS else f"{sig},beams{num_beams()}"


def _evidence(d: Path, warn: bool = False) -> Evidence | None:
    try:
        return load_evidence(d)
    except ValueError as exc:  # fitted with other features (an older file): it does not apply
        if warn:
            import warnings

            warnings.warn(f"{exc}; model edits keep the model's own confidence "
                          "(refit it with scripts/train/fit_evidence.py)", stacklevel=3)
        return None


def restorer_signature(d: Path, detector_weights: str | None) -> str:
    """``restorer@<weights>[,beamsN]`` of the restorer in ``d``, ``+evidence@<id>`` when its evidence
    weights were fitted with it and with the detector whose weights signature is ``detector_weights``."""
    sig = _weights_and_beams(d)
    ev = _evidence(d)
    if ev is not None and detector_weights and ev.applies_to(detector_weights, sig):
        sig += "+" + ev.signature
    return sig


def restorer_dir(models_dir=None) -> Path | None:
    """The shipped restorer's directory (``restore.paths``), or None when it has no weights."""
    d = model_dir("restorer", models_dir)
    return d if (d / WEIGHTS).is_file() else None


@lru_cache(maxsize=4)
def _load(path: str, device: str = "cpu") -> SpanRestorer:
    return SpanRestorer(Path(path), device=device)


def load_restorer(models_dir=None, device: str = "auto") -> SpanRestorer | None:
    """The shipped restorer (loaded once per directory and device) or None when there are no
    weights. ``device``: auto (the GPU when torch sees one), cpu, cuda or cuda:N."""
    d = restorer_dir(models_dir)
    if d is None:
        return None
    import torch

    from restore._hf import resolve_device

    return _load(str(d.resolve()), resolve_device(torch, device))
