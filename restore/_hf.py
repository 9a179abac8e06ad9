"""Shared set-up for the transformers-based stages (imported only by them, never at package import)."""
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
