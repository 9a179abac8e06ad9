"""Shared set-up for the transformers-based stages: the models' modules import it, and it imports
nothing but ``os`` at module level (transformers and torch only inside the functions that need them)."""
from __future__ import annotations

import os


def quiet_transformers():
    """Offline, no hub look-ups, no progress bars or info logs on stderr; returns the transformers module."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return transformers


def set_threads(torch) -> None:
    """RESTORE_THREADS (if set) caps torch's intra-op threads: two processes on two cores beat one."""
    threads = os.environ.get("RESTORE_THREADS")
    if threads:
        torch.set_num_threads(max(1, int(threads)))


def native_bf16(torch) -> bool:
    """True when this CPU computes bf16 natively (AVX512-BF16 or AMX). Without it (an AVX2-only CPU)
    torch emulates bf16 and a MiniLM forward pass is ~6x slower than in float32 (measured here:
    0.46 s fp32 against 2.9 s bf16 for 8x128 wordpieces on an AMD EPYC with AVX2 only)."""
    cpu = getattr(torch, "cpu", None)
    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        fn = getattr(cpu, probe, None)
        try:
            if fn is not None and fn():
                return True
        except Exception:  # pragma: no cover - an older torch without the probe
            pass
    return False


def use_bf16(torch, env: str, preferred: bool = True) -> bool:
    """bf16 if ``env`` says 1 (0: float32), else ``preferred`` on a CPU with native bf16 only."""
    val = os.environ.get(env, "").strip()
    if val in ("0", "1"):
        return val == "1"
    return preferred and native_bf16(torch)


def resolve_device(torch, want: str = "auto") -> str:
    """The torch device a model runs on: ``auto`` is the GPU when torch sees one (``cuda``), else
    the CPU; ``cpu``; ``cuda`` or ``cuda:N``, which must exist."""
    from restore.errors import ModelError

    if want in ("auto", "", None):
        return "cuda" if torch.cuda.is_available() else "cpu"
    if want == "cpu":
        return "cpu"
    if want.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ModelError(f"--device {want}: torch {torch.__version__} sees no CUDA GPU "
                             "(a CPU build of torch, or no driver); use --device cpu or auto")
        index = int(want.split(":", 1)[1]) if ":" in want else 0
        if index >= torch.cuda.device_count():
            raise ModelError(f"--device {want}: torch sees {torch.cuda.device_count()} CUDA GPU(s)")
        return want
    raise ModelError(f"--device {want}: not a device (auto, cpu, cuda or cuda:N)")


def bucket(n: int, step: int) -> int:
    """``n`` rounded up to a multiple of ``step``: the padded width of an input of length ``n``. The
    models batch only inputs of one padded width, so that what an input gets does not depend on
    the other inputs of its batch."""
    return -(-n // step) * step
