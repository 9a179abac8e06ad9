"""The run signature, sacrebleu-style: every input that decides the output, in one line.

    restore:0.1.0|dict:news@1a2b3c4d+...|thr:0.60|detector:detector@7dc4ccee+cal@1a2b3c4d|
    model:restorer@1ea24e15+evidence@d6cd3e5f|mthr:0.80|quality:fast

``Signature`` is the one type: its ``parts`` are ``(key, value)`` pairs and ``str()`` joins them as
above. It is computed from files (the weights' and calibration's SHA-256), so ``restore --version``
and a record's signature never need a model loaded, and the loaded models name themselves with the
same functions (``weights_signature``).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from restore.config import Config


def file_sha256(path) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks: the first 8 characters of a weights file's
    are the model's signature (``detector@…``, ``restorer@…``)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=32)
def _short_hash(path: str, mtime_ns: int, size: int) -> str:
    return file_sha256(path)[:8]


def weights_signature(name: str, path: str | os.PathLike) -> str:
    """``name@<first 8 hex of the file's sha256>`` (``detector@7dc4ccee``), each file hashed once."""
    st = os.stat(path)
    return f"{name}@{_short_hash(str(Path(path).resolve()), st.st_mtime_ns, st.st_size)}"


@dataclass(frozen=True)
class Signature:
    parts: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return "|".join(f"{k}:{v}" if k else v for k, v in self.parts)

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.parts if k == key), None)


def build(cfg: Config, lexicon_sig: str, model_sig: str, detector_sig: str) -> Signature:
    """The signature of a run of ``cfg`` with these dictionaries, restorer and detector."""
    from restore import __version__

    parts = [("restore", __version__), ("dict", lexicon_sig or "none"), ("thr", f"{cfg.threshold:.2f}"),
             ("detector", detector_sig if cfg.use_detector else "off"),
             ("model", model_sig if cfg.use_model else "off")]
    if cfg.use_model:
        parts.append(("mthr", f"{cfg.model_threshold:.2f}"))
        if cfg.refine_threshold is not None and cfg.use_detector:
            parts.append(("refine", f"{cfg.refine_threshold:.2f}"))
        if cfg.detect_suggest and cfg.use_detector:
            parts.append(("", "suggest"))
    if not cfg.check_language:
        parts.append(("lang", "any"))
    if cfg.passes != Config.passes:
        parts.append(("passes", str(cfg.passes)))
    if cfg.use_model and cfg.consistent:
        parts.append(("", "consistent"))
    if cfg.use_detector and cfg.spinner_vocab and cfg.domain == "news":  # detect: its spans
        from restore.fix.spinner_vocab import load as load_vocab

        from restore.fix.fillers import load as load_fillers

        names = [t.signature for t in (load_vocab(), load_fillers()) if t is not None]
        if names:
            parts.append(("vocab", "+".join(names)))
    if cfg.device != "auto" and cfg.device != "cpu" and (cfg.use_detector or cfg.use_model):
        parts.append(("device", cfg.device))  # bf16 on a GPU: confidences may differ in the last digits
    if cfg.triage and cfg.use_detector and cfg.domain == "news":  # science: the triage clears nothing
        from restore.detect.triage import load_triage

        tri = load_triage()
        if tri is not None:
            parts.append(("triage", tri.signature))
    if cfg.domain != "news":
        from restore.fix.terms import load_model

        terms = load_model(best=cfg.quality == "best")
        domain = cfg.domain + (f"+{terms.signature}" if terms is not None else "+no-terms-model")
        if cfg.quality == "best":
            from restore.fix.terms_lm import load_stack

            stack = load_stack()
            domain += f"+{stack.signature}" if stack is not None else "+no-terms-lm"
        parts.append(("domain", domain))
        parts.append(("tthr", f"{cfg.term_threshold():.2f}"))
    if cfg.reference is not None:
        from restore.reference.match import open_index

        parts.append(("ref", open_index(cfg.reference).signature))
    parts.append(("quality", cfg.quality))
    if cfg.quality == "best":
        from restore.fix.rerank import signature as lm_signature

        parts.append(("", lm_signature(cfg)))
    return Signature(tuple(parts))


def run_signature(cfg: Config) -> Signature:
    """The signature of a run of ``cfg``, from the files alone (no model is loaded)."""
    from restore.detect.detector import detector_dir, detector_signature
    from restore.fix.dictionary import load_lexicon
    from restore.fix.restorer import restorer_dir, restorer_signature

    lex = load_lexicon(cfg.lexicons, cfg.builtin)
    ddir = detector_dir(cfg.models_dir) if cfg.use_detector else None
    rdir = restorer_dir(cfg.models_dir) if cfg.use_model else None
    rsig = restorer_signature(rdir, weights_signature("detector", ddir / "model.safetensors") if ddir else None) \
        if rdir else "none"
    return build(cfg, lex.signature, rsig, detector_signature(ddir) if ddir else "none")


def default_signature() -> str:
    """The signature of a run with the default settings (``restore --version``)."""
    return str(run_signature(Config()))
