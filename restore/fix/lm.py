"""A pretrained causal language model (Gemma 3 270M) that scores candidate wordings in context.

Used only by ``quality="best"`` (:mod:`restore.fix.rerank`); where the model comes from and its
converted cache are :mod:`restore.fix.lm_cache`.
``RESTORE_THREADS`` sets ``torch.set_num_threads`` (default: torch's own).
The model computes in bf16 on a CPU with native bf16 (AVX512-BF16, AMX), else in float32 (torch
emulates bf16 on an AVX2-only CPU, several times slower); ``RESTORE_LM_BF16=0/1`` forces a choice.

torch and transformers are imported only when a scorer is actually built.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Sequence

from restore.errors import ModelError
from restore.fix.lm_cache import EXTRA_HINT, Source, _quiet, _remove, build_cache, cache_root, default_source

BATCH = 32           # continuation rows per forward pass
MAX_PREFIX = 192     # prefix tokens kept (the end of the prefix)
MAX_CONT = 96        # continuation tokens kept (the start of each continuation)


# ---------------------------------------------------------------- the scorer
def _threads() -> int | None:
    v = os.environ.get("RESTORE_THREADS", "").strip()
    if not v:
        return None
    try:
        n = int(v)
    except ValueError:
        raise ModelError(f"RESTORE_THREADS must be a whole number, got {v!r}") from None
    return max(1, n)


class LMScorer:
    """Log-probabilities of continuations under a causal LM (bf16 on a CPU with native bf16, else
    float32; batched, shared-prefix KV cache). Build with :func:`load_scorer` (once per process)."""

    def __init__(self, model_dir: str | os.PathLike, threads: int | None = None, use_cache: bool = True):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from restore._hf import use_bf16

        n = threads if threads is not None else _threads()
        if n:
            torch.set_num_threads(n)
        self.torch = torch
        self.dir = Path(model_dir)
        # bf16 only where the CPU computes it natively; an AVX2-only CPU emulates it ~6x slower
        # (the cache stays bf16 on disk; RESTORE_LM_BF16=0/1 forces a choice)
        self.dtype = torch.bfloat16 if use_bf16(torch, "RESTORE_LM_BF16") else torch.float32
        with _quiet():
            self.tok = AutoTokenizer.from_pretrained(str(self.dir))
            self.model = AutoModelForCausalLM.from_pretrained(str(self.dir), dtype=self.dtype)
        self.model.eval()
        import inspect

        params = inspect.signature(self.model.forward).parameters
        self._cache_kw = "cache" if "cache" in params else "past_key_values"
        self.use_cache = use_cache
        self.bos = self.tok.bos_token_id
        self.pad = self.tok.pad_token_id if self.tok.pad_token_id is not None else 0
        self.signature = f"{self.dir.name}"
        self._lock = threading.Lock()
        self.calls = 0       # forward passes
        self.rows = 0        # continuation rows scored

    # ------------------------------------------------------------ tokens
    def encode_prefix(self, prefix: str) -> list[int]:
        ids = self.tok(prefix, add_special_tokens=False)["input_ids"] if prefix else []
        ids = ids[-MAX_PREFIX:]
        return ([self.bos] if self.bos is not None else []) + ids

    def encode_cont(self, cont: str) -> list[int]:
        return self.tok(cont, add_special_tokens=False)["input_ids"][:MAX_CONT]

    # ------------------------------------------------------------ scoring
    def _body(self, **kw):
        """Hidden states of the last layer (the LM head is applied only where a token is scored)."""
        body = getattr(self.model, self.model.base_model_prefix, None) or self.model.base_model
        return body(**kw)

    def _token_logprobs(self, hidden, targets) -> "torch.Tensor":
        """log P(target) for rows of hidden states (N, H): the head in chunks, log-softmax in float32."""
        torch = self.torch
        head = self.model.get_output_embeddings()
        cap = getattr(self.model.config, "final_logit_softcapping", None)
        out = []
        for i in range(0, hidden.shape[0], 64):
            lg = head(hidden[i:i + 64])
            if cap:
                lg = torch.tanh(lg / cap) * cap
            lg = lg.float()
            t = targets[i:i + 64]
            out.append(lg.gather(1, t.unsqueeze(1)).squeeze(1) - torch.logsumexp(lg, -1))
        return torch.cat(out) if out else torch.zeros(0)

    def score_ids(self, prefix_ids: Sequence[int], conts: Sequence[Sequence[int]]) -> list[list[float]]:
        """Per-token log-probs of each continuation (token ids) after ``prefix_ids`` (non-empty)."""
        torch = self.torch
        out: list[list[float]] = [[] for _ in conts]
        if not conts:
            return out
        P = len(prefix_ids)
        with self._lock, torch.inference_mode():
            past = None
            first = None
            if self.use_cache and P > 1:
                # the prefix once; its last hidden state predicts each continuation's first token
                o = self._body(input_ids=torch.tensor([list(prefix_ids)]), use_cache=True)
                self.calls += 1
                past = getattr(o, "cache", None) or getattr(o, "past_key_values", None)
                first = o.last_hidden_state[0, -1]
            order = sorted(range(len(conts)), key=lambda i: -len(conts[i]))
            for b in range(0, len(order), BATCH):
                rows = [i for i in order[b:b + BATCH] if conts[i]]
                if not rows:
                    continue
                L = max(len(conts[i]) for i in rows)
                n = len(rows)
                hs, tg, own = [], [], []
                if past is not None:
                    ids = torch.full((n, L), self.pad, dtype=torch.long)
                    mask = torch.zeros((n, P + L), dtype=torch.long)
                    mask[:, :P] = 1
                    for r, i in enumerate(rows):
                        c = conts[i]
                        ids[r, :len(c)] = torch.tensor(c)
                        mask[r, P:P + len(c)] = 1
                    pos = torch.arange(P, P + L).unsqueeze(0).expand(n, L)
                    o = self._body(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True,
                                   **{self._cache_kw: _expand_cache(past, n)})
                    h = o.last_hidden_state
                    for r, i in enumerate(rows):
                        c = conts[i]
                        hs.append(first.unsqueeze(0))
                        if len(c) > 1:
                            hs.append(h[r, :len(c) - 1])
                        tg.extend(c)
                        own.append(len(c))
                else:
                    T = P + L
                    ids = torch.full((n, T), self.pad, dtype=torch.long)
                    mask = torch.zeros((n, T), dtype=torch.long)
                    for r, i in enumerate(rows):
                        seq = list(prefix_ids) + list(conts[i])
                        ids[r, :len(seq)] = torch.tensor(seq)
                        mask[r, :len(seq)] = 1
                    h = self._body(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state
                    for r, i in enumerate(rows):
                        c = conts[i]
                        hs.append(h[r, P - 1:P - 1 + len(c)])
                        tg.extend(c)
                        own.append(len(c))
                lp = self._token_logprobs(torch.cat(hs), torch.tensor(tg)).tolist()
                k = 0
                for i, m in zip(rows, own):
                    out[i] = lp[k:k + m]
                    k += m
                self.calls += 1
                self.rows += n
        return out

    def score_continuations(self, prefix: str, options: Sequence[str],
                            suffix: str | Sequence[str] = "", detail: bool = False, per_token: bool = False):
        """log P(option + suffix | prefix) for each option, summed over tokens.

        ``prefix`` should end at the end of a word and each continuation start with its space
        (``" Guards said ..."``), so tokens do not straddle the boundary. ``suffix`` is one string
        shared by all options, or one per option. With ``detail=True`` returns
        ``[(logprob, n_option_tokens, n_tokens)]``: how many tokens the option itself took is
        approximated by tokenising ``option`` alone. ``per_token=True`` adds each token's log-prob
        as a fourth element.
        """
        opts = list(options)
        sufs = [suffix] * len(opts) if isinstance(suffix, str) else list(suffix)
        if len(sufs) != len(opts):
            raise ValueError("one suffix per option")
        pre = self.encode_prefix(prefix)
        conts = [self.encode_cont(o + s) for o, s in zip(opts, sufs)]
        if len(pre) == 0:  # no BOS and no prefix: score from the second token on
            pre, conts = conts[0][:1], [c[1:] if c[:1] == conts[0][:1] else c for c in conts]
        per = self.score_ids(pre, conts)
        if not detail:
            return [sum(v) for v in per]
        n_opt = [len(self.tok(o, add_special_tokens=False)["input_ids"]) for o in opts]
        if per_token:
            return [(sum(v), n, len(v), [round(x, 4) for x in v]) for v, n in zip(per, n_opt)]
        return [(sum(v), n, len(v)) for v, n in zip(per, n_opt)]

    def token_logprobs(self, text: str) -> tuple[list[tuple[int, int]], list[float]]:
        """Character offsets and log-prob of every token of ``text`` (after BOS): the LM's surprise."""
        enc = self.tok(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = enc["input_ids"][:MAX_PREFIX + MAX_CONT]
        offs = [tuple(o) for o in enc["offset_mapping"][:len(ids)]]
        if not ids:
            return [], []
        pre = [self.bos] if self.bos is not None else ids[:1]
        cont = ids if self.bos is not None else ids[1:]
        if self.bos is None:
            offs = offs[1:]
        saved = self.use_cache
        self.use_cache = False
        try:
            vals = self.score_ids(pre, [cont])[0]
        finally:
            self.use_cache = saved
        return offs, vals


def _expand_cache(past, n: int):
    """A copy of a batch-1 KV cache repeated ``n`` times (the original is left as it is)."""
    import copy

    cache = copy.deepcopy(past)
    if n > 1:
        cache.batch_repeat_interleave(n)
    return cache


_SCORERS: dict[tuple[str, str], LMScorer] = {}
_LOAD_LOCK = threading.Lock()


def _load(root: str, source: Source) -> LMScorer:
    k = (source.key, root)
    with _LOAD_LOCK:
        if k in _SCORERS:
            return _SCORERS[k]
        d = build_cache(source, Path(root), log=_stderr)
        try:
            sc = LMScorer(d)
        except Exception:
            # a cache that passed the cheap checks but does not load: rebuild once
            _remove(d)
            d = build_cache(source, Path(root), log=_stderr)
            sc = LMScorer(d)
        _SCORERS[k] = sc
        return sc


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load_scorer(source: Source | None = None) -> LMScorer:
    """The process-wide scorer (built once; the first call in a fresh cache converts the model).

    Raises :class:`restore.errors.ModelError` when the ``[lm]`` extra is missing.
    """
    src = source or default_source()
    try:
        return _load(str(cache_root()), src)
    except ModelError:
        raise
    except ImportError as e:
        raise ModelError(f"{EXTRA_HINT} ({e})") from e
